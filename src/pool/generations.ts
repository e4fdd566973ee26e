import { RECYCLED_EXIT_CODE, type ExitedMessage, type HelloMessage } from '../protocol/messages.js';
import type { WorkerProcess } from '../worker/worker-process.js';
import type { Announcer } from './announcer.js';
import type { Call } from './call.js';
import type { Slot } from './slot.js';
import type { WorkerSupply } from './worker-supply.js';

/** What the pool does for a slot whose worker changed generation. */
export interface GenerationHandlers {
  /** Settles a call its generation died under (once the generation's fault report is read). */
  died(call: Call, worker: WorkerProcess, message: ExitedMessage): void;
  ready(slot: Slot): void;
}

/**
 * Isolated workers that fork generations (see python-runtime/pyexec_harness/generations.py): the
 * process the pool started stays; the generation serving its calls is replaced after `recycle`
 * or a crash. Between an `exited` and the next generation's `hello` the slot takes no call.
 */
export class Generations {
  constructor(
    private readonly announcer: Announcer,
    private readonly workers: WorkerSupply,
    private readonly handlers: GenerationHandlers,
  ) {}

  // The serving generation reads nothing after `recycle`: nothing may be sent until the next hello.
  recycle(slot: Slot, worker: WorkerProcess): void {
    worker.send({ type: 'recycle' });
    slot.state = 'starting';
  }

  /** The serving generation ended: recycled, or dead with the call it was running. */
  ended(slot: Slot, worker: WorkerProcess, message: ExitedMessage): void {
    const recycled = message.code === RECYCLED_EXIT_CODE;
    const call = slot.state === 'busy' ? slot.call : undefined;
    worker.servingPid = undefined;
    this.announcer.emit('worker:exit', {
      pid: message.pid,
      reason: recycled ? 'recycled' : (worker.killReason ?? call?.interruption ?? 'crashed'),
      exitCode: message.code ?? null,
      signal: message.signal ?? null,
    });
    if (slot.state === 'stopping') return; // being killed: the worker's own exit settles the call
    slot.state = 'starting';
    slot.executions = 0;
    if (call !== undefined) {
      slot.call = undefined;
      this.handlers.died(call, worker, message);
    }
  }

  /** The next generation said hello: it gets the current reset hooks, then calls. */
  began(slot: Slot, worker: WorkerProcess, hello: HelloMessage): void {
    if (slot.worker !== worker || slot.state === 'stopping') return;
    worker.servingPid = hello.pid;
    this.announcer.emit('worker:spawn', { pid: hello.pid, reason: 'replace' });
    this.workers.syncHooks(worker);
    slot.state = 'idle';
    this.handlers.ready(slot);
  }
}
