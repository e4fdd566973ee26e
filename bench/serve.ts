// `npm run bench:serve [-- --quick]`: pyexec serve under load (autocannon, keep-alive), beside
// its own HTTP floor (GET /health) and the library's concurrent calls/s with the same options,
// all in one run; time to the first byte of a streamed call; and the server's RSS and open
// descriptors before and after a long run of requests. Writes bench/results/serve{,-quick}.{json,md}.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createExecutor } from '../src/index.js';
import { descendantsOf } from '../src/worker/process-tree.js';
import { callsPerSecond } from './call-slice.js';

const quick = process.argv.includes('--quick');
const CONNECTIONS = 16;
const SECONDS = quick ? 2 : 10;
const LONG_RUN = quick ? 5_000 : 100_000;
const CODE = 'print(1+1)';
const executorOptions = { strategy: 'optimized' as const, poolSize: Math.max(1, availableParallelism()) };
const log = (line: string) => process.stdout.write(`[bench:serve] ${line}\n`);

interface LoadRow {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /**
   * CPU time (user + system) per request of the server process, of its Python workers, and of
   * the load generator (this process): where the machine's cores went.
   */
  cpuUsPerRequest: { server: number; workers: number; load: number };
}

// CPU seconds a process has used (utime + stime of /proc/<pid>/stat, in clock ticks of 10 ms).
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0; // gone
  }
}

const workersCpuSeconds = (serverPid: number) =>
  descendantsOf(serverPid).reduce((sum, pid) => sum + cpuSeconds(pid), 0);

async function load(url: string, options: Partial<autocannon.Options>, serverPid: number): Promise<LoadRow> {
  const before = { server: cpuSeconds(serverPid), workers: workersCpuSeconds(serverPid), load: process.cpuUsage() };
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, ...options });
  const used = process.cpuUsage(before.load);
  const perRequest = (seconds: number) => (seconds * 1e6) / Math.max(1, result.requests.total);
  return {
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuUsPerRequest: {
      server: perRequest(cpuSeconds(serverPid) - before.server),
      workers: perRequest(workersCpuSeconds(serverPid) - before.workers),
      load: perRequest((used.user + used.system) / 1e6),
    },
  };
}

// The library's own calls/s with CONNECTIONS calls in flight at once (same options, same code),
// and the CPU time this process spent per call.
async function libraryConcurrent(): Promise<{ callsPerSec: number; cpuUsPerCall: number }> {
  const executor = createExecutor(executorOptions);
  try {
    await executor.warmUp();
    await callsPerSecond(() => executor.run(CODE), 500); // warm
    const started = performance.now();
    const cpu = process.cpuUsage();
    let calls = 0;
    const deadline = started + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < deadline) {
          await executor.run(CODE);
          calls++;
        }
      }),
    );
    const used = process.cpuUsage(cpu);
    return {
      callsPerSec: (calls * 1000) / (performance.now() - started),
      cpuUsPerCall: (used.user + used.system) / calls,
    };
  } finally {
    await executor.close();
  }
}

async function firstByteMs(base: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${base}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ code: 'import time\nprint(1, flush=True)\ntime.sleep(0.3)' }),
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  const elapsed = performance.now() - started;
  while (!(await reader.read()).done);
  return elapsed;
}

// The server's own process (not this one, which runs the load): its RSS and open descriptors.
const openDescriptors = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

// `pyexec serve` in a process of its own, as a user runs it: the load generator does not share
// its event loop.
async function startServer(): Promise<{ child: ChildProcess; base: string }> {
  const config = join(tmpdir(), `pyexec-bench-serve-${process.pid}.json`);
  writeFileSync(
    config,
    JSON.stringify({ port: 0, rateLimit: false, maxConcurrentPerToken: 1024, logLevel: 'warn', ...executorOptions }),
  );
  const child = spawn(process.execPath, [join(import.meta.dirname, '../dist/cli.js'), 'serve', '--config', config], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const match = /^pyexec serving on (http:\/\/\S+)$/.exec(line);
      if (match) resolve(match[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`pyexec serve exited with ${code}`)));
  });
  for (let tries = 0; (await fetch(`${base}/ready`)).status !== 200; tries++) {
    if (tries > 600) throw new Error('pyexec serve never became ready');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, base };
}

function serveMarkdown(r: {
  quick: boolean;
  connections: number;
  seconds: number;
  libraryCallsPerSec: number;
  libraryCpuUsPerCall: number;
  health: LoadRow;
  execute: LoadRow;
  ratioToBound: number;
  sseFirstByteMs: number;
  longRun: {
    requests: number;
    non2xx: number;
    before: { rssMb: number; descriptors: number };
    after: { rssMb: number; descriptors: number };
  };
}): string {
  const row = (label: string, x: LoadRow) =>
    `| ${label} | ${x.requestsPerSec.toFixed(0)} | ${x.p50Ms} | ${x.p99Ms} | ${x.non2xx} | ${x.cpuUsPerRequest.server.toFixed(0)} | ${x.cpuUsPerRequest.workers.toFixed(0)} | ${x.cpuUsPerRequest.load.toFixed(0)} |`;
  return [
    `# pyexec serve under load${r.quick ? ' (quick)' : ''}`,
    '',
    `${r.connections} keep-alive connections, ${r.seconds} s each, optimized with one worker per CPU, \`${CODE}\`.`,
    '',
    '| | req/s | p50 ms | p99 ms | non-2xx | CPU µs/request: server | its workers | load generator |',
    '|---|---|---|---|---|---|---|---|',
    row('GET /health (the HTTP floor)', r.health),
    row('POST /v1/execute', r.execute),
    '',
    `The library's own calls with ${r.connections} in flight: ${r.libraryCallsPerSec.toFixed(0)} calls/s, ${r.libraryCpuUsPerCall.toFixed(0)} µs of Node CPU per call. The service reaches ${r.ratioToBound.toFixed(2)}x the lesser of that and its HTTP floor (target: 0.5x).`,
    crowding(r),
    `A streamed call's first byte: ${r.sseFirstByteMs.toFixed(1)} ms.`,
    `${r.longRun.requests} requests (non-2xx: ${r.longRun.non2xx}): server RSS ${r.longRun.before.rssMb.toFixed(0)} → ${r.longRun.after.rssMb.toFixed(0)} MB, open descriptors ${r.longRun.before.descriptors} → ${r.longRun.after.descriptors}.`,
    '',
  ].join('\n');
}

// Where the cores went: the load generator does the same HTTP work per request for both routes,
// yet spends more CPU on each execute request; the server likewise against its parts measured
// apart (its /health cost plus the library's cost per call).
function crowding(r: { health: LoadRow; execute: LoadRow; libraryCpuUsPerCall: number }): string {
  const { health, execute } = r;
  const loadRatio = execute.cpuUsPerRequest.load / health.cpuUsPerRequest.load;
  const parts = health.cpuUsPerRequest.server + r.libraryCpuUsPerCall;
  const serverRatio = execute.cpuUsPerRequest.server / parts;
  return `CPU per execute request: server ${execute.cpuUsPerRequest.server.toFixed(0)} µs against ${parts.toFixed(0)} µs for its parts measured apart (/health + the library's per call): ${serverRatio.toFixed(1)}x; the load generator ${loadRatio.toFixed(1)}x its cost per /health request for the same HTTP work. With the server, its workers and the load generator on the same cores, every process spends more per request.`;
}

async function main(): Promise<void> {
  const { callsPerSec: library, cpuUsPerCall } = await libraryConcurrent();
  log(
    `library: ${library.toFixed(0)} calls/s with ${CONNECTIONS} in flight, ${cpuUsPerCall.toFixed(0)} µs CPU per call`,
  );
  const { child, base } = await startServer();
  const pid = child.pid as number;
  try {
    const execute = {
      method: 'POST' as const,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: CODE }),
    };
    await load(`${base}/v1/execute`, { ...execute, duration: 1 }, pid); // warm
    const health = await load(`${base}/health`, {}, pid);
    log(`GET /health: ${health.requestsPerSec.toFixed(0)} req/s, p50 ${health.p50Ms} ms, p99 ${health.p99Ms} ms`);
    const served = await load(`${base}/v1/execute`, execute, pid);
    log(
      `POST /v1/execute: ${served.requestsPerSec.toFixed(0)} req/s, p50 ${served.p50Ms} ms, p99 ${served.p99Ms} ms, non-2xx ${served.non2xx}`,
    );
    const bound = Math.min(library, health.requestsPerSec);
    log(`ratio to min(library, /health): ${(served.requestsPerSec / bound).toFixed(2)} (target >= 0.5)`);
    const ttfb = await firstByteMs(base);
    log(`SSE: first byte after ${ttfb.toFixed(1)} ms`);
    const before = { rssMb: rssMb(pid), descriptors: openDescriptors(pid) };
    const long = await autocannon({
      url: `${base}/v1/execute`,
      connections: CONNECTIONS,
      amount: LONG_RUN,
      ...execute,
    });
    const after = { rssMb: rssMb(pid), descriptors: openDescriptors(pid) };
    log(
      `${LONG_RUN} requests (non-2xx ${long.non2xx}): RSS ${before.rssMb.toFixed(0)} → ${after.rssMb.toFixed(0)} MB, descriptors ${before.descriptors} → ${after.descriptors}`,
    );
    const results = {
      date: new Date().toISOString(),
      quick,
      connections: CONNECTIONS,
      seconds: SECONDS,
      libraryCallsPerSec: library,
      libraryCpuUsPerCall: cpuUsPerCall,
      health,
      execute: served,
      ratioToBound: served.requestsPerSec / bound,
      sseFirstByteMs: ttfb,
      longRun: { requests: LONG_RUN, non2xx: long.non2xx, before, after },
    };
    const dir = join(import.meta.dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, quick ? 'serve-quick.json' : 'serve.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(dir, quick ? 'serve-quick.md' : 'serve.md'), serveMarkdown(results));
    if (served.non2xx > 0 || long.non2xx > 0) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

await main();
