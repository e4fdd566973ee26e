import type { PyExecError } from '../core/errors.js';
import type { WorkerStatus } from '../core/results.js';
import { readRssMb } from '../worker/rss.js';
import type { WorkerHandle } from '../worker/worker-handle.js';
import type { Call } from './call.js';
import { SlotDeadline } from './slot-deadline.js';

/**
 * The life of one place in the pool, as a discriminated union; only this file changes it.
 *
 *   empty ──start──▶ starting ──attach──▶ idle ──send──▶ busy ──finish──▶ idle
 *     ▲                 │ fail               ▲              │ next generation (isolated)
 *     └─────────────────┘                    └── ready ── starting (same worker)
 *   any state with a worker ──kill──▶ stopping ──exit (detach)──▶ empty
 *   (a call that ends while its worker is stopping leaves the slot stopping: releaseCall)
 */
export type SlotState =
  | { readonly name: 'empty' }
  /** A new process is starting (`worker` undefined), or `worker`'s next generation is. */
  | { readonly name: 'starting'; readonly worker: WorkerHandle | undefined }
  | { readonly name: 'idle'; readonly worker: WorkerHandle }
  /** `worker` runs the slot's call: its run message was sent. */
  | { readonly name: 'busy'; readonly worker: WorkerHandle }
  /** `worker` is being killed; its exit empties the slot. */
  | { readonly name: 'stopping'; readonly worker: WorkerHandle };

export type SlotStateName = SlotState['name'];

/** Thrown by a transition the diagram above does not allow: a bug in the pool, never user error. */
export class SlotTransitionError extends Error {}

/** One place in the pool: at most one worker, running at most one call. */
export class Slot {
  private current: SlotState = { name: 'empty' };
  /** The call this slot took: waiting for its worker (starting), or running on it (busy, stopping). */
  call: Call | undefined;
  /** The process the call runs in when it is not the worker's own (forked: the template's child). */
  childPid: number | undefined;
  /** The same process as the host sees it (another pid inside a sandbox); undefined if not verified. */
  childHostPid: number | undefined;
  /** Calls finished by the current worker (generation). */
  executions = 0;
  /** Bumped at every start, so a start that finishes after it was superseded is recognised. */
  generation = 0;
  starting: Promise<void> | undefined;
  lastStartError: PyExecError | undefined;
  everStarted = false;
  readonly deadline = new SlotDeadline(() => this.call);

  get state(): SlotStateName {
    return this.current.name;
  }

  get worker(): WorkerHandle | undefined {
    return this.current.name === 'empty' ? undefined : this.current.worker;
  }

  /** A new process starts for this slot. */
  beginStart(): number {
    this.move(['empty'], { name: 'starting', worker: undefined });
    this.executions = 0;
    this.lastStartError = undefined;
    this.everStarted = true;
    return ++this.generation;
  }

  /** The new process said hello. */
  attach(worker: WorkerHandle): void {
    this.move(['starting'], { name: 'idle', worker });
    this.starting = undefined;
  }

  /** The new process could not start. */
  failStart(error: PyExecError): void {
    this.move(['starting'], { name: 'empty' });
    this.starting = undefined;
    this.lastStartError = error;
  }

  /** The slot's call is sent to its worker. */
  send(): WorkerHandle {
    const worker = this.expectWorker(['idle']);
    this.current = { name: 'busy', worker };
    return worker;
  }

  /** The call ended on its worker, which may take the next. */
  finish(): void {
    const worker = this.expectWorker(['busy']);
    this.current = { name: 'idle', worker };
    this.call = undefined;
    this.childPid = this.childHostPid = undefined;
  }

  /** The call ended while its worker is being killed: the slot stays stopping, without it. */
  releaseCall(): void {
    this.expectWorker(['stopping']);
    this.call = undefined;
    this.childPid = this.childHostPid = undefined;
  }

  /** The serving generation ends (recycled, or dead with its call): the worker forks the next. */
  awaitNextGeneration(): void {
    const worker = this.expectWorker(['idle', 'busy', 'starting']);
    this.current = { name: 'starting', worker };
    this.executions = 0;
    this.childPid = this.childHostPid = undefined;
  }

  /** The next generation said hello. */
  generationReady(): void {
    const worker = this.expectWorker(['starting']);
    this.current = { name: 'idle', worker };
  }

  /** The worker is being killed; it stays until it exits, so its exit settles the call. */
  stop(): WorkerHandle {
    const worker = this.expectWorker(['starting', 'idle', 'busy', 'stopping']);
    this.current = { name: 'stopping', worker };
    return worker;
  }

  /** The worker is gone (exited, or retired in the background); the call, if any, stays. */
  detach(): void {
    this.current = { name: 'empty' };
    this.childPid = this.childHostPid = undefined;
    this.executions = 0;
  }

  /** This slot's worker for status(), or undefined when it has none. */
  describe(): WorkerStatus | undefined {
    if (this.current.name === 'empty') return undefined;
    const servingPid = this.worker?.servingPid;
    const status: WorkerStatus = { pid: servingPid, state: this.current.name, executions: this.executions };
    // A sandboxed worker's pids are its namespace's: /proc/<pid> here would be another process.
    const rssMb = servingPid === undefined || this.worker?.namespaced ? undefined : readRssMb(servingPid);
    if (rssMb !== undefined) status.rssMb = rssMb;
    if (this.childPid !== undefined) status.childPid = this.childPid;
    return status;
  }

  private move(from: readonly SlotStateName[], to: SlotState): void {
    if (!from.includes(this.current.name))
      throw new SlotTransitionError(`slot: ${this.current.name} → ${to.name} is not a transition`);
    this.current = to;
  }

  private expectWorker(from: readonly SlotStateName[]): WorkerHandle {
    const state = this.current;
    if (state.name === 'empty' || state.worker === undefined || !from.includes(state.name)) {
      throw new SlotTransitionError(
        `slot: no such transition from ${state.name}${state.name !== 'empty' && state.worker === undefined ? ' (no worker)' : ''}`,
      );
    }
    return state.worker;
  }
}

/** The slot a queued call should take: an idle one, else one whose worker is missing or still starting. */
/** How many slots could take a call now. */
export function freeSlotCount(slots: readonly Slot[]): number {
  return slots.filter((slot) => slot.call === undefined && slot.state !== 'stopping').length;
}

export function freeSlot(slots: readonly Slot[]): Slot | undefined {
  let fallback: Slot | undefined;
  for (const slot of slots) {
    if (slot.call !== undefined || slot.state === 'stopping') continue;
    if (slot.state === 'idle') return slot;
    fallback ??= slot;
  }
  return fallback;
}
