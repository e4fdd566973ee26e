import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../bench/report.js';
import type { BenchResults } from '../../bench/results-shape.js';
import type { StrategyMetrics } from '../../bench/strategy-metrics.js';

function strategy(name: string, callsPerSec: number): StrategyMetrics {
  return {
    strategy: name,
    callsPerSec,
    msPerCall: 1000 / callsPerSec,
    p50Ms: 900 / callsPerSec,
    p99Ms: 3000 / callsPerSec,
    rssMb: 14,
    echoShare: null,
    echoShareSamples: [],
    concurrentCallsPerSec: callsPerSec,
    coldStartMs: 100,
  } as StrategyMetrics;
}

const results: BenchResults = {
  date: '2026-11-23T00:00:00.000Z',
  node: '20.20.2',
  python: '3.11.7',
  cpus: 2,
  quick: false,
  echoCallsPerSec: 24_950,
  echoP50Ms: 0.038,
  echoP99Ms: 0.123,
  echoSamplesCallsPerSec: [24_950],
  strategies: [strategy('optimized', 14_000), strategy('forked', 360)],
  numpy: [],
  sandbox: [{ strategy: 'optimized', callsPerSec: 2000, msPerCall: 0.5, coldStartMs: 90 }],
  isolation: {},
  peers: [
    {
      name: 'pyexec optimized',
      note: 'default options',
      callsPerSec: 30_000,
      p50Ms: 0.03,
      p99Ms: 0.1,
      coldStartMs: 40,
    },
    {
      name: 'python-shell, persistent json-mode exec loop',
      note: "its users' loop",
      callsPerSec: 12_000,
      p50Ms: 0.08,
      p99Ms: 0.2,
      coldStartMs: 25,
    },
    { name: 'pyexec baseline', note: 'a new process per call', callsPerSec: 60, p50Ms: 16, p99Ms: 30, coldStartMs: 40 },
    {
      name: 'python-shell runString',
      note: 'a process per call',
      callsPerSec: 30,
      p50Ms: 33,
      p99Ms: 40,
      coldStartMs: 30,
    },
  ],
  pollingRegimes: [
    {
      strategy: 'optimized',
      regime: 'one core kept busy by another process',
      defaultCallsPerSec: 24_000,
      noPollCallsPerSec: 20_000,
      roundRatios: { q25: 1.05, median: 1.18, q75: 1.3 },
    },
  ],
  openLoop: [
    {
      label: 'optimized',
      strategy: 'optimized',
      offeredPerSec: 15_000,
      calls: 75_000,
      p50Ms: 0.05,
      p99Ms: 0.4,
      p999Ms: 1.2,
    },
  ],
  sessions: {
    sessionCallsPerSec: 14_000,
    optimizedCallsPerSec: 15_000,
    ratioToOptimized: 0.93,
    createP50Ms: [
      { strategy: 'optimized', p50Ms: 95 },
      { strategy: 'forked', p50Ms: 97 },
    ],
    createSamples: 9,
    idleSessions: 100,
    idleRssMb: 1500,
    idleMemory: [
      { strategy: 'optimized', rssMb: 1500, pssMb: 1400 },
      { strategy: 'forked', rssMb: 1300, pssMb: 400 },
    ],
    fork: { samples: 200, forkP50Ms: 2.4, bareForkP50Ms: 1.2 },
  },
  richIo: {
    hostCalls: 10_000,
    hostCallP50Us: 40,
    hostCallsPerSec: 20_000,
    callsPerSec: 25_000,
    displayCallsPerSec: 24_000,
    printCallsPerSec: 25_000,
  },
};

const row = (markdown: string, label: string) => markdown.split('\n').find((line) => line.startsWith(`| ${label} |`));

describe('bench report', () => {
  const markdown = renderMarkdown(results);

  it('says what echo and the reference are, and why a strategy can beat echo', () => {
    expect(markdown).toContain('both ends asleep in `read()`');
    expect(markdown).toContain(
      '3.6 calls/s (new process per call), 1,996 calls/s (persistent process), 1,574 calls/s (persistent + reset)',
    );
  });

  it('sets persistent rows against the python-shell loop and process-per-call rows against runString, and gives each regime its ratios', () => {
    expect(row(markdown, 'pyexec optimized')).toBe(
      '| pyexec optimized | 30,000 | 0.030 | 0.100 | 40 | 2.50x | default options |',
    );
    expect(row(markdown, 'pyexec baseline')).toBe(
      '| pyexec baseline | 60.0 | 16.000 | 30.000 | 40 | 2.00x | a new process per call |',
    );
    expect(row(markdown, 'one core kept busy by another process')).toBe(
      '| one core kept busy by another process | optimized | 24,000 | 20,000 | 1.20x | 1.18x (1.05–1.30) |',
    );
    expect(markdown).toContain('| optimized | 15,000 | 75000 | 0.050 | 0.400 | 1.200 |');
  });

  it("gives echo its p99 and its ratio to the persistent reference, the ceiling of every strategy's", () => {
    expect(row(markdown, 'echo (raw pipe)')).toBe(
      '| echo (raw pipe) | 24,950 | 0.040 | 0.038 | 0.123 |  |  |  | 100% | 1,996 (persistent process) | 12.5x |',
    );
  });

  it('says what the echo targets are worth against the reference on this machine', () => {
    expect(markdown).toContain(
      'is itself 12.5x the persistent process reference on this machine: 50% of echo is 6.3x it',
    );
    expect(markdown).toContain('35% of echo 5.5x the persistent + reset reference');
  });

  it('sets forked against a new process per call, and gives its ratio to persistent + reset too', () => {
    expect(row(markdown, 'forked')).toMatch(/\| 3\.6 \(new process per call\) \| 100\.0x \|$/);
    expect(markdown).toContain('against persistent + reset it is 0.2x');
    expect(row(markdown, 'optimized')).toMatch(/\| 1,996 \(persistent process\) \| 7\.0x \|$/);
  });

  it('gives each strategy with the sandbox its ratio to itself without, and its cold start; or why it is missing', () => {
    const sandboxRow = markdown
      .split('\n')
      .filter((line) => line.startsWith('| optimized |'))
      .pop();
    expect(sandboxRow).toMatch(/\| 2,000 \| 0\.500 \| 0\.14x \| 90 ms \|$/);
    expect(renderMarkdown({ ...results, sandbox: { unavailable: 'no bwrap' } })).toContain('Not measured: no bwrap');
  });

  it("sets calls in one session against optimized's, and gives createSession per strategy and idle memory", () => {
    expect(markdown).toContain("Calls in one session: 14,000 calls/s, optimized's `run` 15,000: 0.93x");
    expect(markdown).toContain('100 idle sessions (optimized) hold 1500 MB resident, 15.0 MB each.');
    expect(markdown).toContain('p50 2.40 ms;');
    expect(markdown).toContain(
      '100 idle sessions of forked: 1300 MB resident (RSS, shared pages counted in each), 400 MB proportional',
    );
    expect(markdown).toContain('in the same run: 1.20 ms (2.00x, 200 samples each');
    expect(row(markdown, 'a session of forked')).toBe('| a session of forked | 97 ms |');
  });
  it("sets a host function's round trip against a whole call's, and a displaying call against a printing one", () => {
    expect(markdown).toContain('in a loop of 10000: p50 40 µs, 20,000 calls/s');
    expect(markdown).toContain("a whole call (`run('1')`) in the same run: 25,000 calls/s (0.80x)");
    expect(markdown).toContain('24,000 calls/s; one that prints');
    expect(markdown).toContain('(0.96x, alternated slices)');
  });
});
