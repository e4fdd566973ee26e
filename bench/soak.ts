// `npm run soak [-- --calls N] [-- --sandbox]`: N calls across every strategy, a fault about every
// 100th (timeout, crash (a segfault), exception, memory blow-up, a killed worker, a stop), then
// sessions of every strategy with faults (see soak-sessions.ts). Checks that every
// call settles exactly once with the right outcome, and reports drift of the host (Node heap,
// RSS, descriptors, child processes), of the workers' RSS and of scratch entries in /tmp and
// /dev/shm. Exits 1 on a wrong or missing settlement, or on anything left after close().
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createExecutor, STRATEGIES, type ExecutionResult, type PythonExecutor } from '../src/index.js';
import { descendantsOf } from '../src/worker/process-tree.js';
import { readRssMb } from '../src/worker/rss.js';
import { isRunning } from '../test/helpers/proc.js';
import { soakSessions } from './soak-sessions.js';

// Enough calls per session for every session fault (every 25th call, three kinds) to come twice.
const FAULT_CYCLE = 150;

const log = (line: string) => process.stdout.write(`${line}\n`);

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`Expected \`${name}\` to be a positive integer, got \`${process.argv[at + 1]}\``);
  return value;
}

type Kind = 'value' | 'timeout' | 'crash' | 'exception' | 'memory' | 'killed' | 'stop';
const FAULTS: Kind[] = ['timeout', 'crash', 'exception', 'memory', 'killed', 'stop'];
const EXPECTED: Record<Kind, string> = {
  value: 'ok',
  timeout: 'timeout',
  crash: 'crashed',
  exception: 'error',
  memory: 'error',
  killed: 'crashed',
  stop: 'stopped',
};

// Deterministic: the same N gives the same sequence of calls.
function kindOf(call: number): Kind {
  return call % 100 === 99 ? (FAULTS[Math.floor(call / 100) % FAULTS.length] as Kind) : 'value';
}

// Faults rotate so that every strategy takes every kind of fault in turn (24 faults cover all).
function executorIndex(call: number, kind: Kind, executors: number): number {
  if (kind === 'value') return call % executors;
  const fault = Math.floor(call / 100);
  return (fault + Math.floor(fault / FAULTS.length)) % executors;
}

function codeOf(kind: Kind, call: number): string {
  switch (kind) {
    case 'value':
      return `${call} * 2`;
    case 'timeout':
    case 'stop':
      return 'import time\nwhile True:\n    time.sleep(0.01)';
    case 'crash':
      return 'import ctypes\nctypes.string_at(0)'; // a segfault (os._exit(n) is a clean exit, as sys.exit(n))
    case 'exception':
      return `raise ValueError(${call})`;
    case 'memory':
      return 'blob = bytearray(8 * 1024 ** 3)';
    case 'killed':
      return 'import os, signal\nos.kill(os.getpid(), signal.SIGKILL)';
  }
}

interface Snapshot {
  heapMb: number;
  rssMb: number;
  fds: number;
  children: number;
  workerRssMb: number;
  scratch: number;
}

function scratchEntries(): number {
  const count = (dir: string) => {
    try {
      return readdirSync(dir).filter((entry) => entry.startsWith('pyexec-')).length;
    } catch {
      return 0;
    }
  };
  return count(tmpdir()) + count('/dev/shm');
}

function snapshot(): Snapshot {
  const children = descendantsOf(process.pid);
  return {
    heapMb: process.memoryUsage().heapUsed / 1024 / 1024,
    rssMb: process.memoryUsage().rss / 1024 / 1024,
    fds: readdirSync('/proc/self/fd').length,
    children: children.length,
    workerRssMb: children.reduce((sum, pid) => sum + (readRssMb(pid) ?? 0), 0),
    scratch: scratchEntries(),
  };
}

async function main(): Promise<void> {
  const calls = option('--calls', 3000);
  const sandbox = process.argv.includes('--sandbox');
  const inFlight = 8;
  const unrelated = new Set(descendantsOf(process.pid)); // tsx's esbuild service, not ours
  const python = process.env.PYEXEC_PYTHON || 'python3';
  const executors: PythonExecutor[] = STRATEGIES.map((strategy) =>
    createExecutor({
      strategy,
      python,
      poolSize: 2,
      sandbox,
      timeoutMs: 400,
      interruptGraceMs: 200,
      limits: { memoryMb: 512 },
    }),
  );
  const settledCount = new Map<string, number>();
  for (const executor of executors) {
    executor.on('end', ({ executionId }) => settledCount.set(executionId, (settledCount.get(executionId) ?? 0) + 1));
    executor.on('error', (error) =>
      log(`  error event (${executor.strategy}): ${error.code}: ${error.message.split('\n')[0]}`),
    );
  }
  for (const executor of executors) for (let call = 0; call < 20; call++) await executor.run('1');
  const before = snapshot();
  const started = performance.now();
  const wrong: string[] = [];
  const tally = new Map<string, number>();

  // Drift is sampled at every fifth of the run: growth that keeps on is told from a plateau
  // (spares started, caches filled) reached early.
  const checkpoints: { calls: number; at: Snapshot }[] = [];
  const checkpointEvery = Math.max(1, Math.floor(calls / 5));
  let next = 0;
  const worker = async () => {
    while (next < calls) {
      const call = next++;
      if (call > 0 && call % checkpointEvery === 0) checkpoints.push({ calls: call, at: snapshot() });
      const kind = kindOf(call);
      const executor = executors[executorIndex(call, kind, executors.length)] as PythonExecutor;
      const executionId = `soak-${call}`;
      const running = executor.run(codeOf(kind, call), { executionId });
      if (kind === 'stop') setTimeout(() => void executor.stop(executionId), 50);
      let result: ExecutionResult;
      try {
        result = await running;
      } catch (error) {
        wrong.push(`${executionId} (${executor.strategy}, ${kind}) rejected: ${(error as Error).message}`);
        continue;
      }
      const key = `${executor.strategy} ${kind} → ${result.status}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
      const right =
        result.status === EXPECTED[kind] &&
        (kind !== 'value' || result.value === String(call * 2)) &&
        result.executionId === executionId;
      if (!right)
        wrong.push(
          `${executionId} (${executor.strategy}, ${kind}): ${result.status} ${result.value ?? result.error?.type ?? ''}`,
        );
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  const sessions = await soakSessions(executors, 2, Math.max(FAULT_CYCLE, Math.floor(calls / 40)));
  const after = snapshot();
  await Promise.all(executors.map((executor) => executor.close()));
  const settledTwice = [...settledCount].filter(([, count]) => count > 1).map(([id]) => id);
  const missing = Array.from({ length: calls }, (_, call) => `soak-${call}`).filter((id) => !settledCount.has(id));
  const left = await processesLeft(unrelated);

  log(
    `soak: ${calls} calls in ${seconds.toFixed(1)} s (${(calls / seconds).toFixed(0)} calls/s), ${sandbox ? 'with' : 'without'} the sandbox`,
  );
  for (const [key, count] of [...tally].sort()) if (!key.includes('value → ok')) log(`  ${key}: ${count}`);
  log(
    `sessions: ${sessions.calls} calls in ${executors.length * 2} sessions, ${sessions.losses} losses reported (SESSION_LOST)`,
  );
  for (const [key, count] of [...sessions.tally].sort()) log(`  ${key}: ${count}`);
  log('drift from after warm-up to the last call:');
  for (const key of Object.keys(before) as (keyof Snapshot)[]) {
    log(
      `  ${key}: ${before[key].toFixed(1)} → ${after[key].toFixed(1)} (${after[key] - before[key] >= 0 ? '+' : ''}${(after[key] - before[key]).toFixed(1)})`,
    );
  }
  log(`at each fifth of the run (${['calls', ...Object.keys(before)].join(', ')}):`);
  for (const { calls: done, at } of [...checkpoints, { calls, at: after }]) {
    log(`  ${[done, ...Object.values(at).map((value) => value.toFixed(1))].join(', ')}`);
  }
  log(
    `after close(): ${left.length} live child processes, ${Math.max(0, scratchEntries() - before.scratch)} new scratch entries`,
  );
  const problems = [
    ...wrong,
    ...sessions.problems,
    ...settledTwice.map((id) => `${id} settled twice`),
    ...missing.map((id) => `${id} never settled`),
  ];
  if (left.length > 0) problems.push(`processes left after close(): ${left.map(describeProcess).join(', ')}`);
  for (const problem of problems.slice(0, 20)) log(`PROBLEM: ${problem}`);
  if (problems.length > 0) {
    log(`${problems.length} problems`);
    process.exit(1);
  }
  log('every call settled exactly once with the expected outcome');
}

// Live descendants once close() has settled: killed workers may take a moment to be reaped.
async function processesLeft(unrelated: ReadonlySet<number>): Promise<number[]> {
  const deadline = performance.now() + 5000;
  for (;;) {
    const live = descendantsOf(process.pid).filter((pid) => !unrelated.has(pid) && isRunning(pid));
    if (live.length === 0 || performance.now() > deadline) return live;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function describeProcess(pid: number): string {
  try {
    return `${pid} (${readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').slice(0, 100)})`;
  } catch {
    return String(pid);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
