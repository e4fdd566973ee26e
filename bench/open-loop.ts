// How a service sees an executor: requests arriving at random (Poisson) at a fixed rate, from
// another process, as a server's requests come in on a socket; each call timed from when its
// request reached the host, so queueing counts.
import { spawn } from 'node:child_process';
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

// The client: sleeps until each arrival, then writes one line per request due, stamped with
// CLOCK_MONOTONIC in ns (Node's process.hrtime reads the same clock). A late wake-up sends the
// requests due meanwhile together, as a burst on a real socket would come.
const POISSON_CLIENT = `
import os, random, sys, time
rate, seconds = float(sys.argv[1]), float(sys.argv[2])
now, stamp, out = time.monotonic, time.monotonic_ns, sys.stdout.fileno()
end = now() + seconds
due = now() + random.expovariate(rate)
while due < end:
    delay = due - now()
    if delay > 0:
        time.sleep(delay)
    requests = []
    sent = now()
    while due <= sent and due < end:
        requests.append(b"%d\\n" % stamp())
        due += random.expovariate(rate)
    os.write(out, b"".join(requests))
`;

export interface OpenLoopRow {
  label: string;
  strategy: StrategyName;
  options: ExecutorOptions;
  ratePerSec: number;
}

/**
 * Every row for `rounds` rounds of `sliceMs` each, in turn, so that a bad phase of a shared
 * machine (their tails vary several-fold from one run to the next) is spread over all of them.
 */
export async function measureOpenLoop(
  python: string,
  rows: readonly OpenLoopRow[],
  rounds: number,
  sliceMs: number,
): Promise<OpenLoopMetrics[]> {
  const latencies: number[][] = rows.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, row] of rows.entries())
      (latencies[index] as number[]).push(...(await openLoopSlice(python, row, sliceMs)));
  }
  return rows.map((row, index) => {
    const sorted = (latencies[index] as number[]).sort((a, b) => a - b);
    return {
      label: row.label,
      strategy: row.strategy,
      offeredPerSec: row.ratePerSec,
      calls: sorted.length,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      p999Ms: percentile(sorted, 0.999),
    };
  });
}

/** One row's requests for `durationMs`, on one worker (poolSize 1): each call's latency in ms. */
async function openLoopSlice(python: string, row: OpenLoopRow, durationMs: number): Promise<number[]> {
  const { label, strategy } = row;
  const executor = createExecutor({ ...row.options, strategy, poolSize: 1 });
  try {
    expectOk(await executor.run(TRIVIAL_CALL), strategy);
    const latencies: number[] = [];
    const pending: Promise<void>[] = [];
    const client = spawn(python, ['-c', POISSON_CLIENT, String(row.ratePerSec), String(durationMs / 1000)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let partial = '';
    client.stdout.setEncoding('latin1');
    client.stdout.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() as string;
      for (const line of lines) {
        const arrived = BigInt(line);
        pending.push(
          executor.run(TRIVIAL_CALL).then((result) => {
            expectOk(result, strategy);
            latencies.push(Number(process.hrtime.bigint() - arrived) / 1e6);
          }),
        );
      }
    });
    const code = await new Promise<number | null>((resolve) => client.on('close', resolve));
    if (code !== 0) throw new Error(`open loop ${label}: the Poisson client exited with ${code}`);
    await Promise.all(pending);
    return latencies;
  } finally {
    await executor.close();
  }
}
