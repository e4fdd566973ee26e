import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutorOptions, PythonExecutor } from '../../src/index.js';
import { closeAllExecutors, contractStrategies, eventually, makeExecutor, testPython } from '../helpers/executors.js';
import { liveHarnessChildren } from '../helpers/harness-children.js';

afterEach(closeAllExecutors);

// After close() resolves, nothing of the executor may stay alive: Node would never exit.
async function expectNoWorkerLeft(executor: PythonExecutor): Promise<void> {
  await executor.close();
  await eventually(() => liveHarnessChildren().length === 0, 10_000);
  // Anything a late start could still attach would show up only after close: look again.
  await new Promise((resolve) => setImmediate(resolve));
  expect(liveHarnessChildren()).toEqual([]);
}

// A python that takes `delayS` seconds to start, as a cold machine or a slow launcher does.
function slowStartingPython(delayS: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'pyexec-slow-'));
  const path = join(dir, 'python');
  writeFileSync(path, `#!/bin/sh\nsleep ${delayS}\nexec ${testPython} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

describe.each(contractStrategies)('closing the %s strategy', (strategy) => {
  const options: ExecutorOptions = { poolSize: 2 };

  it('leaves no worker alive when close() follows run() at once', async () => {
    const executor = makeExecutor(strategy, options);
    const pending = executor.run('1');
    const closing = expectNoWorkerLeft(executor);
    expect((await pending).status).toBe('stopped');
    await closing;
  });

  it('leaves no worker alive when close() follows warmUp() at once', async () => {
    const executor = makeExecutor(strategy, options) as PythonExecutor & { warmUp(): Promise<void> };
    const warming = executor.warmUp().catch(() => undefined);
    await expectNoWorkerLeft(executor);
    await warming;
  });

  it('leaves no worker alive when close() follows a call that crashed', async () => {
    const executor = makeExecutor(strategy, options);
    expect((await executor.run('import os, signal; os.kill(os.getpid(), signal.SIGKILL)')).status).toBe('crashed');
    await expectNoWorkerLeft(executor);
  });

  it('leaves no worker alive when close() follows a call killed on timeout', async () => {
    const executor = makeExecutor(strategy, { ...options, interruptGraceMs: 100 });
    const code = 'import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass';
    expect((await executor.run(code, { timeoutMs: 300 })).status).toBe('timeout');
    await expectNoWorkerLeft(executor);
  });
});

describe.each(contractStrategies)('the timeout clock of the %s strategy', (strategy) => {
  it('starts when the call reaches its worker, not while the worker starts', async () => {
    const executor = makeExecutor(strategy, { python: slowStartingPython(1.5), startTimeoutMs: 20_000 });
    const result = await executor.run('print("in time")', { timeoutMs: 1000 });
    expect(result).toMatchObject({ status: 'ok', stdout: 'in time\n' });
  });
});
