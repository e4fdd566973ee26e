import { PyExecError } from '../errors.js';
import type { ExecutionResult, RunningExecution } from '../executors/types.js';
import type { Announcer } from './announcer.js';
import type { Call } from './call.js';
import { FifoQueue } from './fifo-queue.js';
import { PoolTotals } from './pool-totals.js';

/** Every call not yet settled (queued or running), and the one place calls are settled. */
export class CallRegistry {
  readonly totals = new PoolTotals();
  private readonly queue = new FifoQueue<Call>();
  private readonly pending = new Map<string, Call>();

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
  enqueue(call: Call, workerFree: boolean, maxQueue: number): void {
    if (this.pending.has(call.id)) {
      throw new PyExecError('INVALID_OPTION', `The \`executionId\` \`${call.id}\` is already queued or running`);
    }
    if (!workerFree && this.queue.length >= maxQueue) {
      throw new PyExecError('QUEUE_FULL', `The queue is full (\`maxQueue\` is ${maxQueue}); call \`${call.id}\` was not queued`);
    }
    this.pending.set(call.id, call);
    this.queue.push(call);
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
      if (call.state === 'running') running.push({ executionId: call.id, workerPid: call.workerPid, startedAt: call.startedAt });
    }
    return running;
  }

  // Resolves `run` exactly once, counts it and announces it.
  // `end` and the promise go out after the transition that settled the call, `end` first.
  settle(call: Call, result: ExecutionResult): void {
    const resolve = call.settle(result);
    if (resolve === undefined) return;
    this.pending.delete(call.id);
    this.totals.count(result.status);
    this.announcer.emit('end', { executionId: call.id, result });
    this.announcer.after(resolve);
  }

  /** Rejects `run` with an infrastructure error. */
  fail(call: Call, error: PyExecError): void {
    const reject = call.fail(error);
    if (reject === undefined) return;
    this.pending.delete(call.id);
    this.announcer.after(reject);
  }
}
