import { afterEach, describe, expect, it } from 'vitest';
import type { PyExecError } from '../../src/index.js';
import { closeAllExecutors, eventually, hostileVariants, makeExecutor } from '../helpers/executors.js';
import { processesNaming } from '../helpers/proc.js';
import { writeOnChannel } from '../helpers/channel-attack.js';

afterEach(closeAllExecutors);

let tags = 0;
const newTag = () => `${7000 + tags++}.${process.pid}`;

// A daemon as a service's start script makes one (fork, setsid, fork, the middle one exits),
// keeping every descriptor it inherited; it becomes `sleep <tag>`. Returns once it runs.
const daemon = (tag: string) => `
import os
read_end, write_end = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for fd in range(256):
            try:
                os.set_inheritable(fd, fd != write_end)
            except OSError:
                pass
        os.execvp('sleep', ['sleep', '${tag}'])
    os._exit(0)
os.close(write_end)
os.read(read_end, 1)
'ready'`;

describe.each(hostileVariants)('attacks from a session, with the %s strategy, sandbox: %s', (strategy, sandbox) => {
  it('leaves no daemon behind once the session is closed, nor once it is lost', async () => {
    const executor = makeExecutor(strategy, { sandbox });
    const [closing, dying] = await Promise.all([executor.createSession(), executor.createSession()]);
    const [first, second] = [newTag(), newTag()];
    expect((await closing.run(daemon(first))).value).toBe("'ready'");
    expect((await dying.run(daemon(second))).value).toBe("'ready'");
    expect(processesNaming('sleep', first)).toHaveLength(1);
    await closing.close();
    await eventually(() => processesNaming('sleep', first).length === 0);
    expect((await dying.run('import os, signal\nos.kill(os.getpid(), signal.SIGKILL)')).status).toBe('crashed');
    await eventually(() => processesNaming('sleep', second).length === 0);
  });

  it('cannot pass a forged result off as another session’s, nor be silently replaced after forging its own', async () => {
    const executor = makeExecutor(strategy, { sandbox, interruptGraceMs: 200 });
    executor.on('error', () => undefined); // the PROTOCOL_ERROR of the forging session's process
    const [forger, bystander] = await Promise.all([executor.createSession(), executor.createSession()]);
    await forger.run('mine = "kept"');
    await bystander.run('mine = "bystander"');
    const forged = {
      type: 'result',
      id: 'bystander-call',
      status: 'ok',
      value: "'forged'",
      stdout: '',
      stderr: '',
      figures: [],
    };
    const own = { ...forged, id: 'forger-call' };
    const pending = bystander.run('import time\ntime.sleep(0.5)\nmine', { executionId: 'bystander-call' });
    await forger.run(`${writeOnChannel(forged)}\n${writeOnChannel(own)}\nimport time\ntime.sleep(0.2)`, {
      executionId: 'forger-call',
    });
    expect((await pending).value).toBe("'bystander'");
    // The forger's process is either still its own (its variable there) or lost, and says so.
    const next = await forger.run('mine').then(
      (result) => result.value,
      (error: PyExecError) => error.code,
    );
    expect(["'kept'", 'SESSION_LOST']).toContain(next);
    expect((await bystander.run('mine')).value).toBe("'bystander'");
  });

  it.runIf(sandbox)('cannot read, list or write another session’s working directory', async () => {
    const executor = makeExecutor(strategy, { sandbox });
    const [owner, intruder] = await Promise.all([executor.createSession(), executor.createSession()]);
    const where = (await owner.run("open('secret.txt', 'w').write('s3cr3t')\nimport os\nos.getcwd()")).value as string;
    const attempt = await intruder.run(`
import os
path = ${where}
outcomes = []
for action in (lambda: os.listdir(path), lambda: open(os.path.join(path, 'secret.txt')).read(),
               lambda: open(os.path.join(path, 'planted.py'), 'w').write('x')):
    try:
        action()
        outcomes.append('done')
    except OSError:
        outcomes.append('refused')
outcomes`);
    expect(attempt.value).toBe("['refused', 'refused', 'refused']");
    expect((await owner.run("import os\nsorted(os.listdir('.'))")).value).toBe("['secret.txt']");
  });
});
