import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, contractStrategies, eventually, makeExecutor } from '../helpers/executors.js';
import { isRunning } from '../helpers/proc.js';

afterEach(closeAllExecutors);

const daemons: number[] = [];
afterEach(() => {
  for (const pid of daemons.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone, as it should be.
    }
  }
});

// A daemon as a service's start script makes one: fork, setsid, fork again, the middle process
// exits, so the grandchild is orphaned and outside every process group the host knows. With
// `keepDescriptors` it also keeps every descriptor it inherited (the worker's channel to the host
// among them); without, it closes all but the pipe it reports its pid on. It prints its pid.
const daemon = (keepDescriptors: boolean) => `
import os, time
read_end, write_end = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        ${keepDescriptors ? 'pass' : 'os.closerange(0, write_end); os.closerange(write_end + 1, 4096)'}
        os.write(write_end, str(os.getpid()).encode())
        os.close(write_end)
        while True:
            time.sleep(1)
    os._exit(0)
os.close(write_end)
print(os.read(read_end, 32).decode(), flush=True)
`;

async function daemonOf(output: Promise<string>): Promise<number> {
  const pid = Number((await output).trim());
  expect(pid).toBeGreaterThan(0);
  daemons.push(pid);
  return pid;
}

// A call's first stdout chunk, which holds the daemon's pid.
function firstOutput(): { onStdout: (text: string) => void; output: Promise<string> } {
  let deliver: (text: string) => void = () => {};
  const output = new Promise<string>((resolve) => {
    deliver = resolve;
  });
  return { onStdout: (text) => deliver(text), output };
}

describe.each(contractStrategies)('processes that try to outlive their call, with the %s strategy', (strategy) => {
  describe.each([
    ['closes its descriptors', false],
    ['keeps its inherited descriptors', true],
  ] as const)('a double-forked setsid daemon that %s', (_name, keepDescriptors) => {
    if (strategy !== 'optimized') {
      // optimized keeps a worker's background processes between calls (a documented state leak).
      it('is gone when its call returns', async () => {
        const executor = makeExecutor(strategy);
        const result = await executor.run(daemon(keepDescriptors));
        expect(result.status).toBe('ok');
        const pid = await daemonOf(Promise.resolve(result.stdout));
        expect(isRunning(pid)).toBe(false);
      });
    }

    it('is gone when its call times out', async () => {
      const executor = makeExecutor(strategy, { interruptGraceMs: 200 });
      const { onStdout, output } = firstOutput();
      const result = await executor.run(`${daemon(keepDescriptors)}\nwhile True:\n    time.sleep(0.01)`, { timeoutMs: 700, onStdout });
      expect(result.status).toBe('timeout');
      const pid = await daemonOf(output);
      await eventually(() => !isRunning(pid));
      expect((await executor.run('"still serving"')).value).toBe("'still serving'");
    });

    it('is gone when its call is stopped', async () => {
      const executor = makeExecutor(strategy, { interruptGraceMs: 200 });
      const { onStdout, output } = firstOutput();
      const running = executor.run(`${daemon(keepDescriptors)}\nwhile True:\n    time.sleep(0.01)`, { executionId: 'to-stop', onStdout });
      const pid = await daemonOf(output);
      await executor.stop('to-stop');
      expect((await running).status).toBe('stopped');
      await eventually(() => !isRunning(pid));
    });

    it('is gone when the executor closes', async () => {
      const executor = makeExecutor(strategy);
      const { onStdout, output } = firstOutput();
      const running = executor.run(`${daemon(keepDescriptors)}\nwhile True:\n    time.sleep(0.01)`, { onStdout });
      const pid = await daemonOf(output);
      await executor.close();
      expect((await running).status).toBe('stopped');
      expect(isRunning(pid)).toBe(false);
    });
  });

  // The worker process dies (here by its own hand) while a daemon it started holds the channel
  // to the host: the host must see the worker gone when its process exits, and end the daemon.
  // Waiting for the pipes to close instead would settle this call only when the daemon ends.
  it('settles a call whose worker died while a daemon holds its channel, and ends the daemon', async () => {
    const executor = makeExecutor(strategy);
    const { onStdout, output } = firstOutput();
    const holdChannel = `
import os, stat, subprocess, sys
held = [fd for fd in range(3, 256) if _is_pipe(fd)]
daemon = subprocess.Popen(['sleep', '300'], pass_fds=held, start_new_session=True)
print(daemon.pid, flush=True)
os._exit(3)
`;
    const isPipe = `
import os, stat
def _is_pipe(fd):
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)
`;
    const result = executor.run(isPipe + holdChannel, { onStdout });
    const pid = await daemonOf(output);
    expect((await result).status).toBe('crashed');
    await eventually(() => !isRunning(pid));
    expect((await executor.run('"still serving"')).value).toBe("'still serving'");
  });
});
