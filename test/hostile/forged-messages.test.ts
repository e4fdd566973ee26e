import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';
import { isRunning } from '../helpers/proc.js';

afterEach(closeAllExecutors);


// User code writes a `started` naming a process of the host's user onto the protocol channel
// (every pipe or socket it holds that is not its own stdout or stderr: Node's stdio pipes are
// socket pairs), then runs into its timeout: the host must not signal that process.
const forgeStarted = (executionId: string, victim: number) => `
import os, stat, fcntl, json
line = (json.dumps({"type": "started", "id": "${executionId}", "pid": ${victim}}) + "\\n").encode()
own = {os.fstat(1).st_ino, os.fstat(2).st_ino}
for fd in range(3, 256):
    try:
        info = os.fstat(fd)
        if (stat.S_ISFIFO(info.st_mode) or stat.S_ISSOCK(info.st_mode)) and info.st_ino not in own:
            if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE != os.O_RDONLY:
                os.write(fd, line)
    except OSError:
        continue
import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass
`;

describe.each(contractStrategies)('a forged `started` message with the %s strategy', (strategy) => {
  it('never makes the host signal a process that is not the worker\'s', async () => {
    const victim = spawn('sleep', ['300'], { stdio: 'ignore' });
    try {
      const executor = makeExecutor(strategy, { interruptGraceMs: 200 });
      const result = await executor.run(forgeStarted('forging', victim.pid as number), { executionId: 'forging', timeoutMs: 1000 });
      expect(['timeout', 'crashed']).toContain(result.status);
      expect(isRunning(victim.pid as number)).toBe(true);
      expect((await executor.run('"still serving"')).value).toBe("'still serving'");
      expect(isRunning(victim.pid as number)).toBe(true);
    } finally {
      victim.kill('SIGKILL');
    }
  });
});
