import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutor, type PythonExecutor } from '../../src/index.js';
import { eventually, testPython } from '../helpers/executors.js';
import { hasSshd, remoteProcesses, startSshHost, type SshHost } from '../helpers/sshd.js';

// What code running on a remote host can do to the app, to the next tenant, and to the host.
let host: SshHost;
const executors: PythonExecutor[] = [];

beforeAll(async () => {
  if (hasSshd) host = await startSshHost();
}, 60_000);

afterAll(async () => {
  await Promise.all(executors.map((executor) => executor.close()));
  await host?.stop();
});

function onHost(options: Record<string, unknown> = {}): PythonExecutor {
  const executor = createExecutor({ python: testPython, hosts: [{ name: 'remote', ssh: host.ssh }], ...options });
  executors.push(executor);
  return executor;
}

describe.skipIf(!hasSshd)('code on a remote host', () => {
  it("never sees the app's environment: only the executor's `env` option crosses", async () => {
    process.env.PYEXEC_APP_SECRET = 'app-secret-value';
    try {
      const executor = onHost({ env: { GIVEN: 'yes' } });
      const seen = await executor.run(
        'import os\n(os.environ.get("PYEXEC_APP_SECRET"), os.environ.get("GIVEN"), [k for k in os.environ if "SECRET" in k])',
      );
      expect(seen.value).toBe("(None, 'yes', [])");
    } finally {
      delete process.env.PYEXEC_APP_SECRET;
    }
  });

  it('cannot plant code in the cached harness for the next worker or executor: each start checks it', async () => {
    // Every module of the bundle made to leave a mark, and bytecode beside it for good measure.
    const plant = [
      'import glob, json, os',
      'mark = "\\nimport os; open(os.environ[\\"XDG_CACHE_HOME\\"] + \\"/pwned\\", \\"w\\")\\n"',
      'planted = 0',
      'for path in glob.glob(os.environ["XDG_CACHE_HOME"] + "/pyexec/harness-*/bundle.json"):',
      '    files = json.load(open(path))',
      '    files = {name: text + mark for name, text in files.items()}',
      '    json.dump(files, open(path, "w"))',
      '    os.makedirs(os.path.dirname(path) + "/pyexec_harness/__pycache__", exist_ok=True)',
      '    planted += len(files)',
      'planted',
    ].join('\n');
    const tenant = onHost({ strategy: 'optimized' });
    expect(Number((await tenant.run(plant)).value)).toBeGreaterThan(10);
    // Its worker dies: the next one starts from the cache it just changed.
    expect((await tenant.run('import os, signal\nos.kill(os.getpid(), signal.SIGKILL)')).status).toBe('crashed');
    expect((await tenant.run('6 * 7')).value).toBe('42');
    expect(readdirSync(join(host.root, 'cache'))).not.toContain('pwned');
    expect(Number((await tenant.run(plant)).value)).toBeGreaterThan(10);
    await tenant.close();
    const next = onHost();
    expect((await next.run('6 * 7')).value).toBe('42');
    expect(readdirSync(join(host.root, 'cache'))).not.toContain('pwned');
  });

  it('cannot stall the next worker with a FIFO or a symlink in place of the cached harness', async () => {
    const tenant = onHost({ strategy: 'optimized' });
    for (const swap of ['os.mkfifo(path)', 'os.symlink("/dev/zero", path)']) {
      const swapped = await tenant.run(
        [
          'import glob, os',
          '[path] = glob.glob(os.environ["XDG_CACHE_HOME"] + "/pyexec/harness-*/bundle.json")',
          'os.remove(path)',
          swap,
          'os.kill(os.getpid(), 9)',
        ].join('\n'),
      );
      expect(swapped.status).toBe('crashed');
      // (Had the next worker opened it as it is, it would wait on the FIFO past this test's time.)
      expect((await tenant.run('6 * 7')).value).toBe('42');
    }
  });

  it('meets its limits on the host, not only on this side: maxProcesses and memoryMb as rlimits there', async () => {
    // (A cgroup here holds only the launcher: the harness there must bind the tree itself. The
    // tests run as root, for whom the kernel does not enforce RLIMIT_NPROC: the limit is read back.)
    const executor = onHost({ limits: { maxProcesses: 50, memoryMb: 512 } });
    const seen = await executor.run(
      'import resource\n(resource.getrlimit(resource.RLIMIT_NPROC), resource.getrlimit(resource.RLIMIT_AS))',
    );
    expect(seen.value).toBe(`((50, 50), (${512 * 1024 * 1024}, ${512 * 1024 * 1024}))`);
    const grown = await executor.run('b = bytearray(700 * 1024 * 1024)');
    expect(grown.error?.type).toBe('MemoryError');
  });

  it('cannot leave a daemon running on the host after close()', async () => {
    const executor = onHost();
    const marker = `${Math.random()}`.slice(2, 8);
    await executor.run(
      `import os, subprocess\nif os.fork() == 0:\n    os.setsid()\n    subprocess.Popen(["sleep", "98.${marker}"])\n    os._exit(0)`,
    );
    await eventually(() => remoteProcesses(`98.${marker}`).length === 1);
    await executor.close();
    await eventually(() => remoteProcesses(`98.${marker}`).length === 0, 20_000);
  });
});
