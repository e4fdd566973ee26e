import { afterEach, describe, expect, it } from 'vitest';
import { baselineSpares } from '../../src/strategies/baseline/strategy.js';
import { closeAllExecutors, eventually, makeExecutor } from '../helpers/executors.js';
import { liveHarnessChildren } from '../helpers/harness-children.js';

afterEach(closeAllExecutors);

describe('the baseline strategy', () => {
  it('runs every call in a new process', async () => {
    const executor = makeExecutor('baseline');
    const pids = new Set<number | undefined>();
    for (let i = 0; i < 3; i++) pids.add((await executor.run('import os\nos.getpid()')).workerPid);
    expect(pids.size).toBe(3);
  });

  it("starts the next calls' processes ahead of them, side by side, and kills them on close", async () => {
    const executor = makeExecutor('baseline');
    const first = await executor.run('print(1)');
    // The first call's process is gone; fresh ones wait for the next calls.
    await eventually(() => liveHarnessChildren().length === baselineSpares(1), 20_000);
    const waiting = liveHarnessChildren();
    expect(waiting).not.toContain(first.workerPid);
    const second = await executor.run('import os\nos.getpid()');
    expect(waiting).toContain(second.workerPid);
    expect(second.value).toBe(String(second.workerPid));
    await executor.close();
    expect(liveHarnessChildren()).toEqual([]);
  });

  it('starts processes only when calls need them with spareWorkers 0, and keeps as many as asked otherwise', async () => {
    const onDemand = makeExecutor('baseline', { spareWorkers: 0 });
    await onDemand.run('print(1)');
    await eventually(() => liveHarnessChildren().length === 0, 20_000); // the call's own process goes
    expect((await onDemand.run('print(2)')).stdout).toBe('2\n');
    await onDemand.close();
    const three = makeExecutor('baseline', { spareWorkers: 3 });
    await three.run('print(1)');
    await eventually(() => liveHarnessChildren().length === 3, 20_000);
  });

  it('keeps one more process started than the pool runs at once, never more than the cores', () => {
    expect(baselineSpares(1, 2)).toBe(2);
    expect(baselineSpares(1, 1)).toBe(1);
    expect(baselineSpares(4, 2)).toBe(2);
    expect(baselineSpares(3, 8)).toBe(4);
  });

  it('runs up to poolSize calls at once', async () => {
    const executor = makeExecutor('baseline', { poolSize: 2 });
    const calls = [0, 1, 2].map(() => executor.run('import time\nprint("up", flush=True)\ntime.sleep(0.5)'));
    await new Promise<void>((resolve) => {
      const check = () =>
        executor.status().running.filter((r) => r.workerPid !== undefined).length === 2
          ? resolve()
          : setTimeout(check, 10);
      check();
    });
    expect(executor.status()).toMatchObject({ queued: 1 });
    expect(executor.status().running).toHaveLength(2);
    await Promise.all(calls);
  });
});
