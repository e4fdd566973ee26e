import { describe, expect, it } from 'vitest';
import { EchoServer, type EchoMetrics } from '../../bench/echo.js';
import { measureSequential, median, percentile } from '../../bench/strategy-metrics.js';
import { testPython } from '../helpers/executors.js';

describe('bench statistics', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('takes percentiles by nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
  });
});

describe('sequential calls paired with echo', () => {
  it('alternates echo and strategy slices and reports the median of their ratios', async () => {
    const server = await EchoServer.start(testPython);
    const echoes: EchoMetrics[] = [];
    try {
      const metrics = await measureSequential('optimized', { python: testPython }, 'print(1+1)', 600, {
        server,
        rounds: 3,
        onEcho: (sample) => echoes.push(sample),
      });
      expect(echoes).toHaveLength(3);
      expect(metrics.echoShareSamples).toHaveLength(3);
      expect(metrics.echoShare).toBe(median(metrics.echoShareSamples));
      // A share of echo, not a count of calls per second (thousands). Busy polling can take a
      // strategy past echo, which sleeps (3x on this VM when waking a core is dear).
      expect(metrics.echoShare).toBeGreaterThan(0);
      expect(metrics.echoShare).toBeLessThan(20);
      expect(metrics.callsPerSec).toBeCloseTo(1000 / metrics.msPerCall, 6);
      expect(metrics.p50Ms).toBeLessThanOrEqual(metrics.p99Ms);
    } finally {
      server.close();
    }
  });

  it('leaves the share out when not paired', async () => {
    expect((await measureSequential('optimized', { python: testPython }, '1', 200)).echoShare).toBeNull();
  });
});
