import type { ExecutionResult } from '../core/results.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import type { ExitedMessage, HarnessMessage } from '../protocol/messages.js';
import type { WorkerHandle } from '../worker/worker-handle.js';
import type { Announcer } from './announcer.js';
import type { Call } from './call.js';
import type { PoolPolicy } from './pool-policy.js';
import type { Slot } from './slot.js';
import type { WorkerSupply } from './worker-supply.js';

/** What a strategy's runtime may ask of the pool it serves. */
export interface PoolControl {
  readonly announcer: Announcer;
  readonly workers: WorkerSupply;
  /** Settles a call whose process (a forked child, a generation) died under it. */
  settleDeath(call: Call, worker: WorkerHandle, message: ExitedMessage): void;
  /** The call left its busy slot (answered, or settled by settleDeath): the worker takes the next. */
  finishOnWorker(slot: Slot, call: Call, result: ExecutionResult | undefined): void;
  /** The slot's worker can take a call (its next generation said hello). */
  ready(slot: Slot): void;
  /** Kills the slot's worker; its exit settles the call it runs. */
  killWorker(slot: Slot, reason: string): void;
}

/**
 * What differs between strategies once a worker runs: the messages only their harness sends,
 * where interrupts and kills go, and how a worker that served its calls is renewed. The pool
 * handles everything else the same way for all of them.
 */
export interface SlotRuntime {
  /** Handles a message only this strategy's harness sends; false if it is not one. */
  onMessage(slot: Slot, worker: WorkerHandle, message: HarnessMessage): boolean;
  /** Asks what runs the slot's call to stop (SIGINT: KeyboardInterrupt in user code). */
  interrupt(slot: Slot): void;
  /** Kills what runs the slot's call, after the interrupt's grace period; its end settles the call. */
  kill(slot: Slot, reason: string): void;
  /** Renews a worker that served `maxExecutions` calls in place; false if a new process must replace it. */
  renewInPlace(slot: Slot, worker: WorkerHandle): boolean;
  /**
   * The process that ran the slot's call ends by itself (os._exit in the call, after its result);
   * true if a successor takes the slot's next call in place, false if a new worker must.
   */
  succeedsInPlace(slot: Slot): boolean;
  /**
   * Whether a call sent to the worker reached the process that runs it: one that did not (the
   * worker died before handing it on) was not its cause, and goes to the replacement.
   */
  reachedRunner(call: Call): boolean;
}

/** What the pool asks of a strategy (src/strategies/ implements it; the pool imports none). */
export interface PoolStrategy {
  /** How the pool keeps this strategy's workers. */
  policy(options: NormalizedExecutorOptions): PoolPolicy;
  /** The pool's strategy-specific half: extra messages, interrupt and kill targets, renewal. */
  runtime(options: NormalizedExecutorOptions, control: PoolControl): SlotRuntime;
}

/** Workers that run their calls themselves and are renewed by a new process (baseline, optimized). */
export function plainRuntime(control: PoolControl): SlotRuntime {
  return {
    onMessage: () => false,
    interrupt: (slot) => slot.worker?.interrupt(),
    kill: (slot, reason) => control.killWorker(slot, reason),
    renewInPlace: () => false,
    succeedsInPlace: () => false,
    reachedRunner: (call) => call.sent,
  };
}
