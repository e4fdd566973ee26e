import type { Call } from './call.js';
import type { Slot } from './slot.js';

/**
 * Starts the clock of a call whose run message goes to `slot`'s worker at `sentAt`: waiting for a
 * worker to start is not the call's time. Calls with the executor's default timeout
 * share the slot's one lazily moved timer (see SlotDeadline); any other timeout gets a timer of its own,
 * and the slot's must not fire during that call.
 */
export function armDeadline(
  slot: Slot,
  call: Call,
  sentAt: number,
  defaultTimeoutMs: number,
  onTimeout: (call: Call) => void,
): void {
  const { timeoutMs } = call.options;
  if (timeoutMs === defaultTimeoutMs && Number.isFinite(timeoutMs)) {
    // Fires timeoutMs after this call was sent, unless another began on the slot since.
    slot.deadline.arm(sentAt, timeoutMs, () => {
      if (slot.call !== undefined) onTimeout(slot.call);
    });
    return;
  }
  slot.deadline.disarm();
  call.armTimeout(timeoutMs, () => onTimeout(call)); // again when sent to a replacement
}
