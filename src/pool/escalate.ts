import type { Call } from './call.js';
import type { Slot } from './slot.js';
import type { SlotRuntime } from './slot-runtime.js';

/**
 * Stops the process running `call`: SIGINT first (the harness turns it into KeyboardInterrupt
 * in user code), and if it has not answered when the grace period ends, a kill of its tree. The
 * strategy's runtime says which process each goes to (forked: the call's child, never the
 * template); whatever dies reports its end, which settles the call with its interruption.
 */
export function escalateInterrupt(slot: Slot, call: Call, graceMs: number, runtime: SlotRuntime): void {
  const worker = slot.worker;
  runtime.interrupt(slot);
  call.armGrace(graceMs, () => {
    if (slot.worker !== worker || slot.call !== call) return;
    runtime.kill(slot, call.interruption as string);
  });
}
