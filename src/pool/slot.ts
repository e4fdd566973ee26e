import type { PyExecError } from '../errors.js';
import type { WorkerStatus } from '../executors/types.js';
import { readRssMb } from '../worker/rss.js';
import type { WorkerProcess } from '../worker/worker-process.js';
import type { Call } from './call.js';

export type SlotState = 'empty' | 'starting' | 'idle' | 'busy' | 'stopping';

/** One place in the pool: at most one worker, running at most one call. */
export class Slot {
  state: SlotState = 'empty';
  worker: WorkerProcess | undefined;
  call: Call | undefined;
  /** Forked strategy: the child of this slot's template running `call`. */
  childPid: number | undefined;
  /** Calls finished by the current worker. */
  executions = 0;
  /** Bumped at every start, so a start that finishes after it was superseded is recognised. */
  generation = 0;
  starting: Promise<void> | undefined;
  lastStartError: PyExecError | undefined;
  everStarted = false;
  /**
   * One timer for calls with the executor's default timeout, armed once and moved lazily: a call
   * only records when its time is up, and a timer that fires early re-arms for the rest. Calls
   * that end in time (nearly all) then cost no timer work at all.
   */
  private deadline: NodeJS.Timeout | undefined;
  private deadlineAt = 0;
  private onDeadline: (() => void) | undefined;

  /** The call beginning now (at `startTime`, performance.now()) must end within timeoutMs. */
  armDeadline(startTime: number, timeoutMs: number, onExpired: () => void): void {
    this.deadlineAt = startTime + timeoutMs;
    this.onDeadline = onExpired;
    if (this.deadline === undefined) this.startDeadlineTimer(timeoutMs);
  }

  disarmDeadline(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
    this.onDeadline = undefined;
  }

  private startDeadlineTimer(delayMs: number): void {
    this.deadline = setTimeout(() => this.checkDeadline(), delayMs);
    this.deadline.unref();
  }

  private checkDeadline(): void {
    this.deadline = undefined;
    // Idle, or waiting for a worker (not yet on the clock): re-armed when a call is sent.
    if (this.onDeadline === undefined || this.call?.sent !== true) return;
    const remaining = this.deadlineAt - performance.now();
    if (remaining > 0) this.startDeadlineTimer(Math.ceil(remaining));
    else this.onDeadline();
  }

  beginStart(): number {
    this.state = 'starting';
    this.worker = undefined;
    this.executions = 0;
    this.lastStartError = undefined;
    this.everStarted = true;
    return ++this.generation;
  }

  attach(worker: WorkerProcess): void {
    this.worker = worker;
    this.state = 'idle';
    this.starting = undefined;
  }

  failStart(error: PyExecError): void {
    this.state = 'empty';
    this.starting = undefined;
    this.lastStartError = error;
  }

  detach(): void {
    this.worker = undefined;
    this.childPid = undefined;
    this.state = 'empty';
    this.executions = 0;
  }

  /** This slot's worker for status(), or undefined when it has none. */
  describe(): WorkerStatus | undefined {
    if (this.state === 'empty') return undefined;
    const status: WorkerStatus = {
      pid: this.worker?.servingPid,
      state: this.state,
      executions: this.executions,
    };
    const servingPid = this.worker?.servingPid;
    const rssMb = servingPid === undefined ? undefined : readRssMb(servingPid);
    if (rssMb !== undefined) status.rssMb = rssMb;
    if (this.childPid !== undefined) status.childPid = this.childPid;
    return status;
  }
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
