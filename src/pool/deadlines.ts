import type { Call } from './call.js';
import type { Slot } from './slot.js';

/**
 * Starts the clock of a call that begins on `slot`. Calls with the executor's default timeout
 * share the slot's one lazily moved timer (see Slot); any other timeout gets a timer of its own,
 * and the slot's must not fire during that call.
 */
export function armDeadline(slot: Slot, call: Call, defaultTimeoutMs: number, onTimeout: (call: Call) => void): void {
  const { timeoutMs } = call.options;
  if (timeoutMs === defaultTimeoutMs && Number.isFinite(timeoutMs)) {
    // Fires timeoutMs after this call began, unless another began on the slot since.
    slot.armDeadline(call.runningSince, timeoutMs, () => {
      if (slot.call !== undefined) onTimeout(slot.call);
    });
    return;
  }
  slot.disarmDeadline();
  if (Number.isFinite(timeoutMs)) call.timeoutTimer = setTimeout(() => onTimeout(call), timeoutMs);
}
