import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionEndReason } from '../../src/index.js';
import {
  closeAllExecutors,
  contractStrategies,
  eventually,
  isProcessAlive,
  makeExecutor,
} from '../helpers/executors.js';
import { isRunning } from '../helpers/proc.js';
import { rejection } from '../helpers/errors.js';

afterEach(closeAllExecutors);

describe.each(contractStrategies)('sessions of the %s strategy', (strategy) => {
  it('keeps variables, functions, imports and working-directory files across calls', async () => {
    const executor = makeExecutor(strategy);
    const session = await executor.createSession();
    expect(session.state).toBe('idle');
    await session.run('import json\nx = 41\ndef bump(n):\n    return n + 1');
    await session.run("open('notes.txt', 'w').write('kept')");
    const result = await session.run("import os\njson.dumps([bump(x), open('notes.txt').read(), os.listdir('.')])");
    expect(result).toMatchObject({ status: 'ok', value: '\'[42, "kept", ["notes.txt"]]\'' });
    expect(executor.sessions()).toEqual([
      expect.objectContaining({ id: session.id, state: 'idle', calls: 3, pid: expect.any(Number), metadata: {} }),
    ]);
  });

  it('runs one session’s calls in the order made, and two sessions side by side, apart', async () => {
    const executor = makeExecutor(strategy);
    const [a, b] = await Promise.all([executor.createSession({ id: 'a' }), executor.createSession({ id: 'b' })]);
    const calls = Array.from({ length: 5 }, (_, i) => a.run(`seen = globals().get('seen', []) + [${i}]\nseen`));
    await b.run("seen = ['b']\nopen('mine.txt', 'w').write('b')");
    const results = await Promise.all(calls);
    expect(results.at(-1)?.value).toBe('[0, 1, 2, 3, 4]');
    expect((await b.run('seen')).value).toBe("['b']");
    // Nothing of one is visible to the other: globals, files, cwd.
    expect((await a.run("import os\n(os.path.exists('mine.txt'), os.getcwd())")).value).not.toContain('True');
    const [cwdA, cwdB] = await Promise.all([a.run('import os\nos.getcwd()'), b.run('import os\nos.getcwd()')]);
    expect(cwdA.value).not.toBe(cwdB.value);
  });

  it('keeps its state through a timeout the code stops at (KeyboardInterrupt)', async () => {
    const executor = makeExecutor(strategy);
    const session = await executor.createSession();
    await session.run('total = 5');
    const timedOut = await session.run('import time\ntime.sleep(30)', { timeoutMs: 300 });
    expect(timedOut.status).toBe('timeout');
    expect(session.state).toBe('idle');
    expect((await session.run('total * 2')).value).toBe('10');
  });

  it('is lost, never silently replaced, when its process dies; restart() gives a new, empty one', async () => {
    const executor = makeExecutor(strategy);
    const ends: SessionEndReason[] = [];
    executor.on('session:end', ({ reason }) => ends.push(reason));
    const session = await executor.createSession();
    await session.run('kept = 1');
    const crashed = await session.run('import os, signal\nos.kill(os.getpid(), signal.SIGKILL)');
    expect(crashed.status).toBe('crashed');
    expect(session.state).toBe('lost');
    const lost = await rejection(session.run('kept'));
    expect(lost.code).toBe('SESSION_LOST');
    expect(lost.message).toMatch(/killed by SIGKILL.*restart\(\)/);
    expect(ends).toEqual(['crashed']);
    expect(executor.sessions()[0]?.state).toBe('lost');
    await session.restart();
    expect(session.state).toBe('idle');
    expect((await session.run("'kept' in globals()")).value).toBe('False');
  });

  it('is lost when a call that ignores its interrupt is killed, and says so', async () => {
    const executor = makeExecutor(strategy, { interruptGraceMs: 200 });
    const session = await executor.createSession();
    const result = await session.run(
      'import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass',
      { timeoutMs: 300 },
    );
    expect(result.status).toBe('timeout');
    const lost = await rejection(session.run('1'));
    expect(lost.code).toBe('SESSION_LOST');
    expect(lost.message).toContain('timeout');
  });

  it('is lost when os._exit ends its process, with the call’s result delivered', async () => {
    const executor = makeExecutor(strategy);
    const session = await executor.createSession();
    const result = await session.run("print('bye')\nimport os\nos._exit(0)");
    expect(result).toMatchObject({ status: 'ok', stdout: 'bye\n' });
    expect((await rejection(session.run('1'))).code).toBe('SESSION_LOST');
  });

  it('is lost once a call leaves it past its maxRssMb, naming the limit', async () => {
    const executor = makeExecutor(strategy);
    const ends: SessionEndReason[] = [];
    executor.on('session:end', ({ reason }) => ends.push(reason));
    const session = await executor.createSession({ maxRssMb: 100 });
    const result = await session.run('hog = bytearray(200 * 1024 * 1024)\nlen(hog)');
    expect(result).toMatchObject({ status: 'ok', value: String(200 * 1024 * 1024) });
    const lost = await rejection(session.run('len(hog)'));
    expect(lost.code).toBe('SESSION_LOST');
    expect(lost.message).toContain('maxRssMb');
    expect(ends).toEqual(['memory']);
  });

  it('closes when idle for idleTimeoutMs, and its calls then reject SESSION_CLOSED', async () => {
    const executor = makeExecutor(strategy);
    const ends: SessionEndReason[] = [];
    executor.on('session:end', ({ reason }) => ends.push(reason));
    const session = await executor.createSession({ idleTimeoutMs: 300 });
    const pid = executor.sessions()[0]?.pid as number;
    await session.run('import time\ntime.sleep(0.5)'); // a call longer than the idle time: not idle
    expect(session.state).toBe('idle');
    await eventually(() => session.state === 'closed', 10_000);
    expect(ends).toEqual(['idle']);
    const closed = await rejection(session.run('1'));
    expect(closed.code).toBe('SESSION_CLOSED');
    expect(closed.message).toContain('idleTimeoutMs');
    expect(executor.sessions()).toEqual([]);
    await eventually(() => !isRunning(pid));
  });

  it('reaps a lost session nobody restarts after its idleTimeoutMs, freeing its place', async () => {
    const executor = makeExecutor(strategy, { maxSessions: 1 });
    const ends: SessionEndReason[] = [];
    executor.on('session:end', ({ reason }) => ends.push(reason));
    const session = await executor.createSession({ idleTimeoutMs: 300 });
    await session.run('import os, signal\nos.kill(os.getpid(), signal.SIGKILL)');
    expect(session.state).toBe('lost');
    await eventually(() => executor.sessions().length === 0, 10_000);
    expect(session.state).toBe('closed');
    expect(ends).toEqual(['crashed']); // one end: it was lost; reaping only frees its place
    const closed = await rejection(session.run('1'));
    expect(closed.code).toBe('SESSION_CLOSED');
    expect(closed.message).toContain('idleTimeoutMs');
    expect((await (await executor.createSession()).run('1 + 1')).value).toBe('2');
  });

  it('closes after maxLifetimeMs, once the call in progress has ended', async () => {
    const executor = makeExecutor(strategy);
    const ends: SessionEndReason[] = [];
    executor.on('session:end', ({ reason }) => ends.push(reason));
    // Longer than a start under load; the call then runs past it, however long the start took.
    const session = await executor.createSession({ maxLifetimeMs: 2000 });
    const past = (session.createdAt + 2300 - Date.now()) / 1000;
    const result = await session.run(`import time\ntime.sleep(${past})\n"finished"`);
    expect(result.value).toBe("'finished'");
    await eventually(() => session.state === 'closed');
    expect(ends).toEqual(['lifetime']);
  });

  it('refuses a duplicate id and one session past maxSessions; a closed one frees its place', async () => {
    const executor = makeExecutor(strategy, { maxSessions: 1 });
    const first = await executor.createSession({ id: 'only', metadata: { user: 'ada' } });
    expect((await rejection(executor.createSession({ id: 'only' }))).code).toBe('SESSION_EXISTS');
    expect((await rejection(executor.createSession())).code).toBe('SESSION_LIMIT');
    expect(executor.getSession('only')).toBe(first);
    expect(executor.sessions()[0]?.metadata).toEqual({ user: 'ada' });
    await first.close();
    expect(executor.getSession('only')).toBeUndefined();
    const second = await executor.createSession({ id: 'only' });
    expect((await second.run('1 + 1')).value).toBe('2');
  });

  it('stops a session call by its executionId, even at once, and keeps the session', async () => {
    const executor = makeExecutor(strategy);
    const session = await executor.createSession();
    await session.run('n = 3');
    let printed!: () => void;
    const running = new Promise<void>((resolve) => (printed = resolve));
    const call = session.run("import time\nprint('in', flush=True)\ntime.sleep(30)", {
      executionId: 'long',
      onStdout: () => printed(),
    });
    await running;
    expect(await executor.stop('long')).toBe(true);
    expect((await call).status).toBe('stopped');
    expect((await session.run('n')).value).toBe('3');
    // Stopped as soon as it is made: the interrupt may land before its code runs, and still
    // stops that call only (never the session).
    const early = session.run('import time\ntime.sleep(30)', { executionId: 'early' });
    await eventually(() => session.state === 'busy');
    for (let attempt = 0; attempt < 200 && !(await session.stop('early')); attempt++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await early).status).toBe('stopped');
    expect((await session.run('n + 1')).value).toBe('4');
  });

  it('stops a call that waits behind another by its executionId: it never runs, the one before it does', async () => {
    const executor = makeExecutor(strategy);
    const session = await executor.createSession();
    const first = session.run("import time\ntime.sleep(0.5)\nran = ['first']\nran");
    const waiting = session.run("ran.append('waiting')", { executionId: 'waiting' });
    const after = session.run('ran');
    expect(await executor.stop('waiting')).toBe(true);
    expect((await waiting).status).toBe('stopped');
    expect((await first).value).toBe("['first']");
    expect((await after).value).toBe("['first']");
    expect(session.state).toBe('idle');
  });

  it('applies its env for its whole life, on top of the call’s', async () => {
    const executor = makeExecutor(strategy, { env: { FROM_EXECUTOR: 'e' } });
    const session = await executor.createSession({ env: { FROM_SESSION: 's', FROM_EXECUTOR: null } });
    const result = await session.run(
      "import os\n(os.environ.get('FROM_SESSION'), os.environ.get('FROM_EXECUTOR'), os.environ.get('FROM_CALL'))",
      { env: { FROM_CALL: 'c' } },
    );
    expect(result.value).toBe("('s', None, 'c')");
  });

  it('leaves nothing running when the executor closes: processes and directories go', async () => {
    const executor = makeExecutor(strategy);
    const ends: SessionEndReason[] = [];
    executor.on('session:end', ({ reason }) => ends.push(reason));
    const sessions = await Promise.all([executor.createSession(), executor.createSession()]);
    const cwds = await Promise.all(
      sessions.map(async (session) => (await session.run('import os\nos.getcwd()')).value),
    );
    const pids = executor.sessions().map((info) => info.pid as number);
    const pending = sessions[0]?.run('import time\ntime.sleep(30)');
    await executor.close();
    expect((await pending)?.status).toBe('stopped');
    expect(ends).toEqual(['executor-closed', 'executor-closed']);
    for (const session of sessions) expect(session.state).toBe('closed');
    await eventually(() => pids.every((pid) => !isRunning(pid)));
    for (const cwd of cwds) expect(existsSync(JSON.parse((cwd as string).replace(/'/g, '"')) as string)).toBe(false);
    expect((await rejection(executor.createSession())).code).toBe('EXECUTOR_CLOSED');
  });
});

describe('session options', () => {
  it('name the option and the bad value', async () => {
    const executor = makeExecutor('optimized');
    await expect(executor.createSession({ idleTimeoutMs: -1 })).rejects.toThrow(/idleTimeoutMs.*-1/);
    await expect(executor.createSession({ id: '' })).rejects.toThrow(/`id`/);
    await expect(executor.createSession({ metadata: { a: 1 as unknown as string } })).rejects.toThrow(/metadata\.a/);
    await expect(executor.createSession({ idleTimout: 5 } as never)).rejects.toThrow(/Did you mean `idleTimeoutMs`/);
    expect(() => makeExecutor('optimized', { sessionDefaults: { maxRssMb: 0 } })).toThrow(/sessionDefaults\.maxRssMb/);
    expect(isProcessAlive(process.pid)).toBe(true);
  });
});

describe('restarting a session', () => {
  it('stops the calls made before it, and runs those made meanwhile on the new interpreter', async () => {
    const executor = makeExecutor('optimized');
    const session = await executor.createSession();
    await session.run('old = True');
    const running = session.run('import time\ntime.sleep(30)');
    const waiting = session.run('old');
    await eventually(() => executor.sessions()[0]?.state === 'busy');
    const restarted = session.restart();
    const during = session.run("'old' in globals()");
    await restarted;
    expect((await running).status).toBe('stopped');
    expect((await waiting).status).toBe('stopped');
    expect((await during).value).toBe('False');
    expect(session.state).toBe('idle');
  });
});
