import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
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

/** A raw-pipe echo server, measured as often as wanted (slices interleaved with a strategy's). */
export class EchoServer {
  private waiting: (() => void) | undefined;
  private buffered = '';

  private constructor(private readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      const newline = this.buffered.indexOf('\n');
      if (newline !== -1 && this.waiting) {
        JSON.parse(this.buffered.slice(0, newline));
        this.buffered = this.buffered.slice(newline + 1);
        const resolve = this.waiting;
        this.waiting = undefined;
        resolve();
      }
    });
  }

  static async start(python: string): Promise<EchoServer> {
    const server = new EchoServer(spawn(python, ['-c', ECHO_SERVER], { stdio: ['pipe', 'pipe', 'inherit'] }));
    await server.roundTrip();
    return server;
  }

  /** Sequential echo round trips per second for about timeMs, measured with tinybench. */
  async measure(timeMs: number): Promise<EchoMetrics> {
    const bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs / 4), now: hrtimeNow });
    bench.add('echo', this.roundTrip);
    await bench.run();
    const latency = (bench.tasks[0]?.result as { latency: { mean: number; p50?: number; p99?: number } }).latency;
    return { callsPerSec: 1000 / latency.mean, p50Ms: latency.p50 ?? latency.mean, p99Ms: latency.p99 ?? latency.mean };
  }

  close(): void {
    this.child.kill();
  }

  /** One message to Python and back. */
  readonly roundTrip = () =>
    new Promise<void>((resolve) => {
      this.waiting = resolve;
      this.child.stdin.write(MESSAGE);
    });
}

/** One echo measurement on a server of its own. */
export async function measureEcho(python: string, timeMs: number): Promise<EchoMetrics> {
  const server = await EchoServer.start(python);
  try {
    return await server.measure(timeMs);
  } finally {
    server.close();
  }
}

/** The sample with the median calls/s (the lower middle one for an even count). */
export function medianEcho(samples: readonly EchoMetrics[]): EchoMetrics {
  if (samples.length === 0) throw new Error('medianEcho: no echo samples');
  const sorted = [...samples].sort((a, b) => a.callsPerSec - b.callsPerSec);
  return sorted[Math.floor((sorted.length - 1) / 2)] as EchoMetrics;
}
