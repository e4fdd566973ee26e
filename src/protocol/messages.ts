import type { DroppedBytes, FigureFormat, MimeBundle, PythonError, ResourceUsage } from '../core/results.js';

export type { DroppedBytes, FigureFormat, MimeBundle, PythonError, ResourceUsage };
/** Protocol version this host speaks; the harness announces its own in `hello`. */
export const PROTOCOL_VERSION = 1;

// ---- host → harness -------------------------------------------------------

/** Run `code` with fresh globals (a session's: its own). `env` entries are set (string) or unset (null) for this call. */
export interface RunMessage {
  type: 'run';
  id: string;
  code: string;
  maxOutputBytes: number;
  env?: Readonly<Record<string, string | null>>;
  /** Packages were installed since the worker last heard: refresh import caches first (autoInstall). */
  importsEpoch?: number;
  /** The script file's name (default main.py): `__file__`, `sys.argv[0]`, tracebacks. */
  filename?: string;
  /** `sys.argv[1:]` for this call. */
  argv?: readonly string[];
  /** Wait for the next message asleep, not busy-polling (the pool's PollingChoice chose so). */
  poll?: false;
  /** A session's harness: fork copies of the interpreter instead of running `code` (see ForkRequest). */
  fork?: ForkRequest;
  /** What the call reads on stdin, then end of file: text, or bytes as base64 (`stdinBase64`). */
  stdin?: string;
  stdinBase64?: string;
  /** Files written into the call's working directory before it runs: text, or bytes as base64. */
  files?: readonly { path: string; text?: string; base64?: string }[];
  /** A session's harness: a file operation in its working directory instead of running `code`. */
  fileOp?: FileOperation;
  /** matplotlib figures' formats, when not `['png']` (each figure's bundle holds each). */
  figureFormats?: readonly FigureFormat[];
  /** The call's input() and sys.stdin ask the host (`request` of kind `input`). */
  input?: true;
  /** The host functions the call may call through `pyexec_host` (`request` of kind `function`). */
  functions?: readonly string[];
  /** List the files the call creates or changes (`result.files`); contents of those `patterns` match (all without). */
  collectFiles?: { patterns?: readonly string[]; maxFileBytes: number; maxTotalBytes: number };
  /** Measure what the call uses (`result.usage`). */
  usage?: true;
}

/**
 * `write` (`base64` the contents), `read` (the result's value: base64; refused past `maxBytes`),
 * `list` (the value: JSON `[{name, type, size, modifiedAt}]`; `path` '' for the directory itself)
 * or `remove` (a file or symlink), at `path` relative to the session's working directory.
 */
export interface FileOperation {
  op: 'write' | 'read' | 'list' | 'remove';
  path: string;
  base64?: string;
  maxBytes?: number;
}

/**
 * For each copy the harness connects to the Unix socket `socket` and sends the copy's one-time
 * `token` and a newline; the copy then speaks the protocol there (no hello: it is the interpreter
 * that said hello already), once it has moved into its `cgroups`. The result's value lists the
 * copies' pids.
 */
export interface ForkRequest {
  socket: string;
  copies: readonly { token: string; workDir: string; scriptDir: string; cgroups?: readonly string[] }[];
}

/** Replace the reset hooks run after every call (from the next call on). */
export interface ConfigureMessage {
  type: 'configure';
  resetHooks: readonly string[];
}

/** Kill and reap everything the worker started, then exit (os._exit), without user atexit handlers. */
export interface ShutdownMessage {
  type: 'shutdown';
}

/**
 * Isolated workers that fork generations: the serving generation exits and the process the host
 * started forks a fresh one, which says `hello`. The host sends nothing more until then.
 */
export interface RecycleMessage {
  type: 'recycle';
}

/**
 * Forked strategy: the template forks a session's process. It connects to the Unix socket
 * `socket` and sends `token` and a newline, then forks; the child moves into `cgroups`, makes
 * `workDir`, and says hello on that socket as the harness in session mode. The template answers
 * nothing on its own channel.
 */
export interface SessionMessage {
  type: 'session';
  socket: string;
  token: string;
  workDir: string;
  scriptDir: string;
  cgroups?: readonly string[];
  /** The session's maxRssMb (the template has the executor's). */
  maxRssMb?: number;
}

/**
 * The answer to the running call's request `requestId`: for `input`, `value` is the line (no
 * `ok`: the input ended); for a function, `value` is its result as JSON text (absent: None) or
 * `error` says why it failed. A reply to a call that ended is dropped by the harness.
 */
export interface ReplyMessage {
  type: 'reply';
  id: string;
  requestId: number;
  ok: boolean;
  value?: string;
  error?: string;
}

export type HostMessage =
  RunMessage | ConfigureMessage | RecycleMessage | ShutdownMessage | SessionMessage | ReplyMessage;

/** The exit code of a generation that ended on `recycle` (reported in `exited`). */
export const RECYCLED_EXIT_CODE = 75;

// ---- harness → host -------------------------------------------------------

export interface HelloMessage {
  type: 'hello';
  protocol: number;
  python: string;
  pid: number;
  executable: string;
}

/** Output of a running call, batched (about every 50 ms while there is any). */
export interface StreamMessage {
  type: 'stream';
  id: string;
  name: 'stdout' | 'stderr';
  text: string;
}

/** The end of a call. `stdout`/`stderr` hold only what was not already streamed. */
export interface ResultMessage {
  type: 'result';
  id: string;
  status: 'ok' | 'error';
  stdout: string;
  stderr: string;
  value?: string;
  error?: PythonError;
  /** Figures still open at the call's end, each a bundle in the call's figure formats. */
  figures: MimeBundle[];
  truncated?: boolean;
  /** The process that ran the call ends after this result (the call called os._exit): it takes no other call. */
  exiting?: boolean;
  /** Bytes of each stream dropped between the head and the tail kept (only when any were). */
  droppedBytes?: DroppedBytes;
  /** The last expression's value as JSON text, when it is plain data (see ExecutionResult.valueJson). */
  valueJson?: string;
  /** What the value's `_repr_*_` methods gave beyond its repr (`value` is its text/plain). */
  valueBundle?: MimeBundle;
  /** With `collectFiles`: what the call created or changed; contents as base64. */
  files?: OutputFileEntry[];
  usage?: ResourceUsage;
}

export interface OutputFileEntry {
  path: string;
  type: 'file' | 'symlink';
  size: number;
  modifiedAt: number;
  target?: string;
  base64?: string;
  truncated?: boolean;
}

/**
 * The running call asks the host and waits (its other threads may ask too, each its own
 * `requestId`): a line of input (`prompt`; `password` for getpass) or a host function's value
 * (`name`, `args`: JSON text of `[positional, keyword]`).
 */
export interface RequestMessage {
  type: 'request';
  id: string;
  requestId: number;
  kind: 'input' | 'function';
  prompt?: string;
  password?: boolean;
  name?: string;
  args?: string;
}

/**
 * Something the running call displayed (display(), plt.show()), after the output streamed
 * before it: a bundle, or with `update` a new bundle for the display named `displayId`.
 * `figure`: a matplotlib figure (it also goes to `result.figures`).
 */
export interface DisplayMessage {
  type: 'display';
  id: string;
  data: MimeBundle;
  metadata: Record<string, unknown>;
  displayId?: string;
  update?: boolean;
  figure?: boolean;
}

/** A harness-side failure; with `id` when it concerns one call's message. */
export interface FaultMessage {
  type: 'fault';
  message: string;
  id?: string;
}

/**
 * After its last result the worker found it cannot serve another call (threads or children left
 * running, C extensions loaded, a failing reset hook, RSS past the ceiling). It runs no further
 * call and waits for `shutdown`, so a call sent after that result never started. (A session's
 * harness sends it before that call's result.)
 */
export interface SpoiledMessage {
  type: 'spoiled';
  reason: string;
  /** Packages whose C extensions the call loaded; worth preloading into the replacement. */
  preload?: string[];
}

/** Forked strategy: the template handed call `id` to the child `pid` (signal that one to stop it). */
export interface StartedMessage {
  type: 'started';
  id: string;
  pid: number;
}

/**
 * Forked strategy: the child running a call died before finishing it. Isolated workers that fork
 * generations: the serving generation ended (code RECYCLED_EXIT_CODE after `recycle`).
 */
export interface ExitedMessage {
  type: 'exited';
  pid: number;
  code?: number;
  signal?: string;
}

/**
 * Sent by a persistent worker's output thread while a call runs past RUNNING_INTERVAL: which call
 * the worker is busy with. For a call the host already settled (it forged its own result and ran
 * on), the call sent since never started: the host replaces the worker and reruns it.
 */
export interface RunningMessage {
  type: 'running';
  id: string;
}

export type HarnessMessage =
  | RunningMessage
  | HelloMessage
  | StreamMessage
  | DisplayMessage
  | RequestMessage
  | ResultMessage
  | FaultMessage
  | SpoiledMessage
  | StartedMessage
  | ExitedMessage;
