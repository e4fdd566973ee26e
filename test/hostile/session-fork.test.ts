import { afterEach, describe, expect, it } from 'vitest';
import type { PyExecError } from '../../src/index.js';
import { closeAllExecutors, contractStrategies, eventually, makeExecutor } from '../helpers/executors.js';
import { processesNaming } from '../helpers/proc.js';
import { writeOnChannel } from '../helpers/channel-attack.js';

afterEach(closeAllExecutors);

let tags = 0;
const newTag = () => `${8000 + tags++}.${process.pid}`;

// The executor's socket for forked copies, as a copy finds it: its working directory is beside it.
const FORK_SOCKET = `
import os
socket_path = os.path.join(os.path.dirname(os.path.dirname(os.getcwd())), 'socket')
os.path.exists(socket_path)`;

describe.each(contractStrategies)('attacks on session fork, with the %s strategy', (strategy) => {
  it('takes no connection to its socket as a copy without the one-time token, nor one token twice', async () => {
    const executor = makeExecutor(strategy);
    const session = await executor.createSession();
    const copy = await session.fork();
    expect((await copy.run(FORK_SOCKET)).value).toBe('True');
    // Guessed tokens, a token-shaped line, and a line longer than any token: each is hung up on.
    const attempt = await copy.run(`
import socket
outcomes = []
for line in (b'guess\\n', b'0' * 64 + b'\\n', b'f' * 500):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(socket_path)
    s.sendall(line)
    try:
        outcomes.append(s.recv(1) == b'')
    except socket.timeout:
        outcomes.append(False)  # still heard after 10 s: taken
    except OSError:
        outcomes.append(True)  # reset: hung up
    s.close()
outcomes`);
    expect(attempt.value).toBe('[True, True, True]');
    expect(executor.sessions()).toHaveLength(2);
    // The executor forks on regardless.
    expect((await (await copy.fork()).run('1 + 1')).value).toBe('2');
  });

  it('keeps a copy off its original’s channel: what the copy forges there changes nothing', async () => {
    const executor = makeExecutor(strategy);
    executor.on('error', () => undefined);
    const session = await executor.createSession();
    await session.run('mine = "original"');
    const copy = await session.fork();
    const forged = {
      type: 'result',
      id: 'original-call',
      status: 'ok',
      value: "'forged'",
      stdout: '',
      stderr: '',
      figures: [],
    };
    const pending = session.run('import time\ntime.sleep(0.5)\nmine', { executionId: 'original-call' });
    await copy.run(`${writeOnChannel(forged)}\nimport time\ntime.sleep(0.2)`);
    expect((await pending).value).toBe("'original'");
    expect((await session.run('mine')).value).toBe("'original'");
    const next = await copy.run('mine').then(
      (result) => result.value,
      (error: PyExecError) => error.code,
    );
    expect(["'original'", 'SESSION_LOST']).toContain(next);
  });

  it('leaves no daemon of a copy behind once the copy is closed, while its original lives on', async () => {
    const executor = makeExecutor(strategy);
    const session = await executor.createSession();
    const copy = await session.fork();
    const tag = newTag();
    const started = await copy.run(`
import os
read_end, write_end = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp('sleep', ['sleep', '${tag}'])
    os._exit(0)
'started'`);
    expect(started.value).toBe("'started'");
    await eventually(() => processesNaming('sleep', tag).length === 1);
    await copy.close();
    await eventually(() => processesNaming('sleep', tag).length === 0);
    expect((await session.run('1 + 1')).value).toBe('2');
  });

  it('cannot fork past its limits: a copy is bound by maxProcesses as its own tree', async () => {
    const executor = makeExecutor(strategy, { limits: { maxProcesses: 8 } });
    const session = await executor.createSession();
    const copy = await session.fork();
    const bomb = await copy.run(`
import os, time
made = 0
try:
    for _ in range(64):
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        made += 1
except OSError:
    pass
made`);
    expect(Number(bomb.value)).toBeLessThan(64);
    // The original's tree has its own room: the copy's processes are not counted there.
    expect((await session.run('import subprocess\nsubprocess.run(["true"]).returncode')).value).toBe('0');
  });
});
