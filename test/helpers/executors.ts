import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_PROBE_ARGS } from '../../src/sandbox/sandbox-check.js';
import {
  createExecutor,
  STRATEGIES,
  type ExecutorOptions,
  type PythonExecutor,
  type StrategyName,
} from '../../src/index.js';

/** The interpreter tests run with: PYEXEC_PYTHON if set, else python3 on PATH. */
export const testPython = process.env.PYEXEC_PYTHON || 'python3';

/** Strategies the contract suite runs against. */
export const contractStrategies: StrategyName[] = [...STRATEGIES];

/**
 * Whether bubblewrap runs here and may make namespaces (the sandbox's suites need it). .ci/run installs it, so under CI
 * its absence fails instead of skipping them; elsewhere `apt-get install bubblewrap` adds them.
 */
export const sandboxAvailable = spawnSync('bwrap', SANDBOX_PROBE_ARGS).status === 0;
if (process.env.CI && !sandboxAvailable) {
  throw new Error(
    'CI needs a working bubblewrap for the sandbox tests: apt-get install bubblewrap, where namespaces may be made',
  );
}

/** Every strategy, without and with the sandbox (where it runs): what the hostile suite runs against. */
export const hostileVariants: [StrategyName, boolean][] = contractStrategies.flatMap((strategy) =>
  sandboxAvailable
    ? [
        [strategy, false],
        [strategy, true],
      ]
    : [[strategy, false]],
);

const open = new Set<PythonExecutor>();

// Tests build executors through this so that afterEach can close whatever a failing test left.
export function makeExecutor(strategy: StrategyName, options: ExecutorOptions = {}): PythonExecutor {
  const executor = createExecutor({ python: testPython, ...options, strategy });
  open.add(executor);
  return executor;
}

export async function closeAllExecutors(): Promise<void> {
  await Promise.all([...open].map((executor) => executor.close()));
  open.clear();
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A python "executable" that logs each start to a file, then runs the real interpreter. */
export function countingPythonShim(realPython = testPython): { path: string; starts: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'pyexec-shim-'));
  const log = join(dir, 'starts.log');
  const path = join(dir, 'python');
  writeFileSync(path, `#!/bin/sh\necho start >> '${log}'\nexec ${realPython} "$@"\n`);
  chmodSync(path, 0o755);
  writeFileSync(log, '');
  return { path, starts: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}

/**
 * Polls until `check` holds (processes die asynchronously), failing after `timeoutMs` with what
 * `explain` says of the state then.
 */
export async function eventually(check: () => boolean, timeoutMs = 5000, explain?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`condition still false after ${timeoutMs} ms${explain ? `: ${explain()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
