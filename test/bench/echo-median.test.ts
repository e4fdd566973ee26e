import { describe, expect, it } from 'vitest';
import { medianEcho } from '../../bench/echo.js';

const sample = (callsPerSec: number) => ({ callsPerSec, p50Ms: 1000 / callsPerSec, p99Ms: 2000 / callsPerSec });

describe('medianEcho', () => {
  it('takes every ratio against the middle sample, not the first or the fastest', () => {
    const samples = [sample(25_000), sample(21_000), sample(28_000), sample(24_000), sample(26_000)];
    expect(medianEcho(samples)).toEqual(sample(25_000));
  });

  it('takes the lower middle sample of an even count', () => {
    expect(medianEcho([sample(30_000), sample(20_000), sample(22_000), sample(26_000)]).callsPerSec).toBe(22_000);
  });

  it('refuses to make up a limit from no samples', () => {
    expect(() => medianEcho([])).toThrow('no echo samples');
  });
});
