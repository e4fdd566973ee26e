import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionResult, PythonExecutor } from '../../src/index.js';
import { treeLimitsEnforceable } from '../../src/worker/cgroup.js';
import { closeAllExecutors, eventually, hostileVariants, makeExecutor } from '../helpers/executors.js';
import { describeHostCgroups, hostCgroups } from '../helpers/proc.js';

afterEach(closeAllExecutors);

// Whether this machine lets the host make cgroups (root, or a delegated subtree): then
// maxProcesses and memoryMb bind a worker's whole process tree (see docs/SECURITY.md).
const cgroups = treeLimitsEnforceable({ maxProcesses: 1, memoryMb: 64 });

// Every attack ends the same way: the pool serves the next call, and answers it right.
async function stillServing(executor: PythonExecutor): Promise<void> {
  const next = await executor.run('6 * 7');
  expect(next.status, next.error?.message).toBe('ok');
  expect(next.value).toBe('42');
}

function expectStatus(result: ExecutionResult, ...statuses: string[]): void {
  expect(statuses, `${result.status}: ${result.error?.type}: ${result.error?.message}`).toContain(result.status);
}

describe.each(hostileVariants)('attacks on the %s strategy, sandbox: %s', (strategy, sandbox) => {
  it('a fork bomb stops at limits.maxProcesses and is gone after the call', async () => {
    const executor = makeExecutor(strategy, { sandbox, limits: { maxProcesses: 20 }, timeoutMs: 20_000 });
    const bomb = `
import subprocess
started = []
for _ in range(200):
    try:
        started.append(subprocess.Popen(['sleep', '60']))
    except OSError:
        break
len(started)`;
    const result = await executor.run(bomb);
    expect(result.status).toBe('ok');
    if (cgroups) expect(Number(result.value)).toBeLessThanOrEqual(20);
    await stillServing(executor);
  });

  it.runIf(cgroups)("leaves none of its workers' cgroups behind once closed", async () => {
    const executor = makeExecutor(strategy, { sandbox, limits: { maxProcesses: 20, memoryMb: 512 } });
    await executor.run("import subprocess\nfor _ in range(5):\n    subprocess.Popen(['sleep', '60'])");
    await executor.close();
    // Idle workers shut down and reap their trees; the rest is killed, and its cgroup retried.
    await eventually(() => hostCgroups().length === 0, 15_000, describeHostCgroups);
  });

  it('a memory bomb is a MemoryError under limits.memoryMb, and the worker serves on', async () => {
    const executor = makeExecutor(strategy, { sandbox, limits: { memoryMb: 512 } });
    const result = await executor.run('blob = bytearray(4 * 1024 ** 3)');
    expectStatus(result, 'error', 'crashed');
    if (result.status === 'error') expect(result.error?.type).toBe('MemoryError');
    await stillServing(executor);
  });

  it.runIf(cgroups)("limits.memoryMb binds the call's whole process tree, not each process", async () => {
    const executor = makeExecutor(strategy, { sandbox, limits: { memoryMb: 256 } });
    const spread = `
import subprocess, sys
hog = "x = bytearray(150 * 1024 * 1024)\\nimport time\\ntime.sleep(2)"
children = [subprocess.Popen([sys.executable, '-c', hog]) for _ in range(3)]
[child.wait() for child in children]`;
    const result = await executor.run(spread);
    expectStatus(result, 'ok', 'crashed');
    if (result.status === 'ok') expect(result.value).toContain('-9'); // the kernel killed one at least
    await stillServing(executor);
  });

  // What a call allocated goes back to the system when it ends, so an idle worker does not sit on
  // a past call's gigabytes. (In the sandbox, status() gives no RSS: its pids are not the host's.)
  it.runIf(!sandbox && strategy === 'optimized')(
    'an idle optimized worker holds no memory of its last call',
    async () => {
      const executor = makeExecutor(strategy);
      await executor.run('1');
      const idle = executor.status().workers[0]?.rssMb as number;
      expect((await executor.run('hog = [str(i) for i in range(4_000_000)]\nlen(hog)')).value).toBe('4000000');
      expect(executor.status().workers[0]?.rssMb).toBeLessThan(idle + 50); // the hog took ~300 MB
    },
  );

  it('a CPU loop that swallows SIGINT times out and its worker is replaced', async () => {
    const executor = makeExecutor(strategy, { sandbox, interruptGraceMs: 200 });
    const result = await executor.run(
      'import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass',
      { timeoutMs: 500 },
    );
    expect(result.status).toBe('timeout');
    await stillServing(executor);
  });

  it('endless output is cut at limits.maxOutputBytes and times out', async () => {
    const executor = makeExecutor(strategy, { sandbox, limits: { maxOutputBytes: 100_000 } });
    const result = await executor.run("while True:\n    print('x' * 1000)", { timeoutMs: 700 });
    expect(result.status).toBe('timeout');
    expect(result.truncated).toBe(true);
    // The limit, and room for the note of what was dropped (the host bounds it so, whatever comes).
    expect(result.stdout.length).toBeLessThanOrEqual(100_000 + 256);
    await stillServing(executor);
  });

  it('a huge single line and invalid UTF-8 come back as text within the limit', async () => {
    const executor = makeExecutor(strategy, { sandbox, limits: { maxOutputBytes: 1_000_000 } });
    const result = await executor.run(
      "import os\nos.write(1, b'\\xff\\xfe\\xc3 bad utf-8\\n')\nprint('y' * 50_000_000)",
    );
    expect(result.status).toBe('ok');
    expect(result.truncated).toBe(true);
    expect(result.stdout.startsWith('\ufffd')).toBe(true);
    await stillServing(executor);
  });

  it('a segfault and os.abort are crashes, and the pool replaces the worker', async () => {
    const executor = makeExecutor(strategy, { sandbox });
    expect((await executor.run('import ctypes\nctypes.string_at(0)')).status).toBe('crashed');
    expect((await executor.run('import os\nos.abort()')).status).toBe('crashed');
    await stillServing(executor);
  });

  it('closing or overwriting every descriptor ends only that call', async () => {
    const executor = makeExecutor(strategy, { sandbox, timeoutMs: 5000, interruptGraceMs: 200 });
    expectStatus(await executor.run("import os\nos.closerange(0, 256)\nprint('lost')"), 'crashed', 'timeout');
    expectStatus(
      await executor.run(
        'import os\nr, w = os.pipe()\nfor fd in range(256):\n    try:\n        os.dup2(w, fd)\n    except OSError:\n        pass',
      ),
      'crashed',
      'timeout',
    );
    await stillServing(executor);
  });

  it('garbage written on every descriptor is a protocol error, not a hang', async () => {
    const executor = makeExecutor(strategy, { sandbox, timeoutMs: 5000 });
    executor.on('error', () => {}); // the PROTOCOL_ERROR it causes
    const garbage =
      "import os\nfor fd in range(256):\n    try:\n        os.write(fd, b'\\x00{garbage\\n not json\\n')\n    except OSError:\n        pass";
    expectStatus(await executor.run(garbage), 'ok', 'crashed');
    await stillServing(executor);
  });

  it('exhausting file descriptors fails that call only', async () => {
    const executor = makeExecutor(strategy, { sandbox });
    const result = await executor.run('import os\nfds = [os.open(os.devnull, os.O_RDONLY) for _ in range(10 ** 6)]');
    expect(result.error?.type).toBe('OSError');
    // optimized keeps what a call left (its documented state leak): one more call may fail.
    if (strategy === 'optimized') await executor.run('1');
    await stillServing(executor);
  });

  it('filling the disk stops at limits.maxFileSizeMb', async () => {
    const executor = makeExecutor(strategy, { sandbox, limits: { maxFileSizeMb: 1 } });
    const result = await executor.run("with open('fill.bin', 'wb') as f:\n    f.write(b'x' * (8 * 1024 * 1024))");
    expect(result.status).toBe('error');
    expect(result.error?.type).toBe('OSError');
    await stillServing(executor);
  });

  // Outside the sandbox, an optimized or baseline call's parent is Node itself: only the sandbox
  // (or a strategy where the parent is a harness process) keeps this from killing the host.
  it.runIf(sandbox || strategy === 'isolated' || strategy === 'forked')(
    'killing its parent kills no host process',
    async () => {
      const executor = makeExecutor(strategy, { sandbox });
      const result = await executor.run(
        'import os, signal, time\nos.kill(os.getppid(), signal.SIGKILL)\ntime.sleep(0.5)',
      );
      expectStatus(result, 'ok', 'crashed');
      await stillServing(executor);
    },
  );
});
