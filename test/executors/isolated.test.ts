import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerEvent } from '../../src/index.js';
import { closeAllExecutors, eventually, makeExecutor } from '../helpers/executors.js';
import { liveHarnessChildren } from '../helpers/harness-children.js';
import { isRunning } from '../helpers/proc.js';

afterEach(closeAllExecutors);

function recordRecycles(executor: ReturnType<typeof makeExecutor>): WorkerEvent[] {
  const recycles: WorkerEvent[] = [];
  executor.on('worker:recycle', (event) => recycles.push(event));
  return recycles;
}

describe('the isolated strategy', () => {
  it('keeps a spare worker started unless spareWorkers is 0', async () => {
    const alone = makeExecutor('isolated', { spareWorkers: 0 });
    await alone.run('1');
    await alone.run('2');
    // Made after alone's first call: once its spare runs, one of alone's (started well before)
    // would run too. The started processes are this process's children: one each, and one spare.
    const spared = makeExecutor('isolated');
    await spared.run('1');
    await eventually(() => liveHarnessChildren().length >= 3, 20_000);
    await spared.run('2');
    expect(liveHarnessChildren()).toHaveLength(3);
  });

  it('runs an innocent call on the replacement after generations crashed quickly in a row', async () => {
    // Five quick deaths make the worker give up forking (a crash loop guard); the call queued
    // behind the last crash never ran there and must go to the replacement, not be `crashed`.
    const executor = makeExecutor('isolated', { poolSize: 1 });
    for (let round = 0; round < 2; round++) {
      // Each next call is submitted the moment a crash settles: while the next generation forks.
      for (let crash = 0; crash < 5; crash++)
        expect((await executor.run('import os, signal; os.kill(os.getpid(), signal.SIGKILL)')).status).toBe('crashed');
      expect(await executor.run('"innocent"')).toMatchObject({ status: 'ok', value: "'innocent'" });
    }
  });

  it('removes the call directory of a worker killed mid-call before close()', async () => {
    const executor = makeExecutor('isolated', { interruptGraceMs: 100 });
    const code =
      'import os, signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nopen("left.txt", "w").write("x")\nprint(os.getcwd(), flush=True)\nwhile True: pass';
    const result = await executor.run(code, { timeoutMs: 1000 });
    expect(result.status).toBe('timeout');
    const callDirectory = result.stdout.trim();
    expect(callDirectory).toMatch(/call-\d+$/);
    await eventually(() => !existsSync(callDirectory));
  });

  it('recycles a worker whose call left a thread running, and says why', async () => {
    const executor = makeExecutor('isolated');
    const recycles = recordRecycles(executor);
    const first = await executor.run(
      "import threading, time\nthreading.Thread(target=time.sleep, args=(30,), name='sleeper', daemon=True).start()",
    );
    const second = await executor.run('1');
    expect(recycles).toEqual([{ pid: first.workerPid, reason: 'threads still running: sleeper' }]);
    expect(second.workerPid).not.toBe(first.workerPid);
    expect(executor.status().totals.recycles).toBe(1);
  });

  it('kills a child process the call left running before its result, and keeps the worker', async () => {
    const executor = makeExecutor('isolated', { preload: ['subprocess'] });
    const recycles = recordRecycles(executor);
    const first = await executor.run("import subprocess\nsubprocess.Popen(['sleep', '300']).pid");
    expect(isRunning(Number(first.value))).toBe(false);
    expect((await executor.run('1')).value).toBe('1');
    expect(recycles).toEqual([]);
  });

  it('recycles once after a call loads a C extension, then preloads it into the replacement', async () => {
    const executor = makeExecutor('isolated');
    const recycles = recordRecycles(executor);
    await executor.run('import sys\nassert "_csv" not in sys.modules\nimport csv');
    const after = await executor.run(
      'import sys\nloaded_at_start = "_csv" in sys.modules\nimport csv\nloaded_at_start',
    );
    await executor.run('import csv');
    expect(recycles).toHaveLength(1);
    expect(recycles[0]?.reason).toContain('C extensions that cannot be unloaded: _csv');
    expect(after.value).toBe('True');
  });

  it('keeps preloaded modules loaded while undoing monkeypatches on them', async () => {
    // decimal loads a C extension (_decimal) on every supported interpreter, as numpy would.
    const executor = makeExecutor('isolated', { preload: ['decimal'] });
    const recycles = recordRecycles(executor);
    const first = await executor.run(
      'import sys\nwas_loaded = "decimal" in sys.modules\nimport decimal\ndecimal.leaked = 1\nwas_loaded',
    );
    const second = await executor.run('import decimal\n(hasattr(decimal, "leaked"), str(decimal.Decimal("1.5") * 4))');
    expect(first.value).toBe('True');
    expect(second.value).toBe("(False, '6.0')");
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

  it('recycles by forking a fresh generation of the same started process, which never runs calls', async () => {
    const executor = makeExecutor('isolated', { maxExecutions: 2 });
    const events: string[] = [];
    executor.on('worker:spawn', ({ reason }) => events.push(`spawn:${reason}`));
    executor.on('worker:exit', ({ reason, exitCode }) => events.push(`exit:${reason}:${exitCode}`));
    const parents = [];
    const pids = [];
    for (let i = 0; i < 3; i++) {
      const result = await executor.run('import os\nos.leaked = 1\nos.getppid()');
      parents.push(result.value);
      pids.push(result.workerPid);
    }
    expect(new Set(parents).size).toBe(1);
    expect(parents[0]).not.toBe(String(process.pid)); // its parent is the started process, not Node
    expect(pids[2]).not.toBe(pids[1]);
    expect(executor.status().workers[0]?.pid).toBe(pids[2]);
    expect(events).toEqual(['spawn:start', 'exit:recycled:75', 'spawn:replace']);
    expect((await executor.run("import os\nhasattr(os, 'leaked')")).value).toBe('False');
  });

  it('reports a call that killed its generation as crashed, and serves on from a fresh one', async () => {
    const executor = makeExecutor('isolated');
    const before = await executor.run('import os\nos.getppid()');
    const crashed = await executor.run(
      "print('last words', flush=True)\nimport os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
    );
    const after = await executor.run('import os\nos.getppid()');
    expect(crashed.status).toBe('crashed');
    expect(crashed.error?.message).toContain('SIGKILL');
    expect(after.value).toBe(before.value);
    expect(after.workerPid).not.toBe(crashed.workerPid);
    expect(executor.status().totals.crashes).toBe(1);
  });

  it('interrupts a timed-out call in its generation without killing the worker', async () => {
    const executor = makeExecutor('isolated', { timeoutMs: 300 });
    // A call's clock includes waiting for its worker to start, which can take 300 ms on a busy machine.
    await executor.run('1', { timeoutMs: 60_000 });
    const spawns: number[] = [];
    executor.on('worker:spawn', ({ pid }) => spawns.push(pid));
    const timedOut = await executor.run('import time\nwhile True: time.sleep(0.01)');
    const next = await executor.run('1');
    expect(timedOut.status).toBe('timeout');
    expect(next.workerPid).toBe(timedOut.workerPid);
    expect(spawns).toEqual([]);
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
