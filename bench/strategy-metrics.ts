import { availableParallelism } from 'node:os';
import { Bench, hrtimeNow } from 'tinybench';
import { createExecutor, type ExecutionResult, type ExecutorOptions, type PythonExecutor, type StrategyName } from '../src/index.js';

export interface StrategyMetrics {
  strategy: StrategyName;
  callsPerSec: number;
  msPerCall: number;
  p50Ms: number;
  p99Ms: number;
  concurrentCallsPerSec: number;
  coldStartMs: number;
  rssMb: number | null;
}

// A benchmark that silently times failures would lie: any call that is not `ok` stops the run.
export function expectOk(result: ExecutionResult, strategy: string): ExecutionResult {
  if (result.status !== 'ok') {
    throw new Error(`${strategy}: benchmark call ended ${result.status}: ${result.error?.type} ${result.error?.message}\n${result.stderr}`);
  }
  return result;
}

/** Sequential calls on one worker, timed by tinybench: mean, p50 and p99 latency. */
export async function measureSequential(
  strategy: StrategyName,
  options: ExecutorOptions,
  code: string,
  timeMs: number,
): Promise<{ callsPerSec: number; msPerCall: number; p50Ms: number; p99Ms: number; rssMb: number | null }> {
  const executor = createExecutor({ ...options, strategy, poolSize: 1 });
  try {
    expectOk(await executor.run(code), strategy); // warm: the worker is up
    const bench = new Bench({ time: timeMs, warmupTime: Math.min(500, timeMs / 4), now: hrtimeNow, throws: true });
    bench.add(strategy, async () => {
      expectOk(await executor.run(code), strategy);
    });
    await bench.run();
    const task = bench.tasks[0];
    if (task?.result?.error) throw task.result.error;
    const latency = (task?.result as { latency: { mean: number; p50?: number; p99?: number } }).latency;
    const rss = executor.status().workers.find((worker) => worker.rssMb !== undefined)?.rssMb;
    return {
      callsPerSec: 1000 / latency.mean,
      msPerCall: latency.mean,
      p50Ms: latency.p50 ?? latency.mean,
      p99Ms: latency.p99 ?? latency.mean,
      rssMb: rss ?? null,
    };
  } finally {
    await executor.close();
  }
}

/**
 * Throughput with poolSize = CPU count and twice as many callers keeping it busy: a closed-loop
 * load (tinybench measures one task at a time, so it does not fit here).
 */
export async function measureConcurrent(strategy: StrategyName, options: ExecutorOptions, code: string, timeMs: number): Promise<number> {
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
export async function measureColdStart(strategy: StrategyName, options: ExecutorOptions, code: string, repeats: number): Promise<number> {
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
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}
