import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutor, type PythonExecutor } from '../../src/index.js';
import { eventually, testPython } from '../helpers/executors.js';
import { hasSshd, remoteProcesses, startSshHost, type SshHost } from '../helpers/sshd.js';

// One executor across two "machines": two sshd instances on loopback ports, each with its own
// keys and working root (its sessions' XDG_CACHE_HOME), so that calls tell which ran them.
let a: SshHost;
let b: SshHost;
const executors: PythonExecutor[] = [];
const WHERE = 'import os\nos.environ["XDG_CACHE_HOME"]';

beforeAll(async () => {
  if (!hasSshd) return;
  [a, b] = await Promise.all([startSshHost(), startSshHost()]);
}, 60_000);

afterAll(async () => {
  await Promise.all(executors.map((executor) => executor.close()));
  await Promise.all([a?.stop(), b?.stop()]);
});

function across(options: Record<string, unknown> = {}): PythonExecutor {
  const executor = createExecutor({
    python: testPython,
    hosts: [
      { name: 'a', ssh: a.ssh, capacity: 2 },
      { name: 'b', ssh: b.ssh, capacity: 2 },
    ],
    ...options,
  });
  executors.push(executor);
  return executor;
}

const hostOf = (value: string | undefined) => (value?.includes(a.root) ? 'a' : value?.includes(b.root) ? 'b' : value);

describe.skipIf(!hasSshd)('an executor across two SSH hosts', () => {
  it('spreads calls over both, reports each host in status(), and leaves no process on either after close()', async () => {
    const executor = across({ strategy: 'forked' });
    await executor.warmUp();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => executor.run(`import time\ntime.sleep(0.3)\n${WHERE}`)),
    );
    expect(new Set(results.map((result) => hostOf(result.value ?? undefined)))).toEqual(new Set(['a', 'b']));
    expect(executor.status().hosts).toEqual([
      expect.objectContaining({ name: 'a', state: 'up', capacity: 2, running: 0 }),
      expect.objectContaining({ name: 'b', state: 'up', capacity: 2, running: 0 }),
    ]);
    await executor.close();
    await eventually(() => remoteProcesses(`${a.root}/cache`).length + remoteProcesses(`${b.root}/cache`).length === 0);
  });

  it('keeps a session on its host for life, and names the host', async () => {
    const executor = across();
    const session = await executor.createSession();
    const first = hostOf((await session.run(WHERE)).value ?? undefined);
    await session.run('kept = 41');
    for (let i = 0; i < 3; i++) expect(hostOf((await session.run(WHERE)).value ?? undefined)).toBe(first);
    expect((await session.run('kept + 1')).value).toBe('42');
    expect(executor.sessions()).toEqual([expect.objectContaining({ id: session.id, host: first })]);
  });

  it('marks a host that died down, sends calls to the other, and brings it back up', async () => {
    const executor = across({ timeoutMs: 20_000 });
    const events: string[] = [];
    executor.on('host:down', ({ name }) => events.push(`down:${name}`));
    executor.on('host:up', ({ name }) => events.push(`up:${name}`));
    await executor.warmUp();
    const session = await executor.createSession();
    expect(executor.sessions()).toEqual([expect.objectContaining({ id: session.id, host: 'a' })]); // (a tie: the first)
    // A call running on a when a dies: crashed, naming the host; its session lost, naming it too.
    const running = Array.from({ length: 4 }, () => executor.run(`import time\ntime.sleep(3)\n${WHERE}`));
    await eventually(() => executor.status().running.length === 4);
    await a.crash();
    const settled = await Promise.all(running);
    const crashed = settled.filter((result) => result.status === 'crashed');
    expect(crashed.length).toBeGreaterThan(0);
    expect(crashed[0]?.error?.message).toContain('on host a');
    await eventually(() => events.includes('down:a'), 20_000);
    await expect(session.run('1')).rejects.toMatchObject({
      code: 'SESSION_LOST',
      message: expect.stringContaining('lost on host a'),
    });
    for (let i = 0; i < 4; i++) expect(hostOf((await executor.run(WHERE)).value ?? undefined)).toBe('b');
    expect(executor.status().hosts?.[0]).toMatchObject({ name: 'a', state: 'down' });
    expect(executor.status().hosts?.[0]?.lastError).toMatch(/refused|closed|reset|connect/i); // ssh's word, not a guess
    events.length = 0;
    await a.restart();
    await eventually(() => events.includes('up:a'), 30_000);
    expect(executor.status().hosts?.[0]?.state).toBe('up');
  }, 90_000);

  it('sends the calls queued on a host that died to the other', async () => {
    const executor = createExecutor({
      python: testPython,
      timeoutMs: 30_000,
      hosts: [
        { name: 'a', ssh: a.ssh, capacity: 1 },
        { name: 'b', ssh: b.ssh, capacity: 1 },
      ],
    });
    executors.push(executor);
    await executor.warmUp();
    const calls = Array.from({ length: 4 }, () => executor.run(`import time\ntime.sleep(2)\n${WHERE}`));
    await eventually(() => executor.status().hosts?.every((host) => host.running === 1 && host.queued === 1) === true);
    await a.crash();
    const settled = await Promise.all(calls);
    // The call running on a crashed; the one waiting there ran on b, after b's own two.
    expect(settled.map((result) => result.status).sort()).toEqual(['crashed', 'ok', 'ok', 'ok']);
    const ran = settled.filter((result) => result.status === 'ok').map((result) => hostOf(result.value ?? undefined));
    expect(ran).toEqual(['b', 'b', 'b']);
    await a.restart();
  }, 60_000);

  it('rejects NO_HOST_AVAILABLE once a call waited its timeout with every host down', async () => {
    const executor = createExecutor({
      python: testPython,
      hosts: [{ name: 'nowhere', ssh: { ...a.ssh, port: 1 } }],
    });
    executors.push(executor);
    await expect(executor.run('1', { timeoutMs: 1500 })).rejects.toMatchObject({
      code: 'NO_HOST_AVAILABLE',
      message: expect.stringContaining('nowhere'),
    });
  });

  it('refuses bad hosts naming them', () => {
    expect(() => createExecutor({ hosts: [{ ssh: a.ssh } as never] })).toThrow(/hosts\[0\] has no `name`/);
    expect(() =>
      createExecutor({
        hosts: [
          { name: 'x', ssh: a.ssh },
          { name: 'x', ssh: b.ssh },
        ],
      }),
    ).toThrow(/two hosts are named `x`/);
    expect(() => createExecutor({ hosts: [{ name: 'y', ssh: a.ssh, kubernetes: {} } as never] })).toThrow(
      /Unknown option `hosts\[0\]\.kubernetes`/,
    );
    expect(() => createExecutor({ hosts: [{ name: 'z', ssh: a.ssh }], sandbox: true })).toThrow(
      /`sandbox` option cannot be combined with `hosts`/,
    );
  });

  it('fails a launcher that is not found as LAUNCHER_NOT_FOUND naming the host', async () => {
    const executor = createExecutor({
      python: testPython,
      hosts: [{ name: 'ghost', command: ['/nonexistent/launcher'] }],
    });
    executors.push(executor);
    const down = new Promise((resolve) => executor.once('host:down', resolve));
    await expect(executor.run('1', { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'NO_HOST_AVAILABLE' });
    expect(await down).toMatchObject({
      name: 'ghost',
      error: expect.objectContaining({ code: 'LAUNCHER_NOT_FOUND', message: expect.stringContaining('host ghost') }),
    });
  });
});
