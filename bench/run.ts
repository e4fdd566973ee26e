// `npm run bench [-- --quick]`: every strategy beside a raw pipe echo and the reference figures,
// plus the isolation matrix. Writes bench/results/latest.{json,md} and calls-per-second.svg.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ExecutorOptions, StrategyName } from '../src/index.js';
import { renderChart } from './chart.js';
import {
  BENCH_STRATEGIES,
  MEASUREMENT_ORDER,
  NUMPY_CALL,
  OPEN_LOOP_LOAD,
  PAIRED_WITH_ECHO,
  planFor,
  TRIVIAL_CALL,
} from './config.js';
import { type EchoMetrics, EchoServer, measureEcho, medianEcho } from './echo.js';
import { measureIsolation } from './isolation-matrix.js';
import { measureOpenLoop, type OpenLoopRow } from './open-loop.js';
import { measurePeers, PEER_ROWS } from './peers.js';
import { measurePollingRegimes } from './polling-regimes.js';
import { measureSessions } from './sessions.js';
import { measureRichIo } from './rich-io.js';
import { printSummary, renderMarkdown } from './report.js';
import type { BenchResults } from './results-shape.js';
import { checkSandbox } from '../src/sandbox/sandbox-check.js';
import { measureColdStart, measureConcurrent, measureSequential, type StrategyMetrics } from './strategy-metrics.js';

const log = (line: string) => process.stdout.write(`${line}\n`);
const progress = (line: string) => log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

// Every row runs the same interpreter: the real one behind PYEXEC_PYTHON/python3, not a shim.
function resolvePython(): { executable: string; version: string } {
  const python = process.env.PYEXEC_PYTHON || 'python3';
  const [executable, version] = execFileSync(
    python,
    ['-c', 'import sys, platform; print(sys.executable); print(platform.python_version())'],
    {
      encoding: 'utf8',
    },
  )
    .trim()
    .split('\n');
  return { executable: executable as string, version: version as string };
}

// Rows are measured in MEASUREMENT_ORDER and shown in BENCH_STRATEGIES order.
function inTableOrder(a: { strategy: string }, b: { strategy: string }): number {
  return BENCH_STRATEGIES.indexOf(a.strategy as StrategyName) - BENCH_STRATEGIES.indexOf(b.strategy as StrategyName);
}

async function main(): Promise<void> {
  const plan = planFor(process.argv.includes('--quick'));
  const python = resolvePython();
  const options: ExecutorOptions = { python: python.executable };
  progress(
    `${plan.quick ? 'quick run' : 'full run'}: Python ${python.version} (${python.executable}), ${availableParallelism()} CPUs`,
  );

  // A shared machine's speed drifts during a run. Echo is sampled before every strategy and once
  // more at the end, and the echo row is the median sample. The strategies with echo targets
  // (PAIRED_WITH_ECHO) are measured in slices interleaved with echo slices, and their "% of
  // echo" is the median of those paired ratios (see EchoPairing).
  const echoSamples: EchoMetrics[] = [];
  const recordEcho = (sample: EchoMetrics) => {
    echoSamples.push(sample);
    progress(`echo: ${Math.round(sample.callsPerSec)} calls/s`);
  };
  const sampleEcho = async () => recordEcho(await measureEcho(python.executable, plan.sequentialMs));
  const sequentialRun = async (strategy: StrategyName, time: number) => {
    if (!PAIRED_WITH_ECHO.includes(strategy)) {
      await sampleEcho();
      return measureSequential(strategy, options, TRIVIAL_CALL, time);
    }
    const server = await EchoServer.start(python.executable);
    try {
      return await measureSequential(strategy, options, TRIVIAL_CALL, time, {
        server,
        rounds: plan.echoRounds,
        onEcho: recordEcho,
      });
    } finally {
      server.close();
    }
  };

  const strategies: StrategyMetrics[] = [];
  for (const strategy of MEASUREMENT_ORDER) {
    const time = strategy === 'baseline' ? plan.baselineSequentialMs : plan.sequentialMs;
    const sequential = await sequentialRun(strategy, time);
    const share = sequential.echoShare === null ? '' : `, ${(100 * sequential.echoShare).toFixed(1)}% of echo`;
    progress(
      `${strategy}: sequential ${sequential.callsPerSec.toFixed(1)} calls/s (p50 ${sequential.p50Ms.toFixed(3)} ms${share})`,
    );
    const concurrentCallsPerSec = await measureConcurrent(strategy, options, TRIVIAL_CALL, plan.concurrentMs);
    progress(`${strategy}: concurrent ${concurrentCallsPerSec.toFixed(1)} calls/s`);
    const coldStartMs = await measureColdStart(strategy, options, TRIVIAL_CALL, plan.coldStarts);
    progress(`${strategy}: cold start ${coldStartMs.toFixed(0)} ms`);
    const { rssMb, ...timing } = sequential;
    strategies.push({ strategy, ...timing, concurrentCallsPerSec, coldStartMs, rssMb });
  }
  await sampleEcho();
  const echo = medianEcho(echoSamples);
  strategies.sort(inTableOrder);

  const numpy = [];
  for (const strategy of MEASUREMENT_ORDER) {
    const time = strategy === 'baseline' ? plan.baselineSequentialMs : plan.numpyMs;
    const result = await measureSequential(strategy, { ...options, preload: ['numpy'] }, NUMPY_CALL, time);
    numpy.push({ strategy, callsPerSec: result.callsPerSec, msPerCall: result.msPerCall });
    progress(`numpy ${strategy}: ${result.callsPerSec.toFixed(1)} calls/s`);
  }
  numpy.sort(inTableOrder);

  const peers = await measurePeers(
    python.executable,
    PEER_ROWS,
    plan.peerRounds,
    plan.peerSliceMs,
    plan.coldStarts,
    progress,
  );
  const pollingRegimes = await measurePollingRegimes(
    ['optimized', 'isolated'],
    options,
    plan.regimeRounds,
    plan.regimeSliceMs,
    progress,
  );
  // Each strategy at half its own capacity; then the polled ones with and without polling, both
  // at half the capacity without it, so that both keep up and their latencies compare.
  const capacity = (name: string) => peers.find((row) => row.name === name)?.callsPerSec as number;
  const openLoopRows: OpenLoopRow[] = [
    ...BENCH_STRATEGIES.map((strategy) => ({
      label: `${strategy} (default)`,
      strategy,
      options,
      ratePerSec: OPEN_LOOP_LOAD * capacity(`pyexec ${strategy}`),
    })),
    ...(['optimized', 'isolated'] as const).flatMap((strategy) => {
      const ratePerSec = OPEN_LOOP_LOAD * capacity(`pyexec ${strategy}, busyPollUs 0`);
      return [
        { label: `${strategy} (default), at the no-polling rate`, strategy, options, ratePerSec },
        { label: `${strategy}, busyPollUs 0`, strategy, options: { ...options, busyPollUs: 0 }, ratePerSec },
      ];
    }),
  ];
  const openLoop = await measureOpenLoop(
    python.executable,
    openLoopRows,
    plan.openLoopRounds,
    plan.openLoopMs / plan.openLoopRounds,
  );
  for (const row of openLoop) {
    progress(
      `open loop ${row.label}: ${Math.round(row.offeredPerSec)}/s offered, p50 ${row.p50Ms.toFixed(3)} ms, p99 ${row.p99Ms.toFixed(2)} ms, p99.9 ${row.p999Ms.toFixed(2)} ms`,
    );
  }

  const sandbox = await measureSandbox(options, plan, progress);

  const sessions = await measureSessions(options, plan.sessions, progress);

  const richIo = await measureRichIo(options, plan.richIo, progress);

  const isolation = await measureIsolation(BENCH_STRATEGIES, options, progress);

  const results: BenchResults = {
    date: new Date().toISOString(),
    node: process.versions.node,
    python: python.version,
    cpus: availableParallelism(),
    quick: plan.quick,
    echoCallsPerSec: echo.callsPerSec,
    echoP50Ms: echo.p50Ms,
    echoP99Ms: echo.p99Ms,
    echoSamplesCallsPerSec: echoSamples.map((sample) => sample.callsPerSec),
    strategies,
    numpy,
    sandbox,
    isolation,
    peers,
    pollingRegimes,
    openLoop,
    sessions,
    richIo,
  };
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const name = plan.quick ? 'quick' : 'latest';
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, `${name}.md`), renderMarkdown(results));
  writeFileSync(join(dir, plan.quick ? 'quick-calls-per-second.svg' : 'calls-per-second.svg'), renderChart(results));
  log('');
  printSummary(results, log);
  log(`\nSaved bench/results/${name}.json, ${name}.md and the chart.`);
}

// The sandbox's cost: paid once per worker at start (bubblewrap), and what it leaves per call.
async function measureSandbox(
  options: ExecutorOptions,
  plan: ReturnType<typeof planFor>,
  report: (line: string) => void,
): Promise<BenchResults['sandbox']> {
  try {
    await checkSandbox();
  } catch (error) {
    report(`sandbox: not measured (${(error as Error).message})`);
    return { unavailable: (error as Error).message };
  }
  const rows = [];
  for (const strategy of MEASUREMENT_ORDER) {
    const sandboxed = { ...options, sandbox: true };
    const time = strategy === 'baseline' ? plan.baselineSequentialMs : plan.numpyMs;
    const sequential = await measureSequential(strategy, sandboxed, TRIVIAL_CALL, time);
    const coldStartMs = await measureColdStart(strategy, sandboxed, TRIVIAL_CALL, plan.coldStarts);
    rows.push({ strategy, callsPerSec: sequential.callsPerSec, msPerCall: sequential.msPerCall, coldStartMs });
    report(
      `sandbox ${strategy}: ${sequential.callsPerSec.toFixed(1)} calls/s, cold start ${coldStartMs.toFixed(0)} ms`,
    );
  }
  return rows.sort(inTableOrder);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
