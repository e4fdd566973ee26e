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
};

const row = (markdown: string, label: string) => markdown.split('\n').find((line) => line.startsWith(`| ${label} |`));

describe('bench report', () => {
  const markdown = renderMarkdown(results);

  it("gives echo its p99 and its ratio to the persistent reference, the ceiling of every strategy's", () => {
    expect(row(markdown, 'echo (raw pipe)')).toBe('| echo (raw pipe) | 24,950 | 0.040 | 0.038 | 0.123 |  |  |  | 100% | 1,996 (persistent process) | 12.5x |');
  });

  it('says what the echo targets are worth against the reference on this machine', () => {
    expect(markdown).toContain('is itself 12.5x the persistent process reference on this machine: 50% of echo is 6.3x it');
    expect(markdown).toContain('35% of echo 5.5x the persistent + reset reference');
  });

  it('sets forked against a new process per call, and gives its ratio to persistent + reset too', () => {
    expect(row(markdown, 'forked')).toMatch(/\| 3\.6 \(new process per call\) \| 100\.0x \|$/);
    expect(markdown).toContain('against persistent + reset it is 0.2x');
    expect(row(markdown, 'optimized')).toMatch(/\| 1,996 \(persistent process\) \| 7\.0x \|$/);
  });

  it('gives each strategy with the sandbox its ratio to itself without, and its cold start; or why it is missing', () => {
    const sandboxRow = markdown.split('\n').filter((line) => line.startsWith('| optimized |')).pop();
    expect(sandboxRow).toMatch(/\| 2,000 \| 0\.500 \| 0\.14x \| 90 ms \|$/);
    expect(renderMarkdown({ ...results, sandbox: { unavailable: 'no bwrap' } })).toContain('Not measured: no bwrap');
  });
});
