import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, hostileVariants, eventually, makeExecutor } from '../helpers/executors.js';
import { isRunning } from '../helpers/proc.js';
import { writeOnChannel } from '../helpers/channel-attack.js';

afterEach(closeAllExecutors);

const forgeStarted = (executionId: string, victim: number) => `
${writeOnChannel({ type: 'started', id: executionId, pid: victim })}
import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass
`;

describe.each(hostileVariants)('a forged `started` message with the %s strategy, sandbox: %s', (strategy, sandbox) => {
  it("never makes the host signal a process that is not the worker's", async () => {
    const victim = spawn('sleep', ['300'], { stdio: 'ignore' });
    try {
      const executor = makeExecutor(strategy, { sandbox, interruptGraceMs: 200 });
      const result = await executor.run(forgeStarted('forging', victim.pid as number), {
        executionId: 'forging',
        timeoutMs: 1000,
      });
      expect(['timeout', 'crashed']).toContain(result.status);
      expect(isRunning(victim.pid as number)).toBe(true);
      expect((await executor.run('"still serving"')).value).toBe("'still serving'");
      expect(isRunning(victim.pid as number)).toBe(true);
    } finally {
      victim.kill('SIGKILL');
    }
  });
});

// What a result honest for call \`id\` looks like on the channel.
const forgedResult = (id: string) => ({
  type: 'result',
  id,
  status: 'ok',
  value: "'forged'",
  stdout: '',
  stderr: '',
  figures: [],
});

describe.each(hostileVariants)(
  'a call that forges its own result with the %s strategy, sandbox: %s',
  (strategy, sandbox) => {
    it('cannot make the next call wait for it: that call runs, on a replacement if need be', async () => {
      const executor = makeExecutor(strategy, { sandbox, poolSize: 1, interruptGraceMs: 200 });
      const errors: string[] = [];
      executor.on('error', (error) => errors.push(error.code));
      const forger = executor.run(
        `${writeOnChannel(forgedResult('forger'))}\nimport time\nwhile True:\n    time.sleep(0.01)`,
        { executionId: 'forger' },
      );
      const innocent = executor.run('"innocent"', { timeoutMs: 2000 });
      expect((await forger).value).toBe("'forged'"); // its own result is its own business
      const result = await innocent;
      expect(result.status).toBe('ok');
      expect(result.value).toBe("'innocent'");
      if (strategy === 'optimized' || strategy === 'isolated') expect(errors).toContain('PROTOCOL_ERROR');
    });

    // The worker never shows it is idle: the forger spins on with SIGINT ignored. The innocent call
    // sent behind it must not run into its own timeout there.
    it('that then ignores SIGINT and spins cannot make the next call time out', async () => {
      const executor = makeExecutor(strategy, { sandbox, poolSize: 1, interruptGraceMs: 200 });
      executor.on('error', () => undefined); // the PROTOCOL_ERROR of the replaced worker
      const spin = 'import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass';
      const forger = executor.run(`${writeOnChannel(forgedResult('forger'))}\n${spin}`, { executionId: 'forger' });
      const innocent = executor.run('print("hello")', { timeoutMs: 2000 });
      expect((await forger).value).toBe("'forged'");
      expect(await innocent).toMatchObject({ status: 'ok', stdout: 'hello\n' });
    });

    it('gets its worker replaced when the real result comes after the forged one', async () => {
      const executor = makeExecutor(strategy, { sandbox, poolSize: 1 });
      const errors: string[] = [];
      executor.on('error', (error) => errors.push(error.code));
      const pidOf = 'import os\nos.getpid()';
      await executor.run(`${writeOnChannel(forgedResult('forger'))}\nimport time\ntime.sleep(0.3)`, {
        executionId: 'forger',
      });
      if (strategy === 'optimized' || strategy === 'isolated')
        await eventually(() => errors.includes('PROTOCOL_ERROR'));
      const after = await executor.run(pidOf);
      expect(after.status).toBe('ok');
      expect(errors.filter((code) => code !== 'PROTOCOL_ERROR')).toEqual([]);
    });
  },
);

describe.each(hostileVariants)(
  'a process the call forks and lets run on, with the %s strategy, sandbox: %s',
  (strategy, sandbox) => {
    // The child of os.fork() runs the rest of the code, as under python3, then ends there: it must
    // never answer for the call, nor read the host's next message as a second worker would.
    it('prints as under python3 and ends with the code, never serving a call', async () => {
      const executor = makeExecutor(strategy, { sandbox, poolSize: 1 });
      const errors: string[] = [];
      executor.on('error', (error) => errors.push(error.code));
      // The parent prints once the child has ended: unbuffered, their words could interleave.
      const result = await executor.run(
        "import os\npid = os.fork()\nif pid == 0:\n    print('child', os.getpid(), flush=True)\nelse:\n    os.waitpid(pid, 0)\n    print('parent', os.getpid(), flush=True)",
      );
      expect(result.status).toBe('ok');
      const lines = result.stdout.trim().split('\n').sort();
      expect(lines.map((line) => line.split(' ')[0])).toEqual(['child', 'parent']);
      const child = Number(lines[0]?.split(' ')[1]);
      if (!sandbox) expect(isRunning(child)).toBe(false); // in the sandbox, a pid of its own namespace
      const pids = new Set<string>();
      for (let call = 0; call < 6; call++) {
        const next = await executor.run('import os\nos.getpid()');
        expect(next.status).toBe('ok');
        pids.add(next.value as string);
      }
      expect(pids.has(String(child))).toBe(false);
      expect(errors).toEqual([]);
    });
  },
);

describe('a forked call that writes on its socket to the template', () => {
  it('(its word that it is done, with no result) ends at its timeout, and the template serves on', async () => {
    const executor = makeExecutor('forked', { poolSize: 1 });
    // A line the host takes as harmless on the channel (the call's own heartbeat) goes to the socket too.
    const result = await executor.run(
      writeOnChannel({ type: 'running', id: 'self' }) + '\nimport time\ntime.sleep(5)',
      {
        executionId: 'self',
        timeoutMs: 1000,
      },
    );
    expect(result.status).toBe('timeout');
    expect((await executor.run('6 * 7')).value).toBe('42');
  });
});
