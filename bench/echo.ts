import { spawn } from 'node:child_process';
import { Bench, hrtimeNow } from 'tinybench';

// The practical limit of any Node↔Python executor: one JSON line to Python and back, nothing run.
const ECHO_SERVER = `
import os
pending = b""
while True:
    chunk = os.read(0, 65536)
    if not chunk:
        break
    pending += chunk
    while b"\\n" in pending:
        line, pending = pending.split(b"\\n", 1)
        os.write(1, line + b"\\n")
`;

const MESSAGE = `${JSON.stringify({ type: 'run', id: '00000000-0000-0000-0000-000000000000', code: 'print(1+1)', maxOutputBytes: 10485760 })}\n`;

export interface EchoMetrics {
  callsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** Sequential echo round trips per second over a raw pipe, measured with tinybench. */
export async function measureEcho(python: string, timeMs: number): Promise<EchoMetrics> {
  const child = spawn(python, ['-c', ECHO_SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdout.setEncoding('utf8');
  let waiting: (() => void) | undefined;
  let buffered = '';
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const newline = buffered.indexOf('\n');
    if (newline !== -1 && waiting) {
      JSON.parse(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      const resolve = waiting;
      waiting = undefined;
      resolve();
    }
  });
  const roundTrip = () =>
    new Promise<void>((resolve) => {
      waiting = resolve;
      child.stdin.write(MESSAGE);
    });
  try {
    await roundTrip();
    const bench = new Bench({ time: timeMs, warmupTime: 200, now: hrtimeNow });
    bench.add('echo', roundTrip);
    await bench.run();
    const latency = (bench.tasks[0]?.result as { latency: { mean: number; p50?: number; p99?: number } }).latency;
    return { callsPerSec: 1000 / latency.mean, p50Ms: latency.p50 ?? latency.mean, p99Ms: latency.p99 ?? latency.mean };
  } finally {
    child.kill();
  }
}

/** The sample with the median calls/s (the lower middle one for an even count). */
export function medianEcho(samples: readonly EchoMetrics[]): EchoMetrics {
  if (samples.length === 0) throw new Error('medianEcho: no echo samples');
  const sorted = [...samples].sort((a, b) => a.callsPerSec - b.callsPerSec);
  return sorted[Math.floor((sorted.length - 1) / 2)] as EchoMetrics;
}
