import type { ExecutionResult } from '../core/results.js';
import type { WorkerExit, WorkerHandle } from '../worker/worker-handle.js';
import type { Call } from './call.js';
import { crashResult } from './crash-error.js';
import type { PoolPolicy } from './pool-policy.js';
import type { SlotRuntime } from './slot-runtime.js';
import type { Slot } from './slot.js';
import type { WorkerSupply } from './worker-supply.js';

/** What the pool lends the handling of a call's end on its worker, and of a worker's exit. */
export interface EndingTargets {
  readonly policy: PoolPolicy;
  readonly runtime: SlotRuntime;
  readonly workers: WorkerSupply;
  readonly maxExecutions: number;
  /** Whether the pool is closing (nothing is renewed or replaced then). */
  closed(): boolean;
  /** Calls waiting in the queue. */
  queued(): number;
  settle(call: Call, result: ExecutionResult): void;
  announceRecycle(worker: WorkerHandle, reason: string): void;
  /** Gives queued calls to free slots. */
  dispatch(): void;
}

/**
 * The worker answered (or the call died, and settleDeath settles it): settle, then keep the
 * worker, renew it in place, or retire it (single use, `maxExecutions` served, os._exit).
 */
export function finishOnWorker(
  slot: Slot,
  call: Call,
  result: ExecutionResult | undefined,
  exiting: boolean,
  pool: EndingTargets,
): void {
  const worker = slot.worker as WorkerHandle;
  if (slot.state === 'stopping') {
    // The answer beat the kill (a timeout's grace ran out, close()): the call is settled by it
    // (with its interruption, if any); the worker takes nothing more, its exit empties the slot.
    slot.releaseCall();
    if (result !== undefined) pool.settle(call, result);
    return;
  }
  slot.finish();
  slot.countExecution();
  if (result !== undefined) pool.settle(call, result);
  // Its process ends now (os._exit in the call), or has served its calls: the next call goes to
  // its successor, in place (isolated's next generation, forked's next child) or a new worker.
  const served = !pool.policy.singleUse && slot.executions >= pool.maxExecutions;
  const ending =
    exiting && !pool.closed()
      ? 'the call ended its process (os._exit)'
      : served
        ? `served maxExecutions (${pool.maxExecutions}) calls`
        : undefined;
  if (ending !== undefined && !pool.closed()) pool.announceRecycle(worker, ending);
  // Renewed in place, the slot takes calls again once the successor says so.
  const renewed =
    ending !== undefined &&
    !pool.closed() &&
    (exiting ? pool.runtime.succeedsInPlace(slot) : pool.runtime.renewInPlace(slot, worker));
  if (!renewed && (pool.policy.singleUse || ending !== undefined)) {
    // Detached at once: the slot takes a new worker while the old one ends in the background.
    pool.workers.retire(worker, pool.policy.singleUse ? 'single-use' : 'recycled');
    slot.detach();
    if (pool.policy.keepWarm && !pool.closed()) void pool.workers.start(slot, 'replace');
  }
  pool.dispatch();
}

/**
 * The slot's worker exited: its call is settled as crashed, unless it never ran there (it goes to
 * the replacement); a replacement starts where the policy keeps workers warm or calls wait.
 */
export function settleWorkerExit(slot: Slot, worker: WorkerHandle, exit: WorkerExit, pool: EndingTargets): void {
  if (slot.worker !== worker) return;
  const call = slot.call;
  slot.detach();
  // A call the dead worker never ran (waiting for its next generation), or one sent after its
  // last result to a worker that spoiled, stays on the slot and goes to the replacement.
  const innocent =
    call !== undefined &&
    call.interruption === undefined &&
    (!pool.runtime.reachedRunner(call) || worker.killReason === 'spoiled');
  const rerun = call?.rerunOnReplacement === true && call.mayRerun;
  if ((innocent || rerun) && !pool.closed() && pool.policy.movesCalls !== false) {
    if (rerun) call.prepareRerun();
    void pool.workers.start(slot, 'replace');
    return;
  }
  slot.dropCall();
  if (call !== undefined) pool.settle(call, crashResult(call, worker.pid, exit, worker.host));
  if (pool.closed()) return;
  if (pool.policy.keepWarm || pool.queued() > 0) void pool.workers.start(slot, 'replace');
}
