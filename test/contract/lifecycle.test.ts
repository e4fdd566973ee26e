import { afterEach, describe, expect, it } from 'vitest';
import { PyExecError } from '../../src/index.js';
import {
  closeAllExecutors,
  contractStrategies,
  eventually,
  isProcessAlive,
  makeExecutor,
} from '../helpers/executors.js';

afterEach(closeAllExecutors);

describe.each(contractStrategies)('lifecycle of the %s strategy', (strategy) => {
  it('close() settles running and queued calls as stopped and kills workers and their children', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    const running = executor.run(
      'import subprocess, time\nchild = subprocess.Popen(["sleep", "300"])\nprint(child.pid, flush=True)\ntime.sleep(300)',
    );
    const queued = executor.run('1');
    const childPid = Number(
      await new Promise<string>((resolve) => executor.once('stdout', ({ text }) => resolve(text))),
    );
    const workerPid = executor.status().running[0]?.workerPid as number;
    await executor.close();
    expect((await running).status).toBe('stopped');
    expect((await queued).status).toBe('stopped');
    await eventually(() => !isProcessAlive(workerPid) && !isProcessAlive(childPid));
    await expect(executor.run('1')).rejects.toMatchObject({ code: 'EXECUTOR_CLOSED' });
  });

  it('kills a grandchild that left the process group when a call times out', async () => {
    const executor = makeExecutor(strategy, { interruptGraceMs: 200 });
    const code =
      'import subprocess, signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n' +
      'child = subprocess.Popen(["sleep", "300"], start_new_session=True)\nprint(child.pid, flush=True)\nwhile True: pass';
    const result = await executor.run(code, { timeoutMs: 500 });
    expect(result.status).toBe('timeout');
    await eventually(() => !isProcessAlive(Number(result.stdout)));
  });

  it('is closed by Symbol.asyncDispose', async () => {
    const executor = makeExecutor(strategy);
    {
      await using disposable = executor;
      await disposable.run('1');
    }
    await expect(executor.run('1')).rejects.toMatchObject({ code: 'EXECUTOR_CLOSED' });
  });

  it('rejects with QUEUE_FULL past maxQueue', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1, maxQueue: 1 });
    const running = executor.run('import time\ntime.sleep(0.3)');
    const queued = executor.run('1');
    const refused = await executor.run('2').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PyExecError);
    expect(refused).toMatchObject({ code: 'QUEUE_FULL' });
    expect((await running).status).toBe('ok');
    expect((await queued).status).toBe('ok');
  });

  it('refuses an executionId that is already pending', async () => {
    const executor = makeExecutor(strategy);
    const first = executor.run('import time\ntime.sleep(0.2)', { executionId: 'same' });
    await expect(executor.run('1', { executionId: 'same' })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await first;
  });

  it('refuses invalid run arguments with messages naming them', async () => {
    const executor = makeExecutor(strategy);
    await expect(executor.run(42 as unknown as string)).rejects.toThrow(
      'Expected `code` (the first argument of run) to be a string of Python source, got `42` (number)',
    );
    await expect(executor.run('1', { timeoutMs: 0 })).rejects.toThrow('`timeoutMs`');
    await expect(executor.run('1', { env: { A: 3 as unknown as string } })).rejects.toThrow('`env.A`');
  });

  it('reports running calls, queue, workers and totals in status()', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    expect(executor.status()).toMatchObject({ strategy, running: [], queued: 0 });
    const running = executor.run('import time\nprint("go", flush=True)\ntime.sleep(0.5)', { executionId: 'long' });
    const queued = executor.run('1/0');
    await new Promise((resolve) => executor.once('stdout', resolve));
    const during = executor.status();
    expect(during.running).toEqual([
      { executionId: 'long', workerPid: expect.any(Number), startedAt: expect.any(Number) },
    ]);
    expect(during.queued).toBe(1);
    // Forked: the worker is the template; the call runs in its child, which status names too.
    const expectedWorker =
      strategy === 'forked' ? { childPid: during.running[0]?.workerPid } : { pid: during.running[0]?.workerPid };
    expect(during.workers[0]).toMatchObject({ ...expectedWorker, state: 'busy' });
    await Promise.all([running, queued]);
    expect(executor.status().totals).toMatchObject({ executions: 2, ok: 1, errors: 1 });
  });

  it('emits typed start, end and worker events', async () => {
    const executor = makeExecutor(strategy);
    const seen: string[] = [];
    executor.on('worker:spawn', ({ reason }) => seen.push(`spawn:${reason}`));
    executor.on('start', ({ executionId }) => seen.push(`start:${executionId}`));
    executor.on('end', ({ executionId, result }) => seen.push(`end:${executionId}:${result.status}`));
    executor.on('worker:exit', ({ reason }) => seen.push(`exit:${reason}`));
    await executor.run('1', { executionId: 'a' });
    await executor.close();
    expect(seen).toContain('start:a');
    expect(seen).toContain('end:a:ok');
    expect(seen.some((event) => event.startsWith('spawn:'))).toBe(true);
    // A baseline worker leaves right after its call; persistent ones stay until close().
    expect(seen).toContain(strategy === 'baseline' ? 'exit:single-use' : 'exit:closed');
    expect(seen.indexOf('start:a')).toBeLessThan(seen.indexOf('end:a:ok'));
  });
});
