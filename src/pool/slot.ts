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
  // Only this file changes a slot: every field below is read from outside through a getter,
  // and written through the transitions and the few setters at the end of the class.
  private current: SlotState = { name: 'empty' };
  private takenCall: Call | undefined;
  private child: { pid: number; hostPid: number | undefined } | undefined;
  private finishedCalls = 0;
  private startGeneration = 0;
  private startInProgress: Promise<void> | undefined;
  private startError: PyExecError | undefined;
  private startedOnce = false;
  readonly deadline = new SlotDeadline(() => this.takenCall);

  /** The call this slot took: waiting for its worker (starting), or running on it (busy, stopping). */
  get call(): Call | undefined {
    return this.takenCall;
  }

  /** The process the call runs in when it is not the worker's own (forked: the template's child). */
  get childPid(): number | undefined {
    return this.child?.pid;
  }

  /** The same process as the host sees it (another pid inside a sandbox); undefined if not verified. */
  get childHostPid(): number | undefined {
    return this.child?.hostPid;
  }

  /** Calls finished by the current worker (generation). */
  get executions(): number {
    return this.finishedCalls;
  }

  /** Bumped at every start, so a start that finishes after it was superseded is recognised. */
  get generation(): number {
    return this.startGeneration;
  }

  get starting(): Promise<void> | undefined {
    return this.startInProgress;
  }

  get lastStartError(): PyExecError | undefined {
    return this.startError;
  }

  get everStarted(): boolean {
    return this.startedOnce;
  }

  get state(): SlotStateName {
    return this.current.name;
  }

  get worker(): WorkerHandle | undefined {
    return this.current.name === 'empty' ? undefined : this.current.worker;
  }

  /** A new process starts for this slot. */
  beginStart(): number {
    this.move(['empty'], { name: 'starting', worker: undefined });
    this.finishedCalls = 0;
    this.startError = undefined;
    this.startedOnce = true;
    return ++this.startGeneration;
  }

  /** The new process said hello. */
  attach(worker: WorkerHandle): void {
    this.move(['starting'], { name: 'idle', worker });
    this.startInProgress = undefined;
  }

  /** The new process could not start. */
  failStart(error: PyExecError): void {
    this.move(['starting'], { name: 'empty' });
    this.startInProgress = undefined;
    this.startError = error;
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
    this.takenCall = undefined;
    this.child = undefined;
  }

  /** The call ended while its worker is being killed: the slot stays stopping, without it. */
  releaseCall(): void {
    this.expectWorker(['stopping']);
    this.takenCall = undefined;
    this.child = undefined;
  }

  /** The serving generation ends (recycled, or dead with its call): the worker forks the next. */
  awaitNextGeneration(): void {
    const worker = this.expectWorker(['idle', 'busy', 'starting']);
    this.current = { name: 'starting', worker };
    this.finishedCalls = 0;
    this.child = undefined;
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
    this.child = undefined;
    this.finishedCalls = 0;
  }

  /** This slot's worker for status(), or undefined when it has none. */
  describe(): WorkerStatus | undefined {
    if (this.current.name === 'empty') return undefined;
    const servingPid = this.worker?.servingPid;
    const status: WorkerStatus = { pid: servingPid, state: this.current.name, executions: this.finishedCalls };
    // A sandboxed worker's pids are its namespace's: /proc/<pid> here would be another process.
    const rssMb = servingPid === undefined || this.worker?.namespaced ? undefined : readRssMb(servingPid);
    if (rssMb !== undefined) status.rssMb = rssMb;
    if (this.childPid !== undefined) status.childPid = this.childPid;
    return status;
  }

  /** The slot takes `call` (its worker may still be starting). */
  take(call: Call): void {
    this.takenCall = call;
  }

  /** The call leaves the slot without its worker having finished it (settled otherwise, or failed). */
  dropCall(): void {
    this.takenCall = undefined;
    this.child = undefined;
  }

  /** The worker finished one more call. */
  countExecution(): void {
    this.finishedCalls++;
  }

  /** The start now under way (close() waits for it). */
  trackStart(starting: Promise<void>): void {
    this.startInProgress = starting;
  }

  /** The process that runs the call (forked: the child the template named, verified). */
  bindChild(pid: number, hostPid: number | undefined): void {
    this.child = { pid, hostPid };
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

/** How many slots could take a call now. */
export function freeSlotCount(slots: readonly Slot[]): number {
  return slots.filter((slot) => slot.call === undefined && slot.state !== 'stopping').length;
}

/** The slot a queued call should take: an idle one, else one whose worker is missing or still starting. */
export function freeSlot(slots: readonly Slot[]): Slot | undefined {
  let fallback: Slot | undefined;
  for (const slot of slots) {
    if (slot.call !== undefined || slot.state === 'stopping') continue;
    if (slot.state === 'idle') return slot;
    fallback ??= slot;
  }
  return fallback;
}
