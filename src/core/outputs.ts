/** What a call produces: its outputs (streams, displays, the value, the error), figures, files, usage. */

/** A Python exception as a result carries it. */
export interface PythonError {
  type: string;
  message: string;
  traceback: string;
}

/** A format matplotlib figures are rendered in (`figureFormats`). */
export type FigureFormat = 'png' | 'svg' | 'pdf';

/**
 * A matplotlib figure in the call's first figure format: PNG (base64) unless `figureFormats`
 * asks otherwise (SVG text, PDF base64).
 */
export interface Figure {
  mime: 'image/png' | 'image/svg+xml' | 'application/pdf';
  data: string;
}

/**
 * One datum in several representations: MIME type → content. Text types are the text; binary
 * types (image/png, image/jpeg, image/gif, application/pdf) are base64; application/json (and
 * any `+json` type) is JSON text.
 */
export type MimeBundle = Record<string, string>;

/** Text a call wrote to stdout or stderr; consecutive writes to one stream make one item. */
export interface StreamOutput {
  type: 'stream';
  name: 'stdout' | 'stderr';
  text: string;
}

/**
 * Something the call displayed: display(obj) (the richest representations `obj` has, and always
 * text/plain), an IPython display class, a matplotlib figure (at plt.show() or the call's end).
 */
export interface DisplayOutput {
  type: 'display';
  data: MimeBundle;
  metadata: Record<string, unknown>;
  /** Set when shown with a display id (`display(obj, display_id=True)`): updates name it. */
  displayId?: string;
}

/** A new bundle for an earlier display with the same `displayId` (`handle.update(obj)`). */
export interface UpdateOutput {
  type: 'update';
  displayId: string;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/** The value of the call's last expression statement (`text/plain` is `result.value`; the bundle is `result.valueBundle`). */
export interface ValueOutput {
  type: 'value';
  data: MimeBundle;
}

/** The exception the call ended with (`result.error`). */
export interface ErrorOutput {
  type: 'error';
  error: PythonError;
}

/**
 * One item of `result.outputs`: everything a call produced, in the order it was produced.
 * stdout and stderr keep the order they were written in, except that two writes to fds 1 and 2
 * (os.write, C code, child processes) in a row have no order between them (two pipes).
 */
export type Output = StreamOutput | DisplayOutput | UpdateOutput | ValueOutput | ErrorOutput;

/** How many bytes of each output stream went past limits.maxOutputBytes and were not kept. */
export interface DroppedBytes {
  stdout: number;
  stderr: number;
}

/**
 * A file the call created or changed in its working directory (`collectFiles`). A symlink is
 * reported as one (`target`), never followed.
 */
export interface OutputFile {
  /** Relative to the call's working directory, with `/`. */
  path: string;
  type: 'file' | 'symlink';
  size: number;
  /** Epoch milliseconds. */
  modifiedAt: number;
  /** The symlink's target, as it reads. */
  target?: string;
  /** Its contents, when `collectFiles` asked for them and they are within the limits. */
  data?: Uint8Array;
  /** Its contents were asked for but are past `limits.maxFileBytes` or `maxOutputFilesBytes`. */
  truncated?: boolean;
}

/**
 * What a call used, as the process that ran it measures it (getrusage): CPU of that process and
 * of the processes it started that ended during the call; the peak RSS of that process (a
 * forked call's child: its own; a persistent worker or a session: its high-water mark so far).
 */
export interface ResourceUsage {
  cpuUserMs: number;
  cpuSystemMs: number;
  maxRssMb: number;
}
