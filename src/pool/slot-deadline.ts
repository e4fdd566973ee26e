import type { Call } from './call.js';

/**
 * One timer per slot for calls with the executor's default timeout, armed once and moved
 * lazily: a call only records when its time is up, and a timer that fires early re-arms for the
 * rest. Calls that end in time (nearly all) then cost no timer work at all.
 */
export class SlotDeadline {
  private timer: NodeJS.Timeout | undefined;
  private deadlineAt = 0;
  private onExpired: (() => void) | undefined;

  /** `currentCall`: the slot's call now, which the deadline concerns only once it was sent. */
  constructor(private readonly currentCall: () => Call | undefined) {}

  /** The call sent now (at `startTime`, performance.now()) must end within timeoutMs. */
  arm(startTime: number, timeoutMs: number, onExpired: () => void): void {
    this.deadlineAt = startTime + timeoutMs;
    this.onExpired = onExpired;
    if (this.timer === undefined) this.start(timeoutMs);
  }

  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.onExpired = undefined;
  }

  private start(delayMs: number): void {
    this.timer = setTimeout(() => this.check(), delayMs);
    // A call in flight keeps Node alive through its worker's pipes; an idle slot must not.
    this.timer.unref();
  }

  private check(): void {
    this.timer = undefined;
    // Idle, or waiting for a worker (not yet on the clock): re-armed when a call is sent.
    if (this.onExpired === undefined || this.currentCall()?.sent !== true) return;
    const remaining = this.deadlineAt - performance.now();
    if (remaining > 0) this.start(Math.ceil(remaining));
    else this.onExpired();
  }
}
