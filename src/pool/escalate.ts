import { killProcessTree } from '../worker/kill-tree.js';
import type { WorkerProcess } from '../worker/worker-process.js';
import type { Call } from './call.js';
import type { Slot } from './slot.js';

/**
 * Stops the process running `call`: SIGINT first (the harness turns it into KeyboardInterrupt
 * in user code), and if it has not answered when the grace period ends, a kill of its tree. For
 * the forked strategy both go to the call's child, never to the template, which reports the
 * child's death (`exited`); otherwise `killWorker` kills the worker, whose exit settles the call.
 */
export function escalateInterrupt(slot: Slot, call: Call, graceMs: number, killWorker: (reason: string) => void): void {
  const worker = slot.worker as WorkerProcess;
  const child = slot.childPid;
  if (child === undefined) worker.interrupt();
  else signalQuietly(child, 'SIGINT');
  call.graceTimer = setTimeout(() => {
    if (slot.worker !== worker || slot.call !== call) return;
    if (child === undefined) killWorker(call.interruption as string);
    else void killProcessTree(child);
  }, graceMs);
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone: its end is reported by whoever watches it.
  }
}
