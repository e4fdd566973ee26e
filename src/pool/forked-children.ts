import type { ExitedMessage } from '../protocol/messages.js';
import { parentOf } from '../worker/process-parent.js';
import { killProcessTree } from '../worker/kill-tree.js';
import type { WorkerHandle } from '../worker/worker-handle.js';
import { replaceDistrusted } from './distrust.js';
import type { Slot } from './slot.js';
import type { PoolControl, SlotRuntime } from './slot-runtime.js';

/** How the host signals a template's child (process signals; the pool's unit tests script them). */
export interface ChildSignals {
  interrupt(pid: number): void;
  killTree(pid: number): void;
  /**
   * Whether `pid` may be the template's child. User code can write on the channel, so a
   * `started` naming another process must never make the host signal it.
   */
  isChildOf(pid: number, templatePid: number): boolean;
}

const PROCESS_SIGNALS: ChildSignals = {
  interrupt: (pid) => signalQuietly(pid, 'SIGINT'),
  killTree: (pid) => void killProcessTree(pid),
  // A child that already died and was reaped has no entry left: its `exited` follows.
  isChildOf: (pid, templatePid) => {
    const parent = parentOf(pid);
    return parent === undefined || parent === templatePid;
  },
};


/**
 * Forked templates: each call runs in a child the template reports (`started`), and dies with
 * it (`exited`) while the template serves on. Interrupts and kills go to the child, never to the
 * template, once the host has checked that the pid is the template's child (`pidsAreOurs`: not
 * behind a launcher); a template is only killed when it dies itself, misbehaves, or at close.
 */
export function forkedRuntime(control: PoolControl, pidsAreOurs: boolean, signals: ChildSignals = PROCESS_SIGNALS): SlotRuntime {
  return {
    onMessage(slot, worker, message) {
      const call = slot.call;
      if (message.type === 'started') {
        if (call === undefined || message.id !== call.id) return true;
        // Behind a launcher the pid is another namespace's: shown, never signalled (interrupts
        // and kills then go to the template, whose death ends the call).
        if (!pidsAreOurs) {
          call.workerPid = message.pid;
          return true;
        }
        if (!signals.isChildOf(message.pid, worker.pid)) {
          // Forged (user code writing on the channel): the template is not to be trusted again.
          replaceDistrusted(control, slot, `The forked template (pid ${worker.pid}) named pid ${message.pid}, which is not its child`);
          return true;
        }
        slot.childPid = call.workerPid = message.pid;
      } else if (message.type === 'exited') {
        if (call !== undefined && slot.childPid === message.pid) childDied(control, slot, worker, message);
      } else return false;
      return true;
    },
    interrupt(slot) {
      if (slot.childPid === undefined) slot.worker?.interrupt();
      else signals.interrupt(slot.childPid);
    },
    kill(slot, reason) {
      if (slot.childPid === undefined) control.killWorker(slot, reason);
      else signals.killTree(slot.childPid);
    },
    renewInPlace: () => false,
  };
}

// The child died before its result; the template lives on and serves the next call.
function childDied(control: PoolControl, slot: Slot, worker: WorkerHandle, message: ExitedMessage): void {
  const call = slot.call;
  if (call === undefined) return;
  control.settleDeath(call, worker, message);
  control.finishOnWorker(slot, call, undefined);
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone: its end is reported by whoever watches it.
  }
}
