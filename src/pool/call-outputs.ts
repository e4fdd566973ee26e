import type {
  DisplayOutput,
  Figure,
  FigureFormat,
  MimeBundle,
  Output,
  PythonError,
  StreamOutput,
  UpdateOutput,
} from '../core/results.js';
import type { DisplayMessage } from '../protocol/messages.js';
import { OutputBuffer } from './output-buffer.js';

type StreamName = StreamOutput['name'];

// Room for the harness's line saying how many bytes it dropped between a stream's head and tail.
const DROPPED_NOTE_ROOM = 256;

const FIGURE_MIME: Readonly<Record<FigureFormat, Figure['mime']>> = {
  png: 'image/png',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
};

/**
 * What one call produced, as it arrives: each stream's text and the displays (bounded: the
 * harness keeps within the limit, plus its note of what it dropped; the host's bound is a
 * backstop against a harness that does not), every item in order, and the figures it showed.
 * Made only for calls that stream output or display something.
 */
export class CallOutputs {
  private readonly buffers: { stdout?: OutputBuffer; stderr?: OutputBuffer } = {};
  private readonly items: Output[] = [];
  private displayBytes = 0;
  private displaysDropped = false;
  /** Figures shown while the call ran (plt.show()), in its first figure format. */
  readonly figures: Figure[] = [];

  constructor(
    private readonly maxOutputBytes: number,
    private readonly figureFormat: FigureFormat,
  ) {}

  /** Adds text of one stream; returns what was kept of it (what events and the result show). */
  addStream(name: StreamName, text: string): string {
    const kept = (this.buffers[name] ??= new OutputBuffer(this.maxOutputBytes + DROPPED_NOTE_ROOM)).append(text);
    if (kept.length > 0) appendStream(this.items, name, kept);
    return kept;
  }

  /** Adds a display or an update; returns it, or undefined when it is past the output limit. */
  addDisplay(message: DisplayMessage): DisplayOutput | UpdateOutput | undefined {
    const size = bundleBytes(message.data);
    if (this.displayBytes + size > this.maxOutputBytes) {
      this.displaysDropped = true;
      return undefined;
    }
    this.displayBytes += size;
    const output = displayOutput(message);
    this.items.push(output);
    if (message.figure === true) {
      const figure = figureOf(message.data, this.figureFormat);
      if (figure !== undefined) this.figures.push(figure);
    }
    return output;
  }

  text(name: StreamName): string {
    return this.buffers[name]?.text() ?? '';
  }

  get truncated(): boolean {
    return this.displaysDropped || this.buffers.stdout?.truncated === true || this.buffers.stderr?.truncated === true;
  }

  /** The items so far (the caller appends the call's last ones). */
  list(): Output[] {
    return [...this.items];
  }
}

function displayOutput(message: DisplayMessage): DisplayOutput | UpdateOutput {
  const { data, metadata, displayId } = message;
  if (message.update === true && displayId !== undefined) return { type: 'update', displayId, data, metadata };
  return displayId === undefined ? { type: 'display', data, metadata } : { type: 'display', data, metadata, displayId };
}

function bundleBytes(data: MimeBundle): number {
  let bytes = 0;
  for (const value of Object.values(data)) bytes += Buffer.byteLength(value, 'utf8');
  return bytes;
}

/** A figure's bundle as `result.figures` holds it: in the call's first figure format. */
export function figureOf(bundle: MimeBundle, format: FigureFormat): Figure | undefined {
  const mime = FIGURE_MIME[format];
  const data = bundle[mime];
  return data === undefined ? undefined : { mime, data };
}

/** Adds stream text after `items`, into the last item when it is of the same stream. */
export function appendStream(items: Output[], name: StreamName, text: string): void {
  const last = items[items.length - 1];
  if (last?.type === 'stream' && last.name === name) last.text += text;
  else items.push({ type: 'stream', name, text });
}

/**
 * What ends a call's outputs, after its streams and displays: its value, then the figures still
 * open (Jupyter shows the figures of a cell below its value), then its error.
 */
export function appendEnding(
  items: Output[],
  figures: readonly MimeBundle[],
  value: MimeBundle | undefined,
  error: PythonError | undefined,
): Output[] {
  if (value !== undefined) items.push({ type: 'value', data: value });
  for (const data of figures) items.push({ type: 'display', data, metadata: {} });
  if (error !== undefined) items.push({ type: 'error', error });
  return items;
}
