import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, eventually, isProcessAlive, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

const templatePid = (executor: ReturnType<typeof makeExecutor>) => executor.status().workers[0]?.pid;

describe('the forked strategy', () => {
  it('runs every call in a new child of one long-lived template', async () => {
    const executor = makeExecutor('forked');
    const calls = [];
    for (let i = 0; i < 3; i++) calls.push(await executor.run('import os\n(os.getpid(), os.getppid())'));
    const [pids, parents] = [
      new Set(calls.map((c) => c.value?.split(',')[0])),
      new Set(calls.map((c) => c.value?.split(',')[1])),
    ];
    expect(pids.size).toBe(3);
    expect(parents.size).toBe(1);
    expect(calls.every((c) => c.workerPid !== templatePid(executor))).toBe(true);
  });

  it('kills the child and every process it started on timeout, while the template serves on', async () => {
    const executor = makeExecutor('forked', { interruptGraceMs: 200 });
    await executor.run('1');
    const template = templatePid(executor);
    const code =
      'import subprocess, signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n' +
      'child = subprocess.Popen(["sleep", "300"], start_new_session=True)\nprint(child.pid, flush=True)\nwhile True: pass';
    const result = await executor.run(code, { timeoutMs: 400 });
    expect(result).toMatchObject({ status: 'timeout' });
    await eventually(() => !isProcessAlive(Number(result.stdout)) && !isProcessAlive(result.workerPid as number));
    expect((await executor.run('"still here"')).value).toBe("'still here'");
    expect(templatePid(executor)).toBe(template);
  });

  it('reports a child that dies as crashed, keeping the template', async () => {
    const executor = makeExecutor('forked');
    await executor.run('1');
    const template = templatePid(executor);
    const crashed = await executor.run('import ctypes\nctypes.string_at(0)');
    expect(crashed.status).toBe('crashed');
    expect(crashed.error?.message).toContain('SIGSEGV');
    expect((await executor.run('2')).value).toBe('2');
    expect(templatePid(executor)).toBe(template);
  });

  it('replaces a template that dies', async () => {
    const executor = makeExecutor('forked');
    await executor.run('1');
    const template = templatePid(executor) as number;
    process.kill(template, 'SIGKILL');
    await eventually(() => templatePid(executor) !== template);
    expect((await executor.run('3')).value).toBe('3');
    expect(templatePid(executor)).not.toBe(template);
  });

  it('applies limits to each child and imports preloads once in the template', async () => {
    // decimal loads a C extension (_decimal) on every supported interpreter, as numpy would.
    const executor = makeExecutor('forked', { limits: { memoryMb: 400 }, preload: ['decimal'] });
    const big = await executor.run('b = bytearray(800 * 1024 * 1024)');
    const preloaded = await executor.run('import sys\n"decimal" in sys.modules');
    expect(big.error?.type).toBe('MemoryError');
    expect(preloaded.value).toBe('True');
  });

  it('serves poolSize calls at once from as many templates', async () => {
    const executor = makeExecutor('forked', { poolSize: 2 });
    const calls = [0, 1].map(() => executor.run('import time\nprint("up", flush=True)\ntime.sleep(0.4)'));
    // Each call's child is known once its template says `started`.
    await eventually(() => executor.status().workers.filter((w) => w.childPid !== undefined).length === 2);
    const workers = executor.status().workers;
    expect(workers).toHaveLength(2);
    expect(workers.every((w) => w.childPid !== undefined && w.state === 'busy')).toBe(true);
    await Promise.all(calls);
  });

  // The call gets its child's result; the template's death is found after it, while the call
  // queued behind was already sent to the dead template. That call never reached a child: it is
  // not charged with the crash, and runs on the replacement.
  it('runs the call queued behind one that killed its template on the replacement', async () => {
    const executor = makeExecutor('forked', { poolSize: 1 });
    const killer =
      'import os, signal, time\nos.kill(os.getppid(), signal.SIGKILL)\ntime.sleep(0.01)\nprint("killer done")';
    for (let round = 0; round < 5; round++) {
      const [killed, innocent] = await Promise.all([executor.run(killer), executor.run('print("innocent")')]);
      expect(killed).toMatchObject({ status: 'ok', stdout: 'killer done\n' });
      expect(innocent).toMatchObject({ status: 'ok', stdout: 'innocent\n' });
    }
  });
});
