import { afterEach, describe, expect, it } from 'vitest';
import { BaselineExecutor } from '../../src/index.js';
import { closeAllExecutors, makeExecutor, testPython } from '../helpers/executors.js';

afterEach(closeAllExecutors);

describe('the baseline strategy', () => {
  it('runs every call in a new process', async () => {
    const executor = makeExecutor('baseline');
    const pids = new Set<number | undefined>();
    for (let i = 0; i < 3; i++) pids.add((await executor.run('import os\nos.getpid()')).workerPid);
    expect(pids.size).toBe(3);
  });

  it('runs up to poolSize calls at once', async () => {
    const executor = makeExecutor('baseline', { poolSize: 2 });
    const calls = [0, 1, 2].map(() => executor.run('import time\nprint("up", flush=True)\ntime.sleep(0.5)'));
    await new Promise<void>((resolve) => {
      const check = () => (executor.status().running.filter((r) => r.workerPid !== undefined).length === 2 ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(executor.status()).toMatchObject({ queued: 1 });
    expect(executor.status().running).toHaveLength(2);
    await Promise.all(calls);
  });
});
