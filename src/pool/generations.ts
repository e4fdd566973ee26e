import { RECYCLED_EXIT_CODE, type ExitedMessage, type HelloMessage } from '../protocol/messages.js';
import type { WorkerHandle } from '../worker/worker-handle.js';
import type { Slot } from './slot.js';
import { plainRuntime, type PoolControl, type SlotRuntime } from './slot-runtime.js';

/**
 * Isolated workers that fork generations (see python-runtime/pyexec_harness/generations.py): the
 * process the pool started stays; the generation serving its calls is replaced after `recycle`
 * or a crash. Between an `exited` and the next generation's `hello` the slot takes no call.
 */
export function generationsRuntime(control: PoolControl): SlotRuntime {
  const plain = plainRuntime(control);
  return {
    ...plain,
    onMessage(slot, worker, message) {
      if (message.type === 'hello') began(control, slot, worker, message);
      else if (message.type === 'exited' && message.pid === worker.servingPid) ended(control, slot, worker, message);
      else return false;
      return true;
    },
    // The serving generation reads nothing after `recycle`: nothing may be sent until the next hello.
    renewInPlace(slot, worker) {
      worker.send({ type: 'recycle' });
      slot.awaitNextGeneration();
      return true;
    },
    // It exits as recycled by itself: the same wait for the next generation's hello.
    succeedsInPlace(slot) {
      slot.awaitNextGeneration();
      return true;
    },
  };
}

// The serving generation ended: recycled, or dead with the call it was running.
function ended(control: PoolControl, slot: Slot, worker: WorkerHandle, message: ExitedMessage): void {
  const recycled = message.code === RECYCLED_EXIT_CODE;
  const call = slot.state === 'busy' ? slot.call : undefined;
  worker.servingPid = undefined;
  control.announcer.emit('worker:exit', {
    pid: message.pid,
    reason: recycled ? 'recycled' : (worker.killReason ?? call?.interruption ?? 'crashed'),
    exitCode: message.code ?? null,
    signal: message.signal ?? null,
  });
  if (slot.state === 'stopping') return; // being killed: the worker's own exit settles the call
  slot.awaitNextGeneration();
  if (call !== undefined) {
    slot.dropCall();
    control.settleDeath(call, worker, message);
  }
}

// The next generation said hello: it gets the current reset hooks, then calls.
function began(control: PoolControl, slot: Slot, worker: WorkerHandle, hello: HelloMessage): void {
  if (slot.worker !== worker || slot.state !== 'starting') return;
  worker.servingPid = hello.pid;
  control.announcer.emit('worker:spawn', { pid: hello.pid, reason: 'replace' });
  control.workers.syncHooks(worker);
  slot.generationReady();
  control.ready(slot);
}
