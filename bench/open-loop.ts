// How a service sees an executor: calls arriving at random (Poisson) at a fixed share of its
// capacity, each timed from when it arrived (not when it could be sent), so queueing counts.
import { createExecutor, type ExecutorOptions, type StrategyName } from '../src/index.js';
import { TRIVIAL_CALL } from './config.js';
import { expectOk, percentile } from './strategy-metrics.js';

export interface OpenLoopMetrics {
  /** The strategy, and its options when not the defaults. */
  label: string;
  strategy: StrategyName;
  offeredPerSec: number;
  calls: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

/** `ratePerSec` arrivals a second for `durationMs`, on one worker (poolSize 1). */
export async function measureOpenLoop(label: string, strategy: StrategyName, options: ExecutorOptions, ratePerSec: number, durationMs: number): Promise<OpenLoopMetrics> {
  const executor = createExecutor({ ...options, strategy, poolSize: 1 });
  try {
    expectOk(await executor.run(TRIVIAL_CALL), strategy);
    const latencies: number[] = [];
    const pending: Promise<void>[] = [];
    const start = performance.now();
    const end = start + durationMs;
    let next = start + interArrivalMs(ratePerSec);
    while (next < end) {
      const now = performance.now();
      while (next <= now && next < end) {
        const arrived = next;
        pending.push(
          executor.run(TRIVIAL_CALL).then((result) => {
            expectOk(result, strategy);
            latencies.push(performance.now() - arrived);
          }),
        );
        next += interArrivalMs(ratePerSec);
      }
      // Far arrivals wait on a timer; near ones on the event loop's next turn (timers are ~1 ms).
      await new Promise((resolve) => (next - performance.now() > 2 ? setTimeout(resolve, next - performance.now() - 1) : setImmediate(resolve)));
    }
    await Promise.all(pending);
    latencies.sort((a, b) => a - b);
    return { label, strategy, offeredPerSec: ratePerSec, calls: latencies.length, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), p999Ms: percentile(latencies, 0.999) };
  } finally {
    await executor.close();
  }
}

// Exponential gaps: a Poisson process of the given rate.
function interArrivalMs(ratePerSec: number): number {
  return (-Math.log(1 - Math.random()) * 1000) / ratePerSec;
}
