import type { EventEmitter } from 'eventemitter3';
import type { PyExecError } from '../core/errors.js';
import type { HarnessMessage, HelloMessage, HostMessage } from '../protocol/messages.js';

export interface WorkerExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** The last few KB the process wrote to its real stderr (crash reports land there). */
  readonly diagnostics: string;
}

export interface WorkerEvents {
  message: [HarnessMessage];
  exit: [WorkerExit];
  /** The channel carried something that is not the protocol; the worker is killed. */
  protocolError: [PyExecError];
}

/**
 * What the pool knows of a worker: a harness process that said hello (WorkerProcess), or in the
 * pool's unit tests a scripted stand-in. The pool never touches the process otherwise.
 */
export interface WorkerHandle extends EventEmitter<WorkerEvents> {
  readonly pid: number;
  /**
   * The harness process as the host sees it: `pid`, or in a sandbox (its own pid namespace) the
   * process below it whose pid there is `hello.pid`. Interrupts go to it.
   */
  readonly harnessPid: number;
  /** Whether the pids it reports (hello, generations, children) are its own pid namespace's (the sandbox). */
  readonly namespaced: boolean;
  /** The machine it runs on when not this one (the `hostName` option): crashes name it. */
  readonly host?: string;
  readonly hello: HelloMessage;
  /** The process that runs calls: `pid`, or the generation it forked that serves now. */
  servingPid: number | undefined;
  /** The reset hooks this process was started with (a later `configure` reaches one generation). */
  startHooks: readonly string[];
  /** Why the host killed it (`timeout`, `recycled`, `closed`, …); undefined if it died by itself. */
  readonly killReason: string | undefined;
  readonly alive: boolean;
  /** The last few KB the process wrote to its real stderr so far (crash reports). */
  diagnostics(): string;
  send(message: HostMessage): void;
  /** SIGINT: interrupts the running call only; the harness survives it. */
  interrupt(): void;
  /** Kills the process and all it started; resolves once it has exited. */
  kill(reason: string): Promise<WorkerExit>;
  /** An idle worker's end: the harness reaps all it started, then exits (killed if it does not). */
  shutDown(reason: string): Promise<WorkerExit>;
}

/** Where a pool gets its workers (WorkerLauncher), and what they share. */
export interface WorkerSource {
  /** Reset hooks handed to every new worker (the executor can add some at run time). */
  resetHooks: readonly string[];
  start(): Promise<WorkerHandle>;
  /** Remembers packages worth preloading; true if anything was new. */
  learnPreloads(modules: readonly string[]): boolean;
  /** Removes what the workers shared; they must be gone first. */
  dispose(): Promise<void>;
}

// How long an idle harness asked to shut down may take before it is killed instead.
const SHUTDOWN_GRACE_MS = 1_000;

/**
 * An idle worker's end (WorkerHandle.shutDown for both kinds of worker): the harness is asked to
 * shut down (it kills and reaps everything it started before it exits, so nothing of its tree is
 * left to a PID 1 that may be slow to reap), and killed if it is not gone within a grace (busy,
 * or its loop broken by user code). Resolves with its exit.
 */
export async function shutDownGracefully(
  worker: Pick<WorkerHandle, 'alive' | 'send' | 'kill'>,
  exited: Promise<WorkerExit>,
  reason: string,
): Promise<WorkerExit> {
  if (!worker.alive) return exited;
  worker.send({ type: 'shutdown' });
  const timer = setTimeout(() => void worker.kill(reason), SHUTDOWN_GRACE_MS);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}
