import { afterEach, describe, expect, it } from 'vitest';
import { PyExecError } from '../../src/index.js';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

const BUSY_LOOP = 'while True:\n    pass';

describe.each(contractStrategies)('timeouts and stops with the %s strategy', (strategy) => {
  it('times out a busy loop with SIGINT and keeps the output printed so far', async () => {
    const executor = makeExecutor(strategy);
    const result = await executor.run(`print("partial", flush=True)\n${BUSY_LOOP}`, { timeoutMs: 500 });
    expect(result.status).toBe('timeout');
    expect(result.stdout).toBe('partial\n');
    expect(result.error?.type).toBe('KeyboardInterrupt');
    const pidAfter = (await executor.run('1')).workerPid;
    // SIGINT sufficed: a persistent worker is kept (baseline and forked never reuse a process).
    if (strategy === 'baseline' || strategy === 'forked') expect(pidAfter).not.toBe(result.workerPid);
    else expect(pidAfter).toBe(result.workerPid);
  });

  it.each([
    [
      'SIGINT ignored',
      `import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint("partial", flush=True)\n${BUSY_LOOP}`,
    ],
    [
      'KeyboardInterrupt swallowed',
      `print("partial", flush=True)\nwhile True:\n    try:\n        ${BUSY_LOOP.replace('\n', '\n        ')}\n    except KeyboardInterrupt:\n        pass`,
    ],
    // Python 3.11's regex engine checks for signals; a C loop over a huge range never does.
    ['stuck in C code', `print("partial", flush=True)\nsum(range(10**13))`],
  ])('kills and replaces a worker that does not stop on SIGINT (%s)', async (_name, code) => {
    const executor = makeExecutor(strategy, { interruptGraceMs: 300 });
    const result = await executor.run(code, { timeoutMs: 500 });
    expect(result.status).toBe('timeout');
    expect(result.stdout).toBe('partial\n');
    const next = await executor.run('"served"');
    expect(next.value).toBe("'served'");
    expect(next.workerPid).not.toBe(result.workerPid);
    expect(executor.status().totals.timeouts).toBe(1);
  });

  it('applies each call its own timeout, whatever the calls before it on the same worker had', async () => {
    const executor = makeExecutor(strategy, { timeoutMs: 400, poolSize: 1 });
    expect((await executor.run('1')).status).toBe('ok'); // arms the worker's default deadline
    const longer = await executor.run('import time\ntime.sleep(0.7)\n"done"', { timeoutMs: 5000 });
    const unlimited = await executor.run('import time\ntime.sleep(0.7)\n"done"', {
      timeoutMs: Number.POSITIVE_INFINITY,
    });
    const defaulted = await executor.run('import time\ntime.sleep(5)');
    expect([longer.status, unlimited.status, defaulted.status]).toEqual(['ok', 'ok', 'timeout']);
  });

  it('counts the default timeout from the start of each call, not from an earlier call on the worker', async () => {
    const executor = makeExecutor(strategy, { timeoutMs: 1000, poolSize: 1 });
    expect((await executor.run('1')).status).toBe('ok'); // arms the worker's default deadline
    await new Promise((resolve) => setTimeout(resolve, 600));
    // Begins 600 ms into the deadline the first call armed; it must still get its whole second.
    const started = performance.now();
    const result = await executor.run('import time\nfor _ in range(200):\n    time.sleep(0.05)');
    expect(result.status).toBe('timeout');
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    const fits = await executor.run('import time\ntime.sleep(0.7)\n"done"');
    expect(fits.status).toBe('ok');
  });

  it('uses the executor timeoutMs when the call gives none', async () => {
    const result = await makeExecutor(strategy, { timeoutMs: 300 }).run('import time\ntime.sleep(30)');
    expect(result.status).toBe('timeout');
  });

  it('stops a running call by id and says so', async () => {
    const executor = makeExecutor(strategy);
    const running = executor.run(`print("started", flush=True)\n${BUSY_LOOP}`, { executionId: 'runner' });
    await new Promise((resolve) => executor.once('stdout', resolve));
    expect(await executor.stop('runner')).toBe(true);
    expect(await running).toMatchObject({ status: 'stopped', stdout: 'started\n' });
    expect(await executor.stop('runner')).toBe(false);
  });

  it('stops a queued call without running it', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    const first = executor.run('import time\ntime.sleep(0.5)\n"first"');
    const queued = executor.run('print("should not run")', { executionId: 'queued' });
    expect(executor.status().queued).toBe(1);
    expect(await executor.stop('queued')).toBe(true);
    expect(await queued).toMatchObject({ status: 'stopped', stdout: '' });
    expect((await first).value).toBe("'first'");
  });

  it('returns false when stopping an unknown id', async () => {
    expect(await makeExecutor(strategy).stop('nope')).toBe(false);
  });

  it('rejects with an AbortError when the signal aborts a running call', async () => {
    const executor = makeExecutor(strategy);
    const controller = new AbortController();
    const running = executor.run(BUSY_LOOP, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user left')), 300);
    const error = (await running.catch((e: unknown) => e)) as PyExecError;
    expect(error).toBeInstanceOf(PyExecError);
    expect(error.name).toBe('AbortError');
    expect(error.code).toBe('ABORTED');
    expect((await executor.run('"next"')).value).toBe("'next'");
    expect(executor.status().totals.stopped).toBe(1);
  });

  it('rejects at once when the signal is already aborted, and for an aborted queued call', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    await expect(executor.run('1', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    const first = executor.run('import time\ntime.sleep(0.3)');
    const controller = new AbortController();
    const queued = executor.run('1', { signal: controller.signal });
    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect((await first).status).toBe('ok');
  });
});
