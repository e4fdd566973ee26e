// Whether the persistent strategies' default (busy polling, adaptive) is ever slower than never
// polling (`busyPollUs: 0`), in the regimes a service meets. Both run side by side in alternated
// slices; each regime reports calls/s (for calls with gaps: 1000 ÷ the mean ms a call took).
import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createExecutor, type ExecutorOptions, type PythonExecutor, type StrategyName } from '../src/index.js';
import { TRIVIAL_CALL } from './config.js';
import { expectOk, median, percentile } from './strategy-metrics.js';

export interface RegimeMetrics {
  strategy: StrategyName;
  regime: string;
  defaultCallsPerSec: number;
  noPollCallsPerSec: number;
  /**
   * Default ÷ no polling in each round (a slice of each): the quartiles. Rounds differ by ±10%
   * and more here, so the totals' ratio alone can show a difference that is only noise.
   */
  roundRatios?: { q25: number; median: number; q75: number };
}

interface Regime {
  name: string;
  poolSize: () => number;
  /** Calls completed and the ms they took, for one slice. */
  slice(executor: PythonExecutor, strategy: StrategyName, sliceMs: number): Promise<{ calls: number; busyMs: number }>;
  /** Load started for the regime's slices, stopped after. */
  load?: () => ChildProcess;
}

async function closedLoop(
  executor: PythonExecutor,
  strategy: StrategyName,
  sliceMs: number,
  callers: number,
): Promise<{ calls: number; busyMs: number }> {
  let calls = 0;
  const started = performance.now();
  const end = started + sliceMs;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        expectOk(await executor.run(TRIVIAL_CALL), strategy);
        calls++;
      }
    }),
  );
  return { calls, busyMs: performance.now() - started };
}

// A gap of about a timer tick between calls: the worker's poll window runs out every time.
async function withGaps(
  executor: PythonExecutor,
  strategy: StrategyName,
  sliceMs: number,
): Promise<{ calls: number; busyMs: number }> {
  let calls = 0;
  let busyMs = 0;
  const end = performance.now() + sliceMs;
  while (performance.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    const started = performance.now();
    expectOk(await executor.run(TRIVIAL_CALL), strategy);
    busyMs += performance.now() - started;
    calls++;
  }
  return { calls, busyMs };
}

const spinner = () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });

const REGIMES: readonly Regime[] = [
  { name: 'idle machine, one caller', poolSize: () => 1, slice: (e, s, ms) => closedLoop(e, s, ms, 1) },
  {
    name: 'one core kept busy by another process',
    poolSize: () => 1,
    slice: (e, s, ms) => closedLoop(e, s, ms, 1),
    load: spinner,
  },
  {
    name: 'poolSize = cores, twice as many callers',
    poolSize: availableParallelism,
    slice: (e, s, ms) => closedLoop(e, s, ms, 2 * availableParallelism()),
  },
  { name: 'calls arriving with ~1 ms gaps (1000 ÷ ms per call)', poolSize: () => 1, slice: withGaps },
];

export async function measurePollingRegimes(
  strategies: readonly StrategyName[],
  options: ExecutorOptions,
  rounds: number,
  sliceMs: number,
  report: (line: string) => void,
): Promise<RegimeMetrics[]> {
  const rows: RegimeMetrics[] = [];
  for (const regime of REGIMES) {
    for (const strategy of strategies) {
      const poolSize = regime.poolSize();
      const configs = [
        createExecutor({ ...options, strategy, poolSize }),
        createExecutor({ ...options, strategy, poolSize, busyPollUs: 0 }),
      ];
      const load = regime.load?.();
      try {
        await Promise.all(
          configs.map(async (executor) =>
            Promise.all(
              Array.from({ length: poolSize }, async () => expectOk(await executor.run(TRIVIAL_CALL), strategy)),
            ),
          ),
        );
        const totals = configs.map(() => ({ calls: 0, busyMs: 0 }));
        const ratios: number[] = [];
        for (let round = 0; round < rounds; round++) {
          const rates: number[] = [];
          for (let step = 0; step < configs.length; step++) {
            const index = (round + step) % configs.length; // which goes first alternates
            const { calls, busyMs } = await regime.slice(configs[index] as PythonExecutor, strategy, sliceMs);
            (totals[index] as { calls: number }).calls += calls;
            (totals[index] as { busyMs: number }).busyMs += busyMs;
            rates[index] = calls / busyMs;
          }
          ratios.push((rates[0] as number) / (rates[1] as number));
        }
        ratios.sort((a, b) => a - b);
        const [polled, asleep] = totals.map((total) => (1000 * total.calls) / total.busyMs) as [number, number];
        const roundRatios = { q25: percentile(ratios, 0.25), median: median(ratios), q75: percentile(ratios, 0.75) };
        rows.push({
          strategy,
          regime: regime.name,
          defaultCallsPerSec: polled,
          noPollCallsPerSec: asleep,
          roundRatios,
        });
        report(
          `polling, ${regime.name}, ${strategy}: default ${Math.round(polled)} calls/s, busyPollUs 0 ${Math.round(asleep)} calls/s, rounds' ratio median ${roundRatios.median.toFixed(2)} (${roundRatios.q25.toFixed(2)}–${roundRatios.q75.toFixed(2)})`,
        );
      } finally {
        load?.kill('SIGKILL');
        await Promise.all(configs.map((executor) => executor.close()));
      }
    }
  }
  return rows;
}
