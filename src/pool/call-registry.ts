import { PyExecError } from '../core/errors.js';
import type { ExecutionResult, RunningExecution } from '../core/results.js';
import type { Announcer } from './announcer.js';
import type { Call } from './call.js';
import { FifoQueue } from './fifo-queue.js';
import { PoolTotals } from './pool-totals.js';

/** Every call not yet settled (queued or running), and the one place calls are settled. */
export class CallRegistry {
  readonly totals = new PoolTotals();
  private readonly queue = new FifoQueue<Call>();
  private readonly pending = new Map<string, Call>();
  /** Calls being prepared (autoInstall): the pool's, counted as queued, not yet in the FIFO. */
  private readonly preparing = new Set<Call>();

  constructor(private readonly announcer: Announcer) {}

  get queued(): number {
    return this.queue.length;
  }

  has(executionId: string): boolean {
    return this.pending.has(executionId);
  }

  get(executionId: string): Call | undefined {
    return this.pending.get(executionId);
  }

  /** Queues a call, or throws if its id is taken or the queue is full (`maxQueue`) while no worker is free. */
  enqueue(call: Call, freeWorkers: number, maxQueue: number): void {
    this.admit(call, freeWorkers, maxQueue);
    this.queue.push(call);
  }

  /**
   * Takes a call that is prepared before it is queued (autoInstall); throws as enqueue() does.
   * Each call being prepared will want a worker: they count as queued beyond the free ones.
   */
  beginPreparing(call: Call, freeWorkers: number, maxQueue: number): void {
    this.admit(call, freeWorkers, maxQueue);
    this.preparing.add(call);
    call.markPreparing();
  }

  /** A prepared call joins the queue; false if it was settled meanwhile (stopped, closed). */
  endPreparing(call: Call): boolean {
    if (!this.preparing.delete(call)) return false;
    call.markQueued();
    this.queue.push(call);
    return true;
  }

  // Calls that want a worker and have none (queued, or being prepared) may be `maxQueue` more
  // than the workers free for them.
  private admit(call: Call, freeWorkers: number, maxQueue: number): void {
    if (this.pending.has(call.id)) {
      throw new PyExecError('INVALID_OPTION', `The \`executionId\` \`${call.id}\` is already queued or running`);
    }
    if (this.queue.length + this.preparing.size >= maxQueue + freeWorkers) {
      throw new PyExecError(
        'QUEUE_FULL',
        `The queue is full (\`maxQueue\` is ${maxQueue}); call \`${call.id}\` was not queued`,
      );
    }
    this.pending.set(call.id, call);
  }

  /** Calls being prepared, for status(). */
  installing(): { executionId: string; since: number }[] {
    return [...this.preparing].map((call) => ({ executionId: call.id, since: call.preparingSince }));
  }

  nextQueued(): Call | undefined {
    return this.queue.shift();
  }

  removeQueued(call: Call): void {
    this.queue.remove(call);
  }

  drainQueued(): Call[] {
    return this.queue.drain();
  }

  running(): RunningExecution[] {
    const running: RunningExecution[] = [];
    for (const call of this.pending.values()) {
      if (call.state === 'running')
        running.push({ executionId: call.id, workerPid: call.workerPid, startedAt: call.startedAt });
    }
    return running;
  }

  // Resolves `run` exactly once, counts it and announces it.
  // `end` and the promise go out after the transition that settled the call, `end` first.
  settle(call: Call, result: ExecutionResult): void {
    const resolve = call.settle(result);
    if (resolve === undefined) return;
    this.pending.delete(call.id);
    this.preparing.delete(call);
    this.totals.count(result.status);
    this.announcer.emit('end', { executionId: call.id, result });
    this.announcer.after(resolve);
  }

  /** Rejects `run` with an infrastructure error. */
  fail(call: Call, error: PyExecError): void {
    const reject = call.fail(error);
    if (reject === undefined) return;
    this.pending.delete(call.id);
    this.preparing.delete(call);
    this.announcer.after(reject);
  }
}
