import { describe, expect, it } from 'vitest';
import { FIRST_STRETCH, LONGEST_STRETCH, PollingChoice, PROBE_CALLS } from '../../src/pool/polling-choice.js';
import { Slot } from '../../src/pool/slot.js';

// Back-to-back calls on one slot whose cycle (send to send) costs what each way costs now.
function drive(choice: PollingChoice, calls: number, cost: { polling: number; sleeping: number }, clock = { now: 0 }) {
  const slot = new Slot();
  let polledCalls = 0;
  for (let i = 0; i < calls; i++) {
    const { workerPolls } = choice.sending(slot, clock.now);
    polledCalls += workerPolls ? 1 : 0;
    clock.now += workerPolls ? cost.polling : cost.sleeping;
    choice.answered(slot, clock.now - 0.001);
  }
  return { polledCalls, clock };
}

describe('the polling choice', () => {
  it('keeps polling while polling is the faster way, probing the other rarely', () => {
    const choice = new PollingChoice(true);
    const { polledCalls } = drive(choice, 20_000, { polling: 0.02, sleeping: 0.08 });
    expect(choice.polling).toBe(true);
    expect(choice.switches).toBe(0);
    expect(1 - polledCalls / 20_000).toBeLessThan(0.02);
  });

  it('sleeps within the first probe once polling is slower, and polls again when the machine frees up', () => {
    const choice = new PollingChoice(true);
    const { clock } = drive(choice, FIRST_STRETCH + PROBE_CALLS + 2, { polling: 0.11, sleeping: 0.04 });
    expect(choice.polling).toBe(false);
    drive(choice, 3 * LONGEST_STRETCH, { polling: 0.02, sleeping: 0.08 }, clock);
    expect(choice.polling).toBe(true);
    expect(choice.switches).toBe(2);
  });

  it('never flips on a difference within its margin', () => {
    const choice = new PollingChoice(true);
    drive(choice, 5 * LONGEST_STRETCH, { polling: 0.05, sleeping: 0.046 });
    expect(choice.switches).toBe(0);
  });

  it('polls for a result only when its call came back to back, and not at all when disabled', () => {
    const choice = new PollingChoice(true);
    const slot = new Slot();
    expect(choice.sending(slot, 0)).toEqual({ workerPolls: true, hostPolls: false });
    choice.answered(slot, 0.05);
    expect(choice.sending(slot, 0.1)).toEqual({ workerPolls: true, hostPolls: true });
    choice.answered(slot, 0.15);
    expect(choice.sending(slot, 5)).toEqual({ workerPolls: true, hostPolls: false }); // after a 5 ms gap
    expect(new PollingChoice(false).sending(slot, 0)).toEqual({ workerPolls: false, hostPolls: false });
  });
});
