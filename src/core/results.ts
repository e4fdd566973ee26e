/** What a call results in, what an executor reports and emits: the types every layer shares. */
import type { PyExecError } from './errors.js';
import type { StrategyName } from './strategy-names.js';
import type {
  DisplayOutput,
  DroppedBytes,
  Figure,
  MimeBundle,
  Output,
  OutputFile,
  PythonError,
  ResourceUsage,
  UpdateOutput,
} from './outputs.js';

// Outputs have a file of their own; every layer still finds them here.
export type * from './outputs.js';

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
  /**
   * The last expression's value as IPython would show it: `text/plain` (its repr, `value`) and
   * what its `_repr_*_` methods give (a DataFrame's `text/html`).
   */
  valueBundle?: MimeBundle;
  /** Matplotlib figures the call showed (plt.show()) or left open, in order. */
  figures: Figure[];
  /**
   * Everything the call produced, in order: stream text, displays and their updates (figures
   * included), the value, the error. `stdout`, `stderr`, `value`, `figures` and `error` are
   * views of it.
   */
  outputs: Output[];
  /** From when the call reached its worker (waiting for a worker to start is not counted). */
  durationMs: number;
  workerPid?: number;
  /**
   * Output (or the value) was cut at `limits.maxOutputBytes`. A stream past the limit keeps its
   * first and last halves, with a line between them saying how many bytes were dropped there.
   * Displays count against the same limit, together: one past it is left out (said on stderr).
   */
  truncated?: boolean;
  /** How many bytes of stdout and stderr were dropped between their kept head and tail. */
  droppedBytes?: DroppedBytes;
  /**
   * With `collectFiles`: the files the call created or changed in its working directory, in
   * path order (at most 10,000 entries: past them the result is marked truncated).
   */
  files?: OutputFile[];
  /** With `measureUsage`: what the call used; absent when its process never answered (crashed, killed). */
  usage?: ResourceUsage;
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

export type HostState = 'up' | 'down' | 'starting';

/** One host in `executor.status().hosts`. */
export interface HostStatus {
  name: string;
  state: HostState;
  /** Calls it runs at once (0 until a host given none has reported its CPU count). */
  capacity: number;
  workers: number;
  running: number;
  queued: number;
  sessions: number;
  /** Why it was last down (kept once it is up again). */
  lastError?: string;
  /** Epoch ms of its last change of state. */
  since: number;
}

export interface ExecutorStatus {
  strategy: StrategyName;
  running: RunningExecution[];
  /** Calls whose missing imports `autoInstall` is installing before they are queued (since: epoch ms). */
  installing: { executionId: string; since: number }[];
  queued: number;
  workers: WorkerStatus[];
  totals: ExecutorTotals;
  /** With the `hosts` option: each host's state and load. */
  hosts?: HostStatus[];
}

export interface OutputEvent {
  executionId: string;
  text: string;
}

export interface DisplayEvent {
  executionId: string;
  output: DisplayOutput | UpdateOutput;
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
  /** With `hosts`: the host it runs on, for life. */
  host?: string;
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
  /** A display (or an update of one) of a running call, in order with `stdout` and `stderr`. */
  display: [DisplayEvent];
  start: [{ executionId: string }];
  end: [{ executionId: string; result: ExecutionResult }];
  'worker:spawn': [WorkerEvent];
  'worker:exit': [WorkerEvent & { exitCode: number | null; signal: string | null }];
  'worker:recycle': [WorkerEvent];
  /** `autoInstall` starts installing what call `executionId` imports, or `installPackages()` (no `executionId`) starts. */
  'install:start': [{ executionId?: string; requirements: string[] }];
  /** That install ended: what it installed, or the error `run` (or `installPackages`) rejects with. */
  'install:end': [{ executionId?: string; installed: InstalledDistribution[]; error?: PyExecError }];
  /** With `hosts`: a host's workers start again after it was down. */
  'host:up': [{ name: string }];
  /** With `hosts`: a host's workers cannot start (its connection, its machine): calls go elsewhere. */
  'host:down': [{ name: string; error: unknown }];
  /** Infrastructure faults that no call owns (a worker that cannot be replaced, a harness fault). */
  error: [PyExecError];
}
