import type { ExitedMessage } from '../protocol/messages.js';
import { childCalled, parentOf, statFieldsOf } from '../worker/process-tree.js';
import { killProcessTree, signalQuietly } from '../worker/kill-tree.js';
import type { WorkerHandle } from '../worker/worker-handle.js';
import { replaceDistrusted } from './distrust.js';
import type { Slot } from './slot.js';
import type { PoolControl, SlotRuntime } from './slot-runtime.js';

/** How the host signals a template's child (process signals; the pool's unit tests script them). */
export interface ChildSignals {
  interrupt(pid: number): void;
  killTree(pid: number): void;
  /**
   * The host's pid of the template's child that reported itself as `pid` (from inside a
   * sandbox, its pid in its own namespace); `gone` if no child of the template has it now (it
   * died: its `exited` follows); `forged` if `pid` names a process that is not the template's
   * child. User code can write on the channel: only a verified child is ever signalled.
   */
  childOf(pid: number, templatePid: number, namespaced: boolean): number | 'gone' | 'forged';
  /** Whether the host's process `pid` has ended (a zombie has). */
  ended(pid: number): boolean;
}

const PROCESS_SIGNALS: ChildSignals = {
  interrupt: (pid) => signalQuietly(pid, 'SIGINT'),
  killTree: (pid) => void killProcessTree(pid),
  childOf: (pid, templatePid, namespaced) => {
    if (!namespaced) {
      // The pid is the host's: its own stat answers exactly, in one read. A fast call's child
      // is often gone (reaped) by the time its `started` is read.
      const parent = parentOf(pid);
      if (parent === undefined) return 'gone';
      // A host process of that pid exists but is not the template's child: named by user code.
      return parent === templatePid ? pid : 'forged';
    }
    // A namespaced pid says nothing of the host's processes: the template's children are
    // searched for it, and if none has it, the child is only gone.
    return childCalled(templatePid, pid) ?? 'gone';
  },
  ended: (pid) => {
    const state = statFieldsOf(pid)?.[0];
    return state === undefined || state === 'Z';
  },
};

/**
 * Forked templates: each call runs in a child the template reports (`started`), and dies with
 * it (`exited`) while the template serves on. Interrupts and kills go to the child, never to the
 * template, once the host has checked that the pid is the template's child (`pidsAreOurs`: not
 * behind a launcher); a template is only killed when it dies itself, misbehaves, or at close.
 */
export function forkedRuntime(
  control: PoolControl,
  pidsAreOurs: boolean,
  signals: ChildSignals = PROCESS_SIGNALS,
): SlotRuntime {
  return {
    onMessage(slot, worker, message) {
      const call = slot.call;
      if (message.type === 'started') {
        if (call === undefined || message.id !== call.id) return true;
        call.markHandedOver();
        // Behind a launcher the pid is another namespace's: shown, never signalled (interrupts
        // and kills then go to the template, whose death ends the call).
        if (!pidsAreOurs) {
          call.assignPid(message.pid);
          return true;
        }
        const child = signals.childOf(message.pid, worker.harnessPid, worker.namespaced);
        // A template being killed (a timeout that came before its `started`) loses its children to
        // another parent as it dies: its last words are not a forgery.
        if (child === 'forged' && slot.state === 'stopping') return true;
        if (child === 'forged') {
          // User code writing on the channel: the template is not to be trusted again.
          replaceDistrusted(
            control,
            slot,
            `The forked template (pid ${worker.pid}) named pid ${message.pid}, which is not its child`,
          );
          return true;
        }
        call.assignPid(message.pid);
        slot.bindChild(message.pid, child === 'gone' ? undefined : child);
      } else if (message.type === 'exited') {
        if (call !== undefined && slot.childPid === message.pid) childDied(control, slot, worker, message);
      } else return false;
      return true;
    },
    interrupt(slot) {
      if (slot.childHostPid === undefined) slot.worker?.interrupt();
      else signals.interrupt(slot.childHostPid);
    },
    kill(slot, reason) {
      const child = slot.childHostPid;
      if (child === undefined) control.killWorker(slot, reason);
      else if (signals.ended(child) && slot.childPid !== undefined) {
        // The child ended and its template said nothing: it took the child's word that it was
        // done, which the call's code can write on its socket without sending a result. Nobody
        // else will report this death: the call ends here, with its interruption.
        childDied(control, slot, worker(slot), { type: 'exited', pid: slot.childPid, signal: 'SIGKILL' });
      } else signals.killTree(child);
    },
    renewInPlace: () => false,
    // Every call has a child of its own: the template serves on.
    succeedsInPlace: () => true,
    // A call reaches its child once the template says `started`: a template that dies before
    // (killed by the call before, which got its child's result) never ran it.
    reachedRunner: (call) => call.handedOver,
  };
}

function worker(slot: Slot): WorkerHandle {
  if (slot.worker === undefined) throw new Error('a busy slot has a worker');
  return slot.worker;
}

// The child died before its result; the template lives on and serves the next call.
function childDied(control: PoolControl, slot: Slot, worker: WorkerHandle, message: ExitedMessage): void {
  const call = slot.call;
  if (call === undefined) return;
  control.settleDeath(call, worker, message);
  control.finishOnWorker(slot, call, undefined);
}
