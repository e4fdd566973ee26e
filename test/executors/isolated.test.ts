import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerEvent } from '../../src/index.js';
import { closeAllExecutors, eventually, isProcessAlive, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

function recordRecycles(executor: ReturnType<typeof makeExecutor>): WorkerEvent[] {
  const recycles: WorkerEvent[] = [];
  executor.on('worker:recycle', (event) => recycles.push(event));
  return recycles;
}

describe('the isolated strategy', () => {
  it('recycles a worker whose call left a thread running, and says why', async () => {
    const executor = makeExecutor('isolated');
    const recycles = recordRecycles(executor);
    const first = await executor.run("import threading, time\nthreading.Thread(target=time.sleep, args=(30,), name='sleeper').start()");
    const second = await executor.run('1');
    expect(recycles).toEqual([{ pid: first.workerPid, reason: 'threads still running: sleeper' }]);
    expect(second.workerPid).not.toBe(first.workerPid);
    expect(executor.status().totals.recycles).toBe(1);
  });

  it('recycles a worker whose call left a child process running, and kills the child', async () => {
    const executor = makeExecutor('isolated');
    const recycles = recordRecycles(executor);
    const first = await executor.run("import subprocess\nsubprocess.Popen(['sleep', '300']).pid");
    await executor.run('1');
    expect(recycles[0]?.reason).toBe('child processes still running');
    await eventually(() => !isProcessAlive(Number(first.value)));
  });

  it('recycles once after a call loads a C extension, then preloads it into the replacement', async () => {
    const executor = makeExecutor('isolated');
    const recycles = recordRecycles(executor);
    await executor.run('import sys\nassert "_csv" not in sys.modules\nimport csv');
    const after = await executor.run('import sys\nloaded_at_start = "_csv" in sys.modules\nimport csv\nloaded_at_start');
    await executor.run('import csv');
    expect(recycles).toHaveLength(1);
    expect(recycles[0]?.reason).toContain('C extensions that cannot be unloaded: _csv');
    expect(after.value).toBe('True');
  });

  it('keeps preloaded modules loaded while undoing monkeypatches on them', async () => {
    const executor = makeExecutor('isolated', { preload: ['numpy'] });
    const recycles = recordRecycles(executor);
    const first = await executor.run('import sys\nwas_loaded = "numpy" in sys.modules\nimport numpy\nnumpy.leaked = 1\nwas_loaded');
    const second = await executor.run('import numpy\n(hasattr(numpy, "leaked"), int(numpy.arange(4).sum()))');
    expect(first.value).toBe('True');
    expect(second.value).toBe('(False, 6)');
    expect(recycles).toEqual([]);
  });

  it('recycles after maxExecutions calls', async () => {
    const executor = makeExecutor('isolated', { maxExecutions: 2 });
    const recycles = recordRecycles(executor);
    const pids = [];
    for (let i = 0; i < 3; i++) pids.push((await executor.run('1')).workerPid);
    expect(pids[0]).toBe(pids[1]);
    expect(pids[2]).not.toBe(pids[1]);
    expect(recycles[0]?.reason).toBe('served maxExecutions (2) calls');
  });

  it('recycles a worker whose memory grew past maxRssMb', async () => {
    const executor = makeExecutor('isolated', { maxRssMb: 100 });
    const recycles = recordRecycles(executor);
    await executor.run('block = bytearray(200 * 1024 * 1024)\nblock[::4096] = b"x" * len(block[::4096])');
    await executor.run('1'); // the recycle is announced right after the result, before the next call
    expect(recycles[0]?.reason).toMatch(/^RSS \d+ MiB exceeds maxRssMb 100$/);
  });

  it('gives every call an empty working directory of its own', async () => {
    const executor = makeExecutor('isolated');
    const first = await executor.run("import os\nopen('data.txt', 'w').write('x')\n(os.getcwd(), os.listdir('.'))");
    const second = await executor.run("import os\nos.listdir('.')");
    expect(first.value).toContain("['data.txt']");
    expect(second.value).toBe('[]');
  });
});
