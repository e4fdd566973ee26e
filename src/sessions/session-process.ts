import type { EventEmitter } from 'eventemitter3';
import type { ExecutorEvents } from '../core/results.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import { plainRuntime, type PoolStrategy } from '../pool/slot-runtime.js';
import { WorkerPool } from '../pool/worker-pool.js';
import type { WorkerSource } from '../worker/worker-handle.js';
import { WorkerLauncher } from '../worker/worker-launcher.js';
import { ForwardingEvents } from './forwarding-events.js';
import type { ProcessExit } from './session-ending.js';

// A session's process: the harness in `session` mode (one __main__ for all its calls), never
// renewed behind the caller's back: a process that ends takes the session's state with it.
const SESSION_HARNESS = { mode: 'session', generations: false, forksCallProcesses: false, harnessChurn: 0 };
const SESSION_POOL: PoolStrategy = {
  policy: () => ({ keepWarm: false, singleUse: false, spares: 0, movesCalls: false }),
  runtime: (_options, control) => plainRuntime(control),
};

/** What a session hears of its process beyond its calls' results. */
export interface SessionProcessEvents {
  /** The harness retires the process (past maxRssMb, os._exit): why. */
  retiring(reason: string): void;
  /** The process exited; `closed` when its session or executor closed it. */
  exited(pid: number, exit: ProcessExit): void;
}

/**
 * The pool of one worker a session runs its calls on: its events also reach the executor's
 * listeners, as any call's do, but for `internalCalls` (a fork). `source`: a forked copy's
 * process; else the harness in session mode is started.
 */
export function sessionPool(
  options: NormalizedExecutorOptions,
  executorEvents: EventEmitter<ExecutorEvents>,
  internalCalls: ReadonlySet<string>,
  source: WorkerSource | undefined,
  heard: SessionProcessEvents,
): WorkerPool {
  const events = new ForwardingEvents(executorEvents, internalCalls);
  events.on('worker:recycle', ({ reason }) => heard.retiring(reason));
  events.on('worker:exit', (exit) => heard.exited(exit.pid, exit));
  return new WorkerPool(options, SESSION_POOL, source ?? new WorkerLauncher(options, SESSION_HARNESS), events);
}

/**
 * The options of a session's pool of one: the executor's, with one worker that is never recycled
 * by count, no reset hooks (its state is the point), the session's `maxRssMb`, and `python`, the
 * interpreter sessions start.
 */
export function sessionPoolOptions(
  executor: NormalizedExecutorOptions,
  maxRssMb: number | undefined,
  python: string,
): NormalizedExecutorOptions {
  return Object.freeze({
    ...executor,
    poolSize: 1,
    maxQueue: Number.POSITIVE_INFINITY,
    maxExecutions: Number.POSITIVE_INFINITY,
    spareWorkers: 0,
    resetHooks: Object.freeze([]),
    maxRssMb,
    python,
  });
}
