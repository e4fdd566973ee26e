import { describe, expect, it } from 'vitest';
import { ResultPoll } from '../../src/pool/result-poll.js';
import { eventually } from '../helpers/executors.js';

describe('the host half of busy polling (ResultPoll)', () => {
  it('keeps the event loop turning after a send until its window has passed', async () => {
    const poll = new ResultPoll(50, () => true);
    poll.sent();
    expect(poll.active).toBe(true);
    let turns = 0;
    const count = () => {
      turns++;
      if (poll.active) setImmediate(count);
    };
    setImmediate(count);
    await eventually(() => !poll.active);
    expect(turns).toBeGreaterThan(1); // other work still ran on every turn
  });

  it('stops as soon as no result is due', async () => {
    let due = true;
    const poll = new ResultPoll(60_000, () => due);
    poll.sent();
    due = false;
    await eventually(() => !poll.active);
  });

  it('never turns when its window is 0', () => {
    const poll = new ResultPoll(0, () => true);
    poll.sent();
    expect(poll.active).toBe(false);
  });
});
