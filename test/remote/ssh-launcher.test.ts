import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { launcherOf } from '../../src/hosts/presets.js';
import { closeAllExecutors, contractStrategies, eventually, makeExecutor, testPython } from '../helpers/executors.js';
import { processesNaming } from '../helpers/proc.js';
import { hasSshd, remoteProcesses, startSshHost, type SshHost } from '../helpers/sshd.js';

// The harness on the other side of a real OpenSSH connection (an sshd on a loopback port): sent
// through the launcher into a cache named by its hash, its command line quoted for the remote
// shell, and nothing of it left there after a timeout or close().
let host: SshHost;
const cacheOf = () => join(host.root, 'cache', 'pyexec');
const throughSsh = (extra: Record<string, unknown> = {}) => ({
  ...launcherOf('host', { ssh: host.ssh }),
  shipHarness: true,
  python: testPython,
  ...extra,
});

beforeAll(async () => {
  if (hasSshd) host = await startSshHost();
}, 60_000);

afterAll(async () => {
  await closeAllExecutors();
  await host?.stop();
});

describe.skipIf(!hasSshd)('workers through ssh', () => {
  describe.each(contractStrategies)('with the %s strategy', (strategy) => {
    it('run calls with the harness shipped once into the cache, and leave nothing running after close()', async () => {
      const executor = makeExecutor(strategy, throughSsh({ env: { QUOTED: `it's "$HOME" \`id\` \\ ;` } }));
      // (A test that fails leaves no worker for the next one's count: it is closed either way.)
      onTestFinished(() => executor.close());
      const result = await executor.run('import os, sys\nprint(sys.argv)\nos.environ["QUOTED"]');
      expect(result).toMatchObject({ status: 'ok', value: `'it\\'s "$HOME" \`id\` \\\\ ;'` });
      const [cached] = readdirSync(cacheOf()).filter((name) => name.startsWith('harness-'));
      expect(cached).toMatch(/^harness-[0-9a-f]{32}$/);
      const remote = join(cacheOf(), cached as string);
      await eventually(() => remoteProcesses(remote).length > 0); // its workers run the shipped harness (baseline's next one too)
      await executor.close();
      await eventually(() => remoteProcesses(remote).length === 0);
    });
  });

  it('ends a timed-out call and what it started on the remote side', async () => {
    const executor = makeExecutor('optimized', throughSsh({ timeoutMs: 1500 }));
    const marker = `${Math.random()}`.slice(2, 8);
    const result = await executor.run(
      `import subprocess, time\nsubprocess.Popen(["sleep", "97.${marker}"], start_new_session=True)\ntime.sleep(60)`,
    );
    expect(result.status).toBe('timeout');
    await eventually(() => processesNaming(`97.${marker}`).length === 0, 20_000);
    expect((await executor.run('6 * 7')).value).toBe('42');
    await executor.close();
  });

  it('reuses the cached harness, and writes it again when it changed', async () => {
    const first = makeExecutor('optimized', throughSsh());
    await first.run('1');
    await first.close();
    const [cached] = readdirSync(cacheOf()).filter((name) => name.startsWith('harness-'));
    const main = join(cacheOf(), cached as string, 'bundle.json');
    const written = statSync(main).mtimeMs;
    const second = makeExecutor('optimized', throughSsh());
    await second.run('1');
    await second.close();
    expect(statSync(main).mtimeMs).toBe(written); // reused as it was
    writeFileSync(main, '{"pyexec_harness/__init__.py": "raise SystemExit(\\"tampered\\")"}');
    const third = makeExecutor('optimized', throughSsh());
    expect((await third.run('6 * 7')).value).toBe('42'); // checked by its hash, and written again
    await third.close();
    expect(readdirSync(cacheOf()).filter((name) => name.startsWith('.harness-'))).toEqual([]);
  });

  it('falls back to a private temporary directory where the cache cannot be written', async () => {
    const ssh = launcherOf('host', { ssh: host.ssh });
    const executor = makeExecutor('optimized', {
      command: [...ssh.command, 'env', 'XDG_CACHE_HOME=/dev/null/not-a-directory'],
      commandQuoting: 'shell',
      shipHarness: true,
      python: testPython,
    });
    expect((await executor.run('6 * 7')).value).toBe('42');
    expect(remoteProcesses(`${tmpdir()}/pyexec-harness-`).length).toBeGreaterThan(0);
    await executor.close();
  });

  it('fails to start naming the launcher when the host cannot be reached', async () => {
    const executor = makeExecutor('optimized', {
      ...launcherOf('host', { ssh: { ...host.ssh, port: 1 } }),
      shipHarness: true,
      python: testPython,
    });
    await expect(executor.run('1')).rejects.toMatchObject({
      code: 'WORKER_START_FAILED',
      message: expect.stringMatching(/Could not send the harness through `ssh .*127\.0\.0\.1 --`: .*(refused|port 1)/),
    });
  });
});
