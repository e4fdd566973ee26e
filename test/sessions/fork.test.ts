import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/index.js';
import {
  closeAllExecutors,
  contractStrategies,
  eventually,
  makeExecutor,
  sandboxAvailable,
} from '../helpers/executors.js';
import { isRunning } from '../helpers/proc.js';
import { rejection } from '../helpers/errors.js';

afterEach(closeAllExecutors);

async function pidOf(session: Session): Promise<number> {
  return Number((await session.run('import os\nos.getpid()')).value);
}

// What a session holds that a restart would lose: a variable, a function, an import, an object
// mid-way (a generator half consumed), a file in its working directory.
const STATE = [
  'import json',
  'count = 41',
  'def bump(n):\n    return n + 1',
  'numbers = iter(range(10))',
  'next(numbers); next(numbers)',
  "open('notes.txt', 'w').write('kept')",
].join('\n');
const READ_STATE = "json.dumps([bump(count), next(numbers), open('notes.txt').read()])";

describe.each(contractStrategies)('session fork on the %s strategy', (strategy) => {
  it('copies the live interpreter: variables, functions, imports, a generator mid-way, files', async () => {
    const executor = makeExecutor(strategy);
    const session = await executor.createSession({ metadata: { user: 'ada' } });
    await session.run(STATE);
    const copy = await session.fork();
    expect(copy.id).not.toBe(session.id);
    expect(copy.state).toBe('idle');
    expect((await copy.run(READ_STATE)).value).toBe('\'[42, 2, "kept"]\'');
    expect(await pidOf(copy)).not.toBe(await pidOf(session));
    const listed = executor.sessions().find((info) => info.id === copy.id);
    expect(listed).toMatchObject({ forkedFrom: session.id, metadata: { user: 'ada' }, state: 'idle' });
  });

  it('keeps the copy and its original apart from then on, both ways, and for a fork of a fork', async () => {
    const executor = makeExecutor(strategy);
    const session = await executor.createSession();
    await session.run(STATE);
    const copy = await session.fork();
    await copy.run("count = 100\nopen('notes.txt', 'w').write('copy')\nopen('only-copy.txt', 'w').write('x')");
    await session.run("count = 7\nopen('only-original.txt', 'w').write('x')");
    const seen = "import os\njson.dumps([count, next(numbers), open('notes.txt').read(), sorted(os.listdir('.'))])";
    expect((await session.run(seen)).value).toBe('\'[7, 2, "kept", ["notes.txt", "only-original.txt"]]\'');
    expect((await copy.run(seen)).value).toBe('\'[100, 2, "copy", ["notes.txt", "only-copy.txt"]]\'');
    const grandchild = await copy.fork();
    await grandchild.run('count = -1');
    expect((await grandchild.run('json.dumps([count, next(numbers)])')).value).toBe("'[-1, 3]'");
    expect((await copy.run('json.dumps([count, next(numbers)])')).value).toBe("'[100, 3]'");
    const cwds = await Promise.all([session, copy, grandchild].map((one) => one.run('os.getcwd()')));
    expect(new Set(cwds.map((result) => result.value)).size).toBe(3);
  });

  it('makes `count` independent copies in one pass', async () => {
    const executor = makeExecutor(strategy);
    const session = await executor.createSession();
    await session.run('base = 10');
    const copies = await session.fork({ count: 3 });
    expect(copies).toHaveLength(3);
    await Promise.all(copies.map((copy, index) => copy.run(`base += ${index + 1}`)));
    const values = await Promise.all(copies.map((copy) => copy.run('base')));
    expect(values.map((result) => result.value)).toEqual(['11', '12', '13']);
    expect((await session.run('base')).value).toBe('10');
    expect(new Set(await Promise.all([session, ...copies].map(pidOf))).size).toBe(4);
  });

  it('forks in the order of the session’s calls: after the ones made before, before the ones made after', async () => {
    const executor = makeExecutor(strategy);
    const session = await executor.createSession();
    const before = session.run('import time\ntime.sleep(0.2)\nstep = 1');
    const forking = session.fork();
    const after = session.run('step = 2');
    const copy = await forking;
    await Promise.all([before, after]);
    expect((await copy.run('step')).value).toBe('1');
    expect((await session.run('step')).value).toBe('2');
  });

  it('outlives its original: closed, or killed on a timeout with its whole tree', async () => {
    const executor = makeExecutor(strategy, { interruptGraceMs: 200 });
    const session = await executor.createSession();
    await session.run('kept = "yes"');
    const [survivesClose, survivesKill] = await session.fork({ count: 2 });
    const killed = await session.run(
      'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(30)',
      { timeoutMs: 200 },
    );
    expect(killed.status).toBe('timeout');
    expect(session.state).toBe('lost');
    expect((await (survivesKill as Session).run('kept')).value).toBe("'yes'");
    await session.close();
    expect((await (survivesClose as Session).run('kept')).value).toBe("'yes'");
  });

  it('loses only the copy whose process dies, and says so; the original serves on', async () => {
    const executor = makeExecutor(strategy);
    const session = await executor.createSession();
    await session.run('x = 1');
    const copy = await session.fork();
    const ends: string[] = [];
    executor.on('session:end', ({ id, reason }) => ends.push(`${id === copy.id ? 'copy' : id}:${reason}`));
    const crashed = await copy.run('import os\nos.kill(os.getpid(), 9)');
    expect(crashed.status).toBe('crashed');
    expect(copy.state).toBe('lost');
    const lost = await rejection(copy.run('x'));
    expect(lost.code).toBe('SESSION_LOST');
    expect(lost.message).toMatch(/SIGKILL|ended/);
    expect(ends).toEqual(['copy:crashed']);
    expect((await session.run('x + 1')).value).toBe('2');
    await copy.restart();
    expect((await copy.run("'x' in globals()")).value).toBe('False');
  });

  it('refuses while threads of the session’s own run (SESSION_FORK_UNSAFE), and forks once they end', async () => {
    const executor = makeExecutor(strategy);
    const session = await executor.createSession();
    await session.run(
      'import threading\nstop = threading.Event()\nworker = threading.Thread(target=stop.wait)\nworker.start()',
    );
    const refused = await rejection(session.fork());
    expect(refused.code).toBe('SESSION_FORK_UNSAFE');
    expect(refused.message).toContain('1 thread');
    expect(executor.sessions()).toHaveLength(1);
    await session.run('stop.set()\nworker.join()');
    const copy = await session.fork();
    expect((await copy.run('stop.is_set()')).value).toBe('True');
  });

  it('counts copies against maxSessions, and forks nothing past it', async () => {
    const executor = makeExecutor(strategy, { maxSessions: 3 });
    const session = await executor.createSession();
    const refused = await rejection(session.fork({ count: 3 }));
    expect(refused.code).toBe('SESSION_LIMIT');
    expect(executor.sessions()).toHaveLength(1);
    const copies = await session.fork({ count: 2 });
    expect(executor.sessions()).toHaveLength(3);
    expect((await rejection(session.fork())).code).toBe('SESSION_LIMIT');
    await copies[0]?.close();
    expect((await (await session.fork()).run('1')).value).toBe('1');
    expect((await rejection(session.fork({ count: 0 }))).message).toContain('`count`');
  });

  it('refuses to fork a session that was lost or closed', async () => {
    const executor = makeExecutor(strategy);
    const session = await executor.createSession();
    await session.run('import os\nos.kill(os.getpid(), 9)');
    expect((await rejection(session.fork())).code).toBe('SESSION_LOST');
    await session.close();
    expect((await rejection(session.fork())).code).toBe('SESSION_CLOSED');
  });

  it('announces copies (session:start) but not the fork as an execution; close leaves nothing', async () => {
    const executor = makeExecutor(strategy);
    const starts: string[] = [];
    const executions: string[] = [];
    executor.on('session:start', ({ id }) => starts.push(id));
    executor.on('start', ({ executionId }) => executions.push(executionId));
    const session = await executor.createSession();
    const copies = await session.fork({ count: 2 });
    const nested = await (copies[0] as Session).fork();
    expect(starts).toEqual([session.id, ...copies.map((copy) => copy.id), nested.id]);
    expect(executions).toEqual([]);
    const pids = await Promise.all([session, ...copies, nested].map(pidOf));
    // The executor's directory of copies: the socket they connected to, their working directories.
    const copyCwd = (await nested.run('import os\nos.getcwd()')).value?.slice(1, -1) as string;
    const forks = dirname(dirname(copyCwd));
    expect(basename(forks)).toMatch(/^pyexec-forks-/);
    expect(readdirSync(forks)).toContain('socket');
    await executor.close();
    for (const pid of pids) await eventually(() => !isRunning(pid));
    expect(existsSync(forks)).toBe(false);
  });
});

describe('session fork where a copy could not live apart', () => {
  it('is refused through a `command` launcher (SESSION_FORK_UNAVAILABLE)', async () => {
    const executor = makeExecutor('optimized', { command: ['env'] });
    const session = await executor.createSession();
    const refused = await rejection(session.fork());
    expect(refused.code).toBe('SESSION_FORK_UNAVAILABLE');
    expect(refused.message).toContain('`command`');
    expect((await session.run('1 + 1')).value).toBe('2');
  });

  it.runIf(sandboxAvailable)('is refused in the sandbox (SESSION_FORK_UNAVAILABLE)', async () => {
    const executor = makeExecutor('optimized', { sandbox: true });
    const session = await executor.createSession();
    expect((await rejection(session.fork())).code).toBe('SESSION_FORK_UNAVAILABLE');
  });
});
