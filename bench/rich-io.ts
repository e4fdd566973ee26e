// Rich I/O in `npm run bench`: a host function's round trip from inside a call (a loop of them,
// timed in Python), beside a whole call's round trip; and a call that displays beside one that
// prints, in alternated slices of the same run.
import { callsPerSecond } from './call-slice.js';
import { createExecutor, type ExecutorOptions } from '../src/index.js';

export interface RichIoMetrics {
  /** Host function calls made in one loop inside a call. */
  hostCalls: number;
  /** p50 of one `pyexec_host` call (Python's side: request, Node's function, reply). */
  hostCallP50Us: number;
  /** Host function calls per second in that loop. */
  hostCallsPerSec: number;
  /** Whole calls per second (`run('1')`, optimized) measured in the same run. */
  callsPerSec: number;
  /** `display('x')` calls against `print('x')` calls (optimized, alternated slices). */
  displayCallsPerSec: number;
  printCallsPerSec: number;
}

export interface RichIoPlan {
  hostCalls: number;
  rounds: number;
  sliceMs: number;
}

const HOST_LOOP = (count: number) => `
import time
from pyexec_host import echo
times = []
started = time.perf_counter()
for i in range(${count}):
    t = time.perf_counter()
    echo(i)
    times.append(time.perf_counter() - t)
total = time.perf_counter() - started
times.sort()
[times[len(times) // 2] * 1e6, ${count} / total]
`;

export async function measureRichIo(
  options: ExecutorOptions,
  plan: RichIoPlan,
  report: (line: string) => void,
): Promise<RichIoMetrics> {
  const executor = createExecutor({
    ...options,
    strategy: 'optimized',
    functions: { echo: (value: unknown) => value },
  });
  try {
    await executor.warmUp();
    const loop = await executor.run(HOST_LOOP(plan.hostCalls), { timeoutMs: 600_000 });
    const [hostCallP50Us, hostCallsPerSec] = (loop.valueJson as [number, number] | undefined) ?? [NaN, NaN];
    if (loop.status !== 'ok') throw new Error(`the host function loop failed: ${loop.error?.message ?? loop.status}`);
    let calls = 0;
    let displays = 0;
    let prints = 0;
    for (let round = 0; round < plan.rounds; round++) {
      calls += await callsPerSecond(() => executor.run('1'), plan.sliceMs);
      const first = round % 2 === 0;
      const display = () => callsPerSecond(() => executor.run("display('x')"), plan.sliceMs);
      const print = () => callsPerSecond(() => executor.run("print('x')"), plan.sliceMs);
      if (first) {
        displays += await display();
        prints += await print();
      } else {
        prints += await print();
        displays += await display();
      }
    }
    const metrics = {
      hostCalls: plan.hostCalls,
      hostCallP50Us,
      hostCallsPerSec,
      callsPerSec: calls / plan.rounds,
      displayCallsPerSec: displays / plan.rounds,
      printCallsPerSec: prints / plan.rounds,
    };
    report(
      `rich I/O: host function p50 ${hostCallP50Us.toFixed(0)} µs, ${hostCallsPerSec.toFixed(0)} calls/s in a loop of ${plan.hostCalls}; whole calls ${metrics.callsPerSec.toFixed(0)}/s`,
    );
    report(
      `rich I/O: display('x') ${metrics.displayCallsPerSec.toFixed(0)} calls/s, print('x') ${metrics.printCallsPerSec.toFixed(0)} calls/s`,
    );
    return metrics;
  } finally {
    await executor.close();
  }
}
