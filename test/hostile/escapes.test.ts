import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, eventually, hostileVariants, makeExecutor } from '../helpers/executors.js';
import { isRunning } from '../helpers/proc.js';

afterEach(closeAllExecutors);

const daemonTags: string[] = [];
afterEach(() => {
  for (const pid of daemonTags.splice(0).flatMap(processesTagged)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone, as it should be.
    }
  }
});

// Each daemon ends as `sleep <tag>`: the host finds it by its command line, whatever pid it
// has in its own namespace (in the sandbox, pids inside mean nothing outside).
let daemonCount = 0;
function newTag(): string {
  const tag = `${9000 + daemonCount++}.${process.pid}`;
  daemonTags.push(tag);
  return tag;
}

/** Host pids of the live processes running `sleep <tag>`. */
function processesTagged(tag: string): number[] {
  const wanted = `sleep\0${tag}\0`;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'latin1') === wanted;
      } catch {
        return false;
      }
    })
    .map(Number)
    .filter(isRunning);
}

// A daemon as a service's start script makes one: fork, setsid, fork again, the middle process
// exits, so the grandchild is orphaned and outside every process group the host knows; it then
// becomes `sleep <tag>`. With `keepDescriptors` it keeps every descriptor it inherited (made
// inheritable, the worker's channel to the host among them); without, it closes all but the pipe
// it says it is ready on. The call prints "ready" once it runs.
const daemon = (keepDescriptors: boolean, tag: string) => `
import os, time
read_end, write_end = os.pipe()
def keep_all_open():
    for fd in range(256):
        try:
            os.set_inheritable(fd, fd != write_end)
        except OSError:
            pass
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        ${keepDescriptors ? 'keep_all_open()' : 'os.closerange(0, write_end); os.closerange(write_end + 1, 4096)'}
        os.execvp('sleep', ['sleep', '${tag}'])
    os._exit(0)
os.close(write_end)
os.read(read_end, 1)  # end of file once the daemon runs sleep (its copy closes on exec)
print('ready', flush=True)
`;

// A call's first stdout chunk ("ready").
function firstOutput(): { onStdout: (text: string) => void; output: Promise<string> } {
  let deliver: (text: string) => void = () => {};
  const output = new Promise<string>((resolve) => {
    deliver = resolve;
  });
  return { onStdout: (text) => deliver(text), output };
}

describe.each(hostileVariants)(
  'processes that try to outlive their call, with the %s strategy, sandbox: %s',
  (strategy, sandbox) => {
    describe.each([
      ['closes its descriptors', false],
      ['keeps its inherited descriptors', true],
    ] as const)('a double-forked setsid daemon that %s', (_name, keepDescriptors) => {
      if (strategy !== 'optimized') {
        // optimized keeps a worker's background processes between calls (a documented state leak).
        it('is gone when its call returns', async () => {
          const executor = makeExecutor(strategy, { sandbox });
          const tag = newTag();
          const result = await executor.run(daemon(keepDescriptors, tag));
          expect(result.stdout).toBe('ready\n');
          expect(processesTagged(tag)).toEqual([]);
        });
      }

      it('is gone when its call times out', async () => {
        const executor = makeExecutor(strategy, { sandbox, interruptGraceMs: 200 });
        const { onStdout, output } = firstOutput();
        const tag = newTag();
        const result = await executor.run(`${daemon(keepDescriptors, tag)}\nwhile True:\n    time.sleep(0.01)`, {
          timeoutMs: 700,
          onStdout,
        });
        expect(result.status).toBe('timeout');
        expect(await output).toBe('ready\n');
        await eventually(() => processesTagged(tag).length === 0);
        expect((await executor.run('"still serving"')).value).toBe("'still serving'");
      });

      it('is gone when its call is stopped', async () => {
        const executor = makeExecutor(strategy, { sandbox, interruptGraceMs: 200 });
        const { onStdout, output } = firstOutput();
        const tag = newTag();
        const running = executor.run(`${daemon(keepDescriptors, tag)}\nwhile True:\n    time.sleep(0.01)`, {
          executionId: 'to-stop',
          onStdout,
        });
        await output;
        expect(processesTagged(tag)).toHaveLength(1);
        await executor.stop('to-stop');
        expect((await running).status).toBe('stopped');
        await eventually(() => processesTagged(tag).length === 0);
      });

      it('is gone when the executor closes', async () => {
        const executor = makeExecutor(strategy, { sandbox });
        const { onStdout, output } = firstOutput();
        const tag = newTag();
        const running = executor.run(`${daemon(keepDescriptors, tag)}\nwhile True:\n    time.sleep(0.01)`, {
          onStdout,
        });
        await output;
        expect(processesTagged(tag)).toHaveLength(1);
        await executor.close();
        expect((await running).status).toBe('stopped');
        await eventually(() => processesTagged(tag).length === 0);
      });
    });

    // The worker process dies (here by its own hand) while a daemon it started holds the channel
    // to the host: the host must see the worker gone when its process exits, and end the daemon.
    // Waiting for the pipes to close instead would settle this call only when the daemon ends.
    it('settles a call whose worker died while a daemon holds its channel, and ends the daemon', async () => {
      const executor = makeExecutor(strategy, { sandbox });
      const { onStdout, output } = firstOutput();
      const tag = newTag();
      const holdChannel = `
import os, stat, subprocess, sys
held = [fd for fd in range(3, 256) if _is_pipe(fd)]
daemon = subprocess.Popen(['sleep', '${tag}'], pass_fds=held, start_new_session=True)
print('ready', flush=True)
os.kill(os.getpid(), 9)
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
      await output;
      expect((await result).status).toBe('crashed');
      await eventually(() => processesTagged(tag).length === 0);
      expect((await executor.run('"still serving"')).value).toBe("'still serving'");
    });
  },
);
