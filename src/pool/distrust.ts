import { PyExecError } from '../core/errors.js';
import type { WorkerHandle } from '../worker/worker-handle.js';
import type { PoolControl } from './slot-runtime.js';
import type { Slot } from './slot.js';

/**
 * A worker said what an honest harness never says (user code wrote on the channel): it is not
 * to be trusted again, and is replaced. The application hears why, as a PROTOCOL_ERROR.
 */
export function replaceDistrusted(control: PoolControl, slot: Slot, why: string): void {
  control.announcer.emit('error', new PyExecError('PROTOCOL_ERROR', `${why}; it is replaced`));
  control.killWorker(slot, 'protocol-error');
}

/**
 * Output or a result for a call the worker is not running: the call before forged its own end
 * and ran on. The call sent since had not started there (the worker was still busy): it is
 * rerun on the replacement, unless its own answer comes before the worker is gone.
 */
export function answeredOutOfSequence(
  control: PoolControl,
  slot: Slot,
  worker: WorkerHandle,
  message: { type: string; id: string },
): void {
  if (slot.state === 'stopping') return; // a dying worker's last words
  if (slot.call?.mayRerun) slot.call.sentToBusyWorker();
  replaceDistrusted(
    control,
    slot,
    `The Python worker (pid ${worker.pid}) sent a ${message.type} for call ${JSON.stringify(message.id)}, which it is not running`,
  );
}
