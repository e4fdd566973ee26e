import { availableParallelism } from 'node:os';
import { Bench, hrtimeNow } from 'tinybench';
import {
  createExecutor,
  type ExecutionResult,
  type ExecutorOptions,
  type PythonExecutor,
  type StrategyName,
} from '../src/index.js';
import type { EchoMetrics, EchoServer } from './echo.js';

/** One row of the results: the sequential measurement, plus concurrency and cold start. */
export interface StrategyMetrics extends SequentialMetrics {
  strategy: StrategyName;
  concurrentCallsPerSec: number;
  coldStartMs: number;
}

// A benchmark that silently times failures would lie: any call that is not `ok` stops the run.
export function expectOk(result: ExecutionResult, strategy: string): ExecutionResult {
  if (result.status !== 'ok') {
    throw new Error(
      `${strategy}: benchmark call ended ${result.status}: ${result.error?.type} ${result.error?.message}\n${result.stderr}`,
    );
  }
  return result;
}

export interface SequentialMetrics {
  callsPerSec: number;
  msPerCall: number;
  p50Ms: number;
  p99Ms: number;
  rssMb: number | null;
  /** Paired runs only (optimized, isolated): the median over rounds of (calls/s ÷ the echo
   * measured just before); null otherwise. See EchoPairing. */
  echoShare: number | null;
  /** The ratio of each pair of slices, in the order measured (empty when not paired). */
  echoShareSamples: number[];
}

/**
 * Echo measured in slices interleaved with the strategy's: a shared machine's speed drifts by
 * tens of percent within seconds, and a ratio of two figures taken moments apart hardly moves.
 */
export interface EchoPairing {
  server: EchoServer;
  rounds: number;
  onEcho: (sample: EchoMetrics) => void;
}

/** Sequential calls on one worker, timed by tinybench (in `rounds` slices when paired with echo). */
export async function measureSequential(
  strategy: StrategyName,
  options: ExecutorOptions,
  code: string,
  timeMs: number,
  pairing?: EchoPairing,
): Promise<SequentialMetrics> {
  const executor = createExecutor({ ...options, strategy, poolSize: 1 });
  try {
    expectOk(await executor.run(code), strategy); // warm: the worker is up
    const rounds = pairing?.rounds ?? 1;
    const latencies: number[] = [];
    const shares: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const echo = pairing ? await pairing.server.measure(timeMs / rounds) : undefined;
      if (echo) pairing?.onEcho(echo);
      const slice = await timeSlice(strategy, executor, code, timeMs / rounds);
      for (const latency of slice) latencies.push(latency); // a spread of 100k+ samples overflows the stack
      if (echo) shares.push(1000 / mean(slice) / echo.callsPerSec);
    }
    const rss = executor.status().workers.find((worker) => worker.rssMb !== undefined)?.rssMb;
    latencies.sort((a, b) => a - b);
    return {
      callsPerSec: 1000 / mean(latencies),
      msPerCall: mean(latencies),
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      rssMb: rss ?? null,
      echoShare: shares.length > 0 ? median(shares) : null,
      echoShareSamples: shares,
    };
  } finally {
    await executor.close();
  }
}

// The latency of every call tinybench timed in about timeMs (after a short warm-up).
async function timeSlice(
  strategy: StrategyName,
  executor: PythonExecutor,
  code: string,
  timeMs: number,
): Promise<number[]> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(500, timeMs / 4), now: hrtimeNow, throws: true });
  bench.add(strategy, async () => {
    expectOk(await executor.run(code), strategy);
  });
  await bench.run();
  const task = bench.tasks[0];
  if (task?.result?.error) throw task.result.error;
  return (task?.result as { latency: { samples: number[] } }).latency.samples;
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** The value at fraction q of sorted values (nearest rank). */
export function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Throughput with poolSize = CPU count and twice as many callers keeping it busy: a closed-loop
 * load (tinybench measures one task at a time, so it does not fit here).
 */
export async function measureConcurrent(
  strategy: StrategyName,
  options: ExecutorOptions,
  code: string,
  timeMs: number,
): Promise<number> {
  const poolSize = availableParallelism();
  const executor = createExecutor({ ...options, strategy, poolSize });
  try {
    await Promise.all(Array.from({ length: poolSize }, async () => expectOk(await executor.run(code), strategy)));
    let completed = 0;
    const deadline = performance.now() + timeMs;
    const started = performance.now();
    const caller = async () => {
      while (performance.now() < deadline) {
        expectOk(await executor.run(code), strategy);
        completed++;
      }
    };
    await Promise.all(Array.from({ length: poolSize * 2 }, caller));
    return completed / ((performance.now() - started) / 1000);
  } finally {
    await executor.close();
  }
}

/** Median time from constructing an executor to the result of its first call. */
export async function measureColdStart(
  strategy: StrategyName,
  options: ExecutorOptions,
  code: string,
  repeats: number,
): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    const executor: PythonExecutor = createExecutor({ ...options, strategy });
    try {
      expectOk(await executor.run(code), strategy);
      samples.push(performance.now() - started);
    } finally {
      await executor.close();
    }
  }
  return median(samples);
}
