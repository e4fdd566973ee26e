import { EventEmitter } from 'eventemitter3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionResult, ExecutorEvents } from '../../src/core/results.js';
import { normalizeExecutorOptions, type ExecutorOptions } from '../../src/options/executor-options.js';
import { type StrategyName } from '../../src/core/strategy-names.js';
import { normalizeRunOptions, type RunOptions } from '../../src/options/run-options.js';
import { Call } from '../../src/pool/call.js';
import { WorkerPool } from '../../src/pool/worker-pool.js';
import { forkedRuntime } from '../../src/pool/forked-children.js';
import { forkedStrategy } from '../../src/strategies/forked/strategy.js';
import { strategyNamed } from '../../src/strategies/registry.js';
import type { Strategy } from '../../src/strategies/strategy.js';
import { FakeWorkerSource, startFailure } from './fake-worker.js';

// The pool driven by scripted workers (fake-worker.ts): every transition of a slot, no Python.
// Its timers (timeouts, interrupt graces) run on a fake clock that the helpers below move on,
// so a 20 ms timeout takes no wall time and a busy machine cannot make it late. The workers'
// own steps (setImmediate) stay real: a turn of the event loop each.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const STEP_MS = 5;
const MAX_STEPS = 10_000; // 50 s of fake time: far past any timer these tests set

// One real turn of the event loop (the fake workers act on setImmediate), then STEP_MS of fake time.
async function step(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await vi.advanceTimersByTimeAsync(STEP_MS);
}

/** Moves time on until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  for (let steps = 0; !check(); steps++) {
    if (steps === MAX_STEPS) throw new Error(`still false after ${MAX_STEPS * STEP_MS} ms of fake time`);
    await step();
  }
}

/** Moves time on until `promise` settles, and gives its outcome. */
async function settled<T>(promise: Promise<T>): Promise<T> {
  let done = false;
  const watched = promise.finally(() => (done = true));
  watched.catch(() => undefined);
  await until(() => done);
  return watched;
}

/** Moves `ms` of fake time on, a step at a time. */
async function elapse(ms: number): Promise<void> {
  for (let passed = 0; passed < ms; passed += STEP_MS) await step();
}

function fakePool(strategy: StrategyName, options: ExecutorOptions = {}) {
  const normalized = normalizeExecutorOptions({ busyPollUs: 0, ...options }, strategy, strategyNamed(strategy));
  const source = new FakeWorkerSource(
    strategy === 'forked' ? 'forked' : strategy === 'isolated' ? 'generations' : 'plain',
  );
  const events = new EventEmitter<ExecutorEvents>();
  const seen: string[] = [];
  events.on('worker:spawn', ({ reason }) => seen.push(`spawn:${reason}`));
  events.on('worker:exit', ({ reason }) => seen.push(`exit:${reason}`));
  events.on('worker:recycle', ({ reason }) => seen.push(`recycle:${reason}`));
  const errors: Error[] = [];
  events.on('error', (error) => errors.push(error));
  // Forked: signals for a template's children go to the fake template that "forked" them.
  const template = () => source.started[source.started.length - 1];
  const definition: Strategy =
    strategy === 'forked'
      ? {
          ...forkedStrategy,
          runtime: (_options, control) =>
            forkedRuntime(control, true, {
              interrupt: (pid) => template()?.interruptChild(pid),
              killTree: (pid) => template()?.killChild(pid),
              childOf: (pid) => (template()?.currentChild === pid ? pid : 'forged'),
              ended: () => false,
            }),
        }
      : strategyNamed(strategy);
  const pool = new WorkerPool(normalized, definition, source, events);
  const run = (code: string, runOptions: RunOptions = {}): Promise<ExecutionResult> => {
    const call = new Call(code, normalizeRunOptions(runOptions, normalized), normalized.limits.maxOutputBytes);
    pool.submit(call);
    return call.promise;
  };
  return { pool, source, events, seen, errors, run, state: () => pool.status().workers.map((worker) => worker.state) };
}

describe.each(['baseline', 'optimized', 'isolated', 'forked'] as const)('the pool with fake %s workers', (strategy) => {
  it('starts a worker for the first call (empty → starting → idle → busy) and answers it', async () => {
    const { run, state, source } = fakePool(strategy);
    expect(state()).toEqual([]);
    const pending = run('first');
    expect(state()).toEqual(['starting']);
    const result = await settled(pending);
    expect(result).toMatchObject({ status: 'ok', value: 'first' });
    // The first worker started answered it (spares may be starting by now); forked: its child.
    const first = source.started[0];
    expect(result.workerPid).toBe(strategy === 'forked' ? first?.currentChild : first?.servingPid);
  });

  it('keeps a call that waits for its worker off the clock until it is sent', async () => {
    const { run, source } = fakePool(strategy);
    source.hold();
    const pending = run('hang', { timeoutMs: 30 });
    await elapse(80); // past the timeout, still starting
    source.release();
    // Sent only now: its 30 ms count from here, and end with an interrupt, as a timeout does.
    expect(await settled(pending)).toMatchObject({ status: 'timeout', error: { type: 'KeyboardInterrupt' } });
  });

  it('settles a crash as crashed and serves the next call on a replacement', async () => {
    const { run, seen } = fakePool(strategy);
    expect((await settled(run('crash'))).status).toBe('crashed');
    expect(await settled(run('after'))).toMatchObject({ status: 'ok', value: 'after' });
    // Forked: the child died, not the template, which reports it as the call's crash.
    if (strategy !== 'forked') expect(seen.some((event) => event.startsWith('exit:crashed'))).toBe(true);
  });

  it('fails the waiting calls of a worker that cannot start, and does not retry in a loop', async () => {
    const { run, source, state } = fakePool(strategy);
    source.failWith = startFailure;
    await expect(settled(run('1'))).rejects.toBe(startFailure);
    expect(state()).toEqual([]);
    await elapse(50);
    expect(source.started).toHaveLength(0);
    source.failWith = undefined;
    expect((await settled(run('2'))).status).toBe('ok');
  });

  it('interrupts a call past its timeout (busy → answered) and keeps the worker', async () => {
    const { run } = fakePool(strategy);
    const timedOut = await settled(run('hang', { timeoutMs: 20 }));
    expect(timedOut).toMatchObject({ status: 'timeout' });
    const next = await settled(run('next'));
    expect(next.status).toBe('ok');
    // The same process serves on (forked: the same template; baseline: one process per call).
    if (strategy === 'optimized' || strategy === 'isolated') expect(next.workerPid).toBe(timedOut.workerPid);
  });

  it('kills what runs a call that ignores the interrupt (busy → stopping → replaced)', async () => {
    const { run, source } = fakePool(strategy, { interruptGraceMs: 10 });
    expect(await settled(run('stubborn', { timeoutMs: 20 }))).toMatchObject({ status: 'timeout' });
    expect((await settled(run('next'))).status).toBe('ok');
    // Forked kills the call's child only; the template serves on.
    if (strategy === 'forked') expect(source.started).toHaveLength(1);
    else expect(source.started.length).toBeGreaterThanOrEqual(2);
  });

  it('settles a call whose answer comes while its worker is being killed, and gives that worker no more calls', async () => {
    const { run, pool, source, errors } = fakePool(strategy, { interruptGraceMs: 10 });
    expect(await settled(run('last-words', { timeoutMs: 20 }))).toMatchObject({ status: 'timeout' });
    expect((await settled(run('next'))).status).toBe('ok');
    const pending = run('last-words');
    await until(() => pool.status().workers[0]?.state === 'busy');
    await settled(pool.close());
    expect((await settled(pending)).status).toBe('stopped');
    await until(() => source.alive.length === 0);
    expect(errors).toEqual([]);
  });

  it('stops a queued call at once and a running one through its worker', async () => {
    const { run, pool } = fakePool(strategy);
    const running = run('hang', { executionId: 'running' });
    const queued = run('never', { executionId: 'queued' });
    expect(await settled(pool.stop('queued'))).toBe(true);
    expect(await settled(queued)).toMatchObject({ status: 'stopped' });
    await until(() => pool.status().running.length === 1 && pool.status().workers[0]?.state === 'busy');
    expect(await settled(pool.stop('running'))).toBe(true);
    expect(await settled(running)).toMatchObject({ status: 'stopped' });
    expect(await settled(pool.stop('running'))).toBe(false);
  });

  it('streams output and the tail that comes with the result', async () => {
    const { run, events } = fakePool(strategy);
    const chunks: string[] = [];
    events.on('stdout', ({ text }) => chunks.push(text));
    expect((await settled(run('print'))).stdout).toBe('streamed\ntail\n');
    expect(chunks).toEqual(['streamed\n', 'tail\n']);
  });

  it('kills, not attaches, a worker whose start finishes after close() began', async () => {
    const { run, pool, source } = fakePool(strategy);
    source.hold();
    const pending = run('1');
    const closing = pool.close();
    source.release();
    await settled(closing);
    expect((await settled(pending)).status).toBe('stopped');
    await until(() => source.alive.length === 0);
  });
});

describe.each(['optimized', 'isolated'] as const)('the pool with fake %s workers that spoil', (strategy) => {
  it('gives a call sent after the last result of a spoiled worker to the replacement', async () => {
    const { run, source, seen } = fakePool(strategy);
    const [spoiling, innocent] = await settled(Promise.all([run('spoil'), run('innocent')]));
    expect(spoiling.status).toBe('ok');
    expect(innocent).toMatchObject({ status: 'ok', value: 'innocent' });
    expect(source.started.length).toBeGreaterThanOrEqual(2);
    expect(seen).toContain('recycle:threads still running: t');
  });
});

describe('renewal after maxExecutions', () => {
  it('replaces an optimized worker by a new process', async () => {
    const { run, source, seen } = fakePool('optimized', { maxExecutions: 2 });
    for (let i = 0; i < 4; i++) expect((await settled(run(`${i}`))).status).toBe('ok');
    expect(source.started.length).toBeGreaterThanOrEqual(2);
    expect(seen).toContain('recycle:served maxExecutions (2) calls');
  });

  it('renews an isolated worker in place: a new generation of the same process (idle → starting → idle)', async () => {
    const { run, source, seen, pool } = fakePool('isolated', { maxExecutions: 2 });
    const pids: (number | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      pids.push((await settled(run(`${i}`))).workerPid);
      // Between calls, status names the generation that serves now (call 3's, its first).
      if (i === 2) expect(pool.status().workers[0]?.pid).toBe(pids[2]);
    }
    expect(
      source.started.filter((worker) => worker.received.some((message) => message.type === 'recycle')),
    ).toHaveLength(1);
    expect(new Set(pids).size).toBe(2);
    expect(seen).toContain('exit:recycled');
    expect(seen).toContain('spawn:replace');
  });

  it('waits for the next generation after one died with its call, then sends the next call to it', async () => {
    const { run } = fakePool('isolated');
    const crashed = run('crash');
    const next = run('next');
    expect((await settled(crashed)).status).toBe('crashed');
    expect(await settled(next)).toMatchObject({ status: 'ok', value: 'next' });
  });
});

describe('forked templates', () => {
  it('name the child running a call, and keep serving after it dies', async () => {
    const { run, source, pool } = fakePool('forked');
    const pending = run('hang', { executionId: 'c' });
    await until(() => pool.status().workers[0]?.childPid !== undefined);
    const template = source.started[0];
    expect(pool.status().running[0]?.workerPid).toBe(template?.currentChild);
    await settled(pool.stop('c'));
    expect((await settled(pending)).status).toBe('stopped');
    expect((await settled(run('crash'))).status).toBe('crashed');
    expect((await settled(run('after'))).value).toBe('after');
    expect(source.started).toHaveLength(1);
  });
});
