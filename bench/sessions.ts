// Sessions in `npm run bench`: calls in one session beside optimized's calls (the same trivial
// call, in alternated slices of one run), createSession's latency per strategy, what idle
// sessions hold in memory, and fork's latency beside a bare os.fork().
import { callsPerSecond } from './call-slice.js';
import { readFileSync } from 'node:fs';
import { createExecutor, type ExecutorOptions, type PythonExecutor, type StrategyName } from '../src/index.js';
import { BENCH_STRATEGIES, TRIVIAL_CALL } from './config.js';
import { measureFork, type ForkMetrics } from './session-fork.js';

export interface SessionMetrics {
  /** Sequential calls in one session, and optimized's executor.run, in alternated slices. */
  sessionCallsPerSec: number;
  optimizedCallsPerSec: number;
  /** The median of the slices' session/optimized ratios. */
  ratioToOptimized: number;
  /** createSession until ready, per strategy: the median of `createSamples` starts. */
  createP50Ms: { strategy: string; p50Ms: number }[];
  createSamples: number;
  /** Resident memory of `idleSessions` idle sessions (optimized), summed. */
  idleSessions: number;
  idleRssMb: number;
  /**
   * What idle sessions hold per strategy: resident (RSS, pages shared with a template counted in
   * each) and proportional (PSS, shared pages split among their sharers; undefined where
   * /proc/<pid>/smaps_rollup cannot be read).
   */
  idleMemory: { strategy: string; rssMb: number; pssMb: number | undefined }[];
  /** session.fork() beside a bare Python's os.fork() (session-fork.ts). */
  fork: ForkMetrics;
}

export interface SessionPlan {
  rounds: number;
  sliceMs: number;
  createSamples: number;
  idleSessions: number;
  forkSamples: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

async function callsBeside(options: ExecutorOptions, plan: SessionPlan) {
  const optimized = createExecutor({ ...options, strategy: 'optimized' });
  const sessions = createExecutor({ ...options, strategy: 'optimized' });
  try {
    await optimized.warmUp();
    const session = await sessions.createSession();
    for (let i = 0; i < 200; i++) await Promise.all([session.run(TRIVIAL_CALL), optimized.run(TRIVIAL_CALL)]);
    const inSession: number[] = [];
    const onOptimized: number[] = [];
    for (let round = 0; round < plan.rounds; round++) {
      // Alternated, and which goes first rotates: a drift of the machine lands on both.
      const first = round % 2 === 0;
      if (first) inSession.push(await callsPerSecond(() => session.run(TRIVIAL_CALL), plan.sliceMs));
      onOptimized.push(await callsPerSecond(() => optimized.run(TRIVIAL_CALL), plan.sliceMs));
      if (!first) inSession.push(await callsPerSecond(() => session.run(TRIVIAL_CALL), plan.sliceMs));
    }
    return {
      sessionCallsPerSec: median(inSession),
      optimizedCallsPerSec: median(onOptimized),
      ratioToOptimized: median(inSession.map((rate, index) => rate / (onOptimized[index] as number))),
    };
  } finally {
    await Promise.all([optimized.close(), sessions.close()]);
  }
}

async function createLatency(strategy: StrategyName, options: ExecutorOptions, samples: number): Promise<number> {
  const executor: PythonExecutor = createExecutor({ ...options, strategy });
  try {
    await executor.warmUp();
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      const session = await executor.createSession();
      times.push(performance.now() - started);
      await session.close();
    }
    return median(times);
  } finally {
    await executor.close();
  }
}

async function idleMemory(
  options: ExecutorOptions,
  count: number,
  strategy: StrategyName,
): Promise<{ strategy: string; rssMb: number; pssMb: number | undefined }> {
  const executor = createExecutor({ ...options, strategy, maxSessions: count });
  try {
    await executor.warmUp();
    const sessions = await Promise.all(Array.from({ length: count }, () => executor.createSession()));
    await Promise.all(sessions.map((session) => session.run('x = 1')));
    const listed = executor.sessions();
    const rssMb = listed.reduce((sum, info) => sum + (info.rssMb ?? 0), 0);
    const pss = listed.map((info) => (info.pid === undefined ? undefined : proportionalMb(info.pid)));
    const pssMb = pss.includes(undefined) ? undefined : pss.reduce((sum = 0, mb = 0) => sum + mb, 0);
    return { strategy, rssMb, pssMb };
  } finally {
    await executor.close();
  }
}

// A process's proportional set size (shared pages split among the processes sharing them).
function proportionalMb(pid: number): number | undefined {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match === null ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}

export async function measureSessions(
  options: ExecutorOptions,
  plan: SessionPlan,
  report: (line: string) => void,
): Promise<SessionMetrics> {
  const calls = await callsBeside(options, plan);
  report(
    `sessions: ${calls.sessionCallsPerSec.toFixed(0)} calls/s in one session, optimized ${calls.optimizedCallsPerSec.toFixed(0)} (${calls.ratioToOptimized.toFixed(2)}x)`,
  );
  const createP50Ms = [];
  for (const strategy of BENCH_STRATEGIES) {
    const p50Ms = await createLatency(strategy, options, plan.createSamples);
    createP50Ms.push({ strategy, p50Ms });
    report(`sessions: createSession p50 ${p50Ms.toFixed(0)} ms (${strategy})`);
  }
  const idleMemoryRows = [];
  for (const strategy of ['optimized', 'forked'] as const) {
    const row = await idleMemory(options, plan.idleSessions, strategy);
    idleMemoryRows.push(row);
    const pss = row.pssMb === undefined ? '' : `, ${row.pssMb.toFixed(0)} MB proportional`;
    report(`sessions: ${plan.idleSessions} idle sessions (${strategy}) hold ${row.rssMb.toFixed(0)} MB resident${pss}`);
  }
  const fork = await measureFork(options, plan.forkSamples);
  report(
    `sessions: fork p50 ${fork.forkP50Ms.toFixed(2)} ms, a bare Python's os.fork() ${fork.bareForkP50Ms.toFixed(2)} ms (${(fork.forkP50Ms / fork.bareForkP50Ms).toFixed(2)}x)`,
  );
  return {
    ...calls,
    createP50Ms,
    createSamples: plan.createSamples,
    idleSessions: plan.idleSessions,
    idleRssMb: idleMemoryRows[0]?.rssMb ?? 0,
    idleMemory: idleMemoryRows,
    fork,
  };
}
