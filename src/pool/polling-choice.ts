import type { ResultPoll } from './result-poll.js';
import type { Slot } from './slot.js';

// Messages taken the other way per probe, and the longest stretch between probes (reached by
// doubling from the first, so a busy machine is noticed within the first few hundred calls).
export const PROBE_CALLS = 16;
export const FIRST_STRETCH = 128;
export const LONGEST_STRETCH = 4096;
// Polling must be this much faster to be taken: noise must not flip the choice. Sleeping is taken
// back as soon as it is no slower: polling spends a core on each side, and must earn it.
const TAKE_POLLING_BELOW = 0.85;
const TAKE_SLEEPING_BELOW = 1;
// A call sent this soon after its slot's previous result came back to back: only then does the
// way of waiting matter, and only then is its round trip measured.
const BACK_TO_BACK_MS = 1;

const NOTHING_POLLS = { workerPolls: false, hostPolls: false } as const;
const WORKER_POLLS = { workerPolls: true, hostPolls: false } as const;
const BOTH_POLL = { workerPolls: true, hostPolls: true } as const;

interface SlotTiming {
  sentAt: number;
  answeredAt: number;
  polled: boolean;
  backToBack: boolean;
}

/**
 * Whether the host and its workers busy-poll (`busyPollUs`) or sleep between a call and the
 * next, chosen by measurement. Polling saves the wake-up of a process asleep in read or epoll
 * (on a VM an idle vCPU halts, and waking it costs more than a small call), but only while each
 * side has a core of its own: on a busy machine (or a busy hypervisor) the spinning takes the
 * core the other side needs, and calls run at a third of the speed. Neither way is right
 * everywhere, so the pool measures both: it keeps the way whose back-to-back calls have made
 * their round trip faster, and every so often sends a few calls the other way to see whether
 * that has become the faster one. The worker learns the way from each run message
 * (`poll: false`), so nothing else is kept in step.
 */
export class PollingChoice {
  /**
   * The way in use (probes aside). Sleeping first: where no call cycle can be measured (calls
   * after gaps, or waiting in a queue) nothing polls, as with `busyPollUs: 0`; polling is taken
   * once a probe shows it faster.
   */
  polling = false;
  /** How often the choice changed (read by tests and the benchmark). */
  switches = 0;
  private stretch = FIRST_STRETCH;
  private left = FIRST_STRETCH;
  private probing = false;
  private recent: number[] = [];
  private probed: number[] = [];
  private readonly timings = new WeakMap<Slot, SlotTiming>();

  /**
   * `enabled`: busyPollUs is above 0 (else nothing polls, and nothing is measured).
   * `resultPoll`: the host's half of polling, which this choice starts for the calls it polls.
   */
  constructor(
    readonly enabled: boolean,
    private readonly resultPoll?: ResultPoll,
  ) {}

  /**
   * A run message goes to `slot` now: starts the host's poll for its result if that is the way,
   * and says whether the message tells the worker to sleep after it (`poll: false`).
   */
  sent(slot: Slot, now: number): boolean {
    const { workerPolls, hostPolls } = this.sending(slot, now);
    if (hostPolls) this.resultPoll?.sent();
    return this.enabled && !workerPolls;
  }

  /**
   * A call goes to `slot` now. `workerPolls`: the worker is to poll for the next message after
   * this call's result. `hostPolls`: the host is to poll for this call's result, which it does
   * only for a call that came back to back: after a gap the worker was asleep anyway, and on
   * this machine spinning the event loop for its answer was measured to slow it.
   */
  sending(slot: Slot, now: number): Readonly<{ workerPolls: boolean; hostPolls: boolean }> {
    if (!this.enabled) return NOTHING_POLLS;
    let timing = this.timings.get(slot);
    const backToBack =
      timing !== undefined && now - timing.answeredAt < BACK_TO_BACK_MS && timing.answeredAt >= timing.sentAt;
    const polled = this.polling !== this.probing;
    if (timing === undefined) this.timings.set(slot, (timing = { sentAt: 0, answeredAt: -1, polled, backToBack }));
    // Updated in place, and answered with shared constants: this runs on every call.
    timing.sentAt = now;
    timing.answeredAt = -1;
    timing.polled = polled;
    timing.backToBack = backToBack;
    return polled ? (backToBack ? BOTH_POLL : WORKER_POLLS) : NOTHING_POLLS;
  }

  /**
   * The call on `slot` was answered now. Its round trip is measured if it came back to back (then
   * the way of waiting applied on both sides). The round trip, not the cycle from one send to the
   * next: where polling hurts, it is the round trip that it slows (the worker's wake-up and the
   * host's), and under open-loop load the cycle would time the arrivals instead.
   */
  answered(slot: Slot, now: number): void {
    const timing = this.timings.get(slot);
    if (timing === undefined) return;
    timing.answeredAt = now;
    if (timing.backToBack) this.record(timing.polled, now - timing.sentAt);
  }

  private record(polled: boolean, roundTripMs: number): void {
    if (polled === this.polling) {
      this.recent.push(roundTripMs);
      if (this.recent.length > PROBE_CALLS) this.recent.shift();
    } else this.probed.push(roundTripMs);
    if (--this.left > 0) return;
    if (!this.probing) {
      this.probing = true;
      this.probed = [];
      this.left = PROBE_CALLS;
      return;
    }
    this.probing = false;
    const margin = this.polling ? TAKE_SLEEPING_BELOW : TAKE_POLLING_BELOW;
    if (
      this.recent.length === PROBE_CALLS &&
      this.probed.length >= PROBE_CALLS / 2 &&
      median(this.probed) <= margin * median(this.recent)
    ) {
      this.polling = !this.polling;
      this.switches++;
      this.recent = this.probed.slice(-PROBE_CALLS);
      this.stretch = FIRST_STRETCH; // the machine changed: look again soon
    } else this.stretch = Math.min(LONGEST_STRETCH, this.stretch * 2);
    this.probed = [];
    this.left = this.stretch;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
}
