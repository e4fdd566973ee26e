import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, countingPythonShim, eventually, makeExecutor } from '../helpers/executors.js';
import { isRunning, procStatFields } from '../helpers/proc.js';

afterEach(closeAllExecutors);

// The forked strategy's sessions are forks of its warm template: no interpreter starts for them.
describe('sessions of the forked strategy, made from its template', () => {
  it('starts no Python for a session, its restart() or its copies: each is one fork', async () => {
    const shim = countingPythonShim();
    const executor = makeExecutor('forked', { python: shim.path });
    await executor.warmUp();
    const started = shim.starts();
    const session = await executor.createSession();
    await session.run('import json\nkept = json.dumps([1, 2])');
    const templatePid = executor.status().workers[0]?.pid as number;
    const pid = Number((await session.run('import os\nos.getpid()')).value);
    expect(Number(procStatFields(pid)[1])).toBe(templatePid); // the template's child
    expect((await session.run('kept')).value).toBe("'[1, 2]'");
    await session.restart();
    expect((await session.run("'kept' in globals()")).value).toBe('False');
    await session.fork();
    await executor.createSession();
    expect(shim.starts()).toBe(started);
  });

  it('outlives the template that forked it, and the executor makes the next ones from its successor', async () => {
    const executor = makeExecutor('forked');
    await executor.warmUp();
    const session = await executor.createSession();
    await session.run('state = "kept"');
    const templatePid = executor.status().workers[0]?.pid as number;
    process.kill(templatePid, 'SIGKILL');
    await eventually(() => !isRunning(templatePid));
    // Its output thread keeps running past the template's death: a call that lasts a while.
    expect(await session.run('import time\ntime.sleep(0.5)\nstate')).toMatchObject({
      status: 'ok',
      value: "'kept'",
    });
    expect((await executor.run('1 + 1')).value).toBe('2');
    const next = await executor.createSession();
    const successor = executor.status().workers[0]?.pid as number;
    expect(successor).not.toBe(templatePid);
    const pid = Number((await next.run('import os\nos.getpid()')).value);
    expect(Number(procStatFields(pid)[1])).toBe(successor);
  });

  it('gives each session its own empty working directory and the session’s maxRssMb', async () => {
    const executor = makeExecutor('forked', { sessionDefaults: { maxRssMb: 10_000 } });
    const [a, b] = await Promise.all([executor.createSession(), executor.createSession({ maxRssMb: 1 })]);
    await a.run("open('mine.txt', 'w').write('a')");
    // Its first call's result is delivered, and then it is lost past its 1 MB.
    expect((await b.run("import os\nos.listdir('.')")).value).toBe('[]');
    expect(b.state).toBe('lost');
    expect(executor.sessions().find((info) => info.id === a.id)?.state).toBe('idle');
    expect((await a.run("open('mine.txt').read()")).value).toBe("'a'");
  });
});
