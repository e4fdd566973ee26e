import { describe, expect, it } from 'vitest';
import { FIRST_STRETCH, LONGEST_STRETCH, PollingChoice, PROBE_CALLS } from '../../src/pool/polling-choice.js';
import { ResultPoll } from '../../src/pool/result-poll.js';
import { Slot } from '../../src/pool/slot.js';

// Back-to-back calls on one slot whose round trip costs what each way costs now.
function drive(choice: PollingChoice, calls: number, cost: { polling: number; sleeping: number }, clock = { now: 0 }) {
  const slot = new Slot();
  let polledCalls = 0;
  for (let i = 0; i < calls; i++) {
    const { workerPolls } = choice.sending(slot, clock.now);
    polledCalls += workerPolls ? 1 : 0;
    clock.now += workerPolls ? cost.polling : cost.sleeping;
    choice.answered(slot, clock.now);
    clock.now += 0.005; // the application's turnaround
  }
  return { polledCalls, clock };
}

describe('the polling choice', () => {
  it('polls from the first probe on while polling is the faster way, probing the other rarely', () => {
    const choice = new PollingChoice(true);
    expect(choice.polling).toBe(false); // nothing polls until a probe shows it pays
    drive(choice, FIRST_STRETCH + PROBE_CALLS + 2, { polling: 0.02, sleeping: 0.08 });
    expect(choice.polling).toBe(true);
    const { polledCalls } = drive(choice, 20_000, { polling: 0.02, sleeping: 0.08 });
    expect(choice.switches).toBe(1);
    expect(1 - polledCalls / 20_000).toBeLessThan(0.02);
  });

  it('stays asleep while polling is slower, and polls once the machine frees up', () => {
    const choice = new PollingChoice(true);
    const { clock } = drive(choice, 3 * LONGEST_STRETCH, { polling: 0.11, sleeping: 0.04 });
    expect(choice.polling).toBe(false);
    expect(choice.switches).toBe(0);
    drive(choice, 3 * LONGEST_STRETCH, { polling: 0.02, sleeping: 0.08 }, clock);
    expect(choice.polling).toBe(true);
    expect(choice.switches).toBe(1);
  });

  it('never takes up polling for a gain within its margin', () => {
    const choice = new PollingChoice(true);
    drive(choice, 5 * LONGEST_STRETCH, { polling: 0.046, sleeping: 0.05 });
    expect(choice.switches).toBe(0);
  });

  it('gives polling up once sleeping is no slower, and does not flip back on noise', () => {
    const choice = new PollingChoice(true);
    const { clock } = drive(choice, FIRST_STRETCH + PROBE_CALLS + 2, { polling: 0.02, sleeping: 0.08 });
    expect(choice.polling).toBe(true);
    // A busy machine: both ways now cost the same, so the core polling spends buys nothing.
    drive(choice, 5 * LONGEST_STRETCH, { polling: 0.05, sleeping: 0.05 }, clock);
    expect(choice.polling).toBe(false);
    expect(choice.switches).toBe(2);
  });

  it('measures nothing of calls that come after gaps: neither way of waiting applied to them', () => {
    const choice = new PollingChoice(true);
    const slot = new Slot();
    let now = 0;
    for (let i = 0; i < 10 * LONGEST_STRETCH; i++) {
      const { workerPolls } = choice.sending(slot, now);
      now += workerPolls ? 0.02 : 0.08;
      choice.answered(slot, now);
      now += 2; // a 2 ms gap before the next call
    }
    expect(choice.switches).toBe(0);
  });

  it('polls for a result only when its call came back to back, and not at all when disabled', () => {
    const choice = new PollingChoice(true);
    const slot = new Slot();
    choice.polling = true;
    expect(choice.sending(slot, 0)).toEqual({ workerPolls: true, hostPolls: false });
    choice.answered(slot, 0.05);
    expect(choice.sending(slot, 0.1)).toEqual({ workerPolls: true, hostPolls: true });
    choice.answered(slot, 0.15);
    expect(choice.sending(slot, 5)).toEqual({ workerPolls: true, hostPolls: false }); // after a 5 ms gap
    expect(new PollingChoice(false).sending(slot, 0)).toEqual({ workerPolls: false, hostPolls: false });
  });

  it("starts the host's poll only for the calls it polls, and tells the worker to sleep otherwise", () => {
    const resultPoll = new ResultPoll(50, () => true);
    const choice = new PollingChoice(true, resultPoll);
    const slot = new Slot();
    expect(choice.sent(slot, 0)).toBe(true); // asleep at first: `poll: false`
    choice.answered(slot, 0.05);
    expect(resultPoll.active).toBe(false);
    choice.polling = true;
    expect(choice.sent(slot, 0.1)).toBe(false);
    expect(resultPoll.active).toBe(true);
    expect(new PollingChoice(false).sent(slot, 0)).toBe(false); // nothing polls: nothing to say
  });
});
