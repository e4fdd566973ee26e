/** What a call results in, what an executor reports and emits: the types every layer shares. */
import type { PyExecError } from './errors.js';
import type { StrategyName } from './strategy-names.js';

/** A Python exception as a result carries it. */
export interface PythonError {
  type: string;
  message: string;
  traceback: string;
}

/** A matplotlib figure, as PNG. */
export interface Figure {
  mime: 'image/png';
  data: string;
}

/** One datum in several representations: MIME type → content (text, or base64 for binary types). */
export type MimeBundle = Record<string, string>;

/** Text a call wrote to stdout or stderr; consecutive writes to one stream make one item. */
export interface StreamOutput {
  type: 'stream';
  name: 'stdout' | 'stderr';
  text: string;
}

/** Something the call displayed: a matplotlib figure (`image/png`). */
export interface DisplayOutput {
  type: 'display';
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/** The value of the call's last expression statement (`text/plain` is `result.value`). */
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
export type Output = StreamOutput | DisplayOutput | ValueOutput | ErrorOutput;

/** How many bytes of each output stream went past limits.maxOutputBytes and were not kept. */
export interface DroppedBytes {
  stdout: number;
  stderr: number;
}

/** A distribution autoInstall or installPackages put in place. */
export interface InstalledDistribution {
  name: string;
  version: string;
}

/** How a call ended. Only misuse and infrastructure failures reject `run`; these all resolve. */
export type ExecutionStatus = 'ok' | 'error' | 'timeout' | 'stopped' | 'crashed';

/** What every result holds, whatever its status. */
interface ResultFields {
  executionId: string;
  /** Everything written to fd 1 during the call: print(), sys.stdout, C code, child processes. */
  stdout: string;
  /** Everything written to fd 2 during the call, warnings included. */
  stderr: string;
  /** repr() of the last expression statement's value, as the Python REPL shows it. */
  value?: string;
  /**
   * The last expression's value as data, when it is plain JSON: a dict with string keys, a list,
   * a str, an int, a finite float, a bool, nested. Anything else (a tuple, a set, NaN or
   * Infinity, a dict with a non-string key, an object of a class, more than maxOutputBytes of
   * JSON) leaves it undefined: never an error. The code cannot fake it through what it prints.
   */
  valueJson?: unknown;
  /** Matplotlib figures left open (or shown) at the end of the call, as PNG. */
  figures: Figure[];
  /**
   * Everything the call produced, in order: stream text, displays (figures), the value, the
   * error. `stdout`, `stderr`, `value`, `figures` and `error` are views of it.
   */
  outputs: Output[];
  /** From when the call reached its worker (waiting for a worker to start is not counted). */
  durationMs: number;
  workerPid?: number;
  /**
   * Output (or the value) was cut at `limits.maxOutputBytes`. A stream past the limit keeps its
   * first and last halves, with a line between them saying how many bytes were dropped there.
   */
  truncated?: boolean;
  /** How many bytes of stdout and stderr were dropped between their kept head and tail. */
  droppedBytes?: DroppedBytes;
  /** What `autoInstall` installed for this call before it ran. */
  installed?: InstalledDistribution[];
}

/** The code ran to its end. */
export interface OkResult extends ResultFields {
  status: 'ok';
  error?: undefined;
}

/** The code raised: `error` is the Python exception. */
export interface ErrorResult extends ResultFields {
  status: 'error';
  error: PythonError;
}

/**
 * The host ended the call (its timeout, `stop()`, an aborted signal, `close()`); `error` is set
 * when Python got to report how it stopped (KeyboardInterrupt).
 */
export interface InterruptedResult extends ResultFields {
  status: 'timeout' | 'stopped';
  error?: PythonError;
}

/** The process running the call died; `error` (type `WorkerCrash`) says how, with its last stderr lines. */
export interface CrashedResult extends ResultFields {
  status: 'crashed';
  error: PythonError;
}

/**
 * What `run` resolves with, discriminated by `status`: after `status === 'error'`, `error` is
 * there without a `!`.
 */
export type ExecutionResult = OkResult | ErrorResult | InterruptedResult | CrashedResult;

export interface RunningExecution {
  executionId: string;
  workerPid: number | undefined;
  /** Epoch milliseconds. */
  startedAt: number;
}

export type WorkerState = 'starting' | 'idle' | 'busy' | 'stopping';

export interface WorkerStatus {
  pid: number | undefined;
  state: WorkerState;
  /** Calls this worker has finished. */
  executions: number;
  rssMb?: number;
  /** Forked strategy: the child process running this template's current call. */
  childPid?: number;
}

export interface ExecutorTotals {
  executions: number;
  ok: number;
  errors: number;
  timeouts: number;
  stopped: number;
  crashes: number;
  recycles: number;
}

export interface ExecutorStatus {
  strategy: StrategyName;
  running: RunningExecution[];
  /** Calls whose missing imports `autoInstall` is installing before they are queued (since: epoch ms). */
  installing: { executionId: string; since: number }[];
  queued: number;
  workers: WorkerStatus[];
  totals: ExecutorTotals;
}

export interface OutputEvent {
  executionId: string;
  text: string;
}

export interface WorkerEvent {
  pid: number;
  /** Why: `start`, `replace` (after a crash, kill or recycle), `crashed`, `killed`, `recycled`, `closed`, … */
  reason: string;
}

/** Typed event map of every executor (eventemitter3). */
/** Where a session is in its life; `lost`: its process died or was killed, with its state. */
export type SessionState = 'starting' | 'idle' | 'busy' | 'closed' | 'lost';

/** Why a session ended (`session:end`). */
export type SessionEndReason = 'closed' | 'idle' | 'lifetime' | 'memory' | 'crashed' | 'killed' | 'executor-closed';

/** One session as `executor.sessions()` lists it. */
export interface SessionInfo {
  id: string;
  state: SessionState;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds of its last call's end (its creation before any). */
  lastUsedAt: number;
  /** Calls it finished. */
  calls: number;
  /** Its process, once started (in the sandbox, the sandbox's own process). */
  pid: number | undefined;
  rssMb?: number;
  metadata: Record<string, string>;
  /** The session it was forked from (`session.fork()`). */
  forkedFrom?: string;
}

export interface ExecutorEvents {
  'session:start': [{ id: string }];
  'session:end': [{ id: string; reason: SessionEndReason }];
  stdout: [OutputEvent];
  stderr: [OutputEvent];
  start: [{ executionId: string }];
  end: [{ executionId: string; result: ExecutionResult }];
  'worker:spawn': [WorkerEvent];
  'worker:exit': [WorkerEvent & { exitCode: number | null; signal: string | null }];
  'worker:recycle': [WorkerEvent];
  /** `autoInstall` starts installing what call `executionId` imports. */
  'install:start': [{ executionId: string; requirements: string[] }];
  /** That install ended: what it installed, or the error `run` rejects with. */
  'install:end': [{ executionId: string; installed: InstalledDistribution[]; error?: PyExecError }];
  /** Infrastructure faults that no call owns (a worker that cannot be replaced, a harness fault). */
  error: [PyExecError];
}
