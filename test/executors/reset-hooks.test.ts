import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type IsolatedExecutor, OptimizedExecutor, PyExecError } from '../../src/index.js';
import { closeAllExecutors, eventually, makeExecutor, testPython } from '../helpers/executors.js';
import { liveHarnessChildren } from '../helpers/harness-children.js';

afterEach(closeAllExecutors);

function hookLog(): { path: string; lines: () => string[] } {
  const path = join(mkdtempSync(join(tmpdir(), 'pyexec-hooks-')), 'runs.log');
  return { path, lines: () => readFileSync(path, 'utf8').split('\n').filter(Boolean) };
}

describe.each(['optimized', 'isolated'] as const)('reset hooks with the %s strategy', (strategy) => {
  it('runs Python code hooks after every call', async () => {
    const log = hookLog();
    const executor = makeExecutor(strategy, { resetHooks: [`open(${JSON.stringify(log.path)}, 'a').write('ran\\n')`] });
    for (let i = 0; i < 3; i++) await executor.run('1');
    await executor.run('2'); // the third hook has run by the time the fourth call is answered
    expect(log.lines().length).toBeGreaterThanOrEqual(3);
  });

  it('runs module:function hooks', async () => {
    const log = hookLog();
    // A module of the test's, found through PYTHONPATH, whose function leaves a trace.
    const modules = mkdtempSync(join(tmpdir(), 'pyexec-hook-module-'));
    writeFileSync(
      join(modules, 'pyexec_hook_probe.py'),
      `def record():\n    open(${JSON.stringify(log.path)}, 'a').write('ran\\n')\n`,
    );
    const executor = makeExecutor(strategy, { env: { PYTHONPATH: modules }, resetHooks: ['pyexec_hook_probe:record'] });
    const recycles: string[] = [];
    executor.on('worker:recycle', ({ reason }) => recycles.push(reason));
    const pid = (await executor.run('1')).workerPid;
    expect((await executor.run('2')).workerPid).toBe(pid);
    await executor.run('3'); // the second call's hook has run by the time the third is answered
    expect(log.lines().length).toBeGreaterThanOrEqual(2);
    expect(recycles).toEqual([]);
  });

  it('recycles a worker whose hook fails, without losing the call sent meanwhile', async () => {
    const executor = makeExecutor(strategy, { resetHooks: ["raise RuntimeError('cache would not clear')"] });
    const recycles: string[] = [];
    executor.on('worker:recycle', ({ reason }) => recycles.push(reason));
    const [first, second] = await Promise.all([executor.run('"first"'), executor.run('"second"')]);
    expect([first.status, first.value, second.status, second.value]).toEqual(['ok', "'first'", 'ok', "'second'"]);
    expect(second.workerPid).not.toBe(first.workerPid);
    expect(recycles[0]).toContain('cache would not clear');
  });

  it('accepts hooks added at run time through addResetHook', async () => {
    const log = hookLog();
    const executor = makeExecutor(strategy) as OptimizedExecutor | IsolatedExecutor;
    await executor.run('1');
    executor.addResetHook(`open(${JSON.stringify(log.path)}, 'a').write('added\\n')`);
    await executor.run('1');
    await executor.run('1');
    expect(log.lines()[0]).toBe('added');
    expect(() => executor.addResetHook('  ')).toThrow(PyExecError);
  });

  it('runs hooks added at run time in workers started before they were added', async () => {
    const log = hookLog();
    // maxExecutions 2: the isolated strategy forks a new generation, and both keep a spare.
    const executor = makeExecutor(strategy, { maxExecutions: 2 }) as OptimizedExecutor | IsolatedExecutor;
    await executor.run('1');
    await eventually(() => liveHarnessChildren().length >= 2, 20_000); // the worker and its spare
    executor.addResetHook(`import os\nopen(${JSON.stringify(log.path)}, 'a').write(f'{os.getpid()}\\n')`);
    const pids: (number | undefined)[] = [];
    for (let i = 0; i < 6; i++) pids.push((await executor.run('1')).workerPid);
    // A worker runs its hook after a result and before it reads the next call: every call that
    // its worker served again next had its hook run. (The last call of a worker retired after
    // maxExecutions may not: that worker is killed right away, and its state with it.)
    const hooked = new Set(log.lines().map(Number));
    expect(new Set(pids).size).toBeGreaterThan(1);
    const servedAgain = pids.slice(0, 5).filter((pid, index) => pids[index + 1] === pid);
    expect(servedAgain.length).toBeGreaterThan(0);
    for (const pid of servedAgain) expect(hooked).toContain(pid);
  });

  it('fails worker start clearly for a hook that cannot be resolved', async () => {
    const executor = makeExecutor(strategy, { resetHooks: ['no_such_module_here:clear'] });
    await expect(executor.run('1')).rejects.toMatchObject({
      code: 'WORKER_START_FAILED',
      message: expect.stringContaining("No module named 'no_such_module_here'"),
    });
  });
});

describe('preload', () => {
  it.each(['baseline', 'optimized', 'isolated'] as const)('imports modules at worker start (%s)', async (strategy) => {
    const executor = makeExecutor(strategy, { preload: ['json', 'decimal'] });
    expect((await executor.run('import sys\n"decimal" in sys.modules')).value).toBe('True');
  });

  it('fails worker start with the import error of a missing module', async () => {
    const executor = makeExecutor('optimized', { preload: ['no_such_module_here'] });
    await expect(executor.run('1')).rejects.toMatchObject({
      code: 'WORKER_START_FAILED',
      message: expect.stringContaining("could not start: ModuleNotFoundError: No module named 'no_such_module_here'"),
    });
  });

  it('refuses a preload entry that is not a module name', () => {
    expect(() => new OptimizedExecutor({ python: testPython, preload: ['os; import evil'] })).toThrow(
      'Expected the `preload` option to be module names such as `numpy` or `os.path`, got `"os; import evil"` (string)',
    );
  });
});
