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
  repeatWhileYoung(slot, call, runtime);
  call.armGrace(graceMs, () => {
    if (slot.worker !== worker || slot.call !== call) return;
    runtime.kill(slot, call.interruption as string);
  });
}

// The harness ignores SIGINT until it has read a call (one meant for the call before must not
// hit the next), so an interrupt sent just after the call may land before the harness knows of
// it: it is sent again every REPEAT_MS until the call is YOUNG_CALL_MS old, unless it has ended.
// Without this a session stopped at once would lose its state to the kill after the grace.
const YOUNG_CALL_MS = 200;
const REPEAT_MS = 20;

function repeatWhileYoung(slot: Slot, call: Call, runtime: SlotRuntime): void {
  const worker = slot.worker;
  if (call.sentAt === 0 || performance.now() - call.sentAt >= YOUNG_CALL_MS) return;
  setTimeout(() => {
    if (slot.worker !== worker || slot.call !== call || call.state === 'settled') return;
    runtime.interrupt(slot);
    repeatWhileYoung(slot, call, runtime);
  }, REPEAT_MS).unref();
}
