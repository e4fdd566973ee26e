import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvironment, installPackages, type PyExecError } from '../../src/index.js';
import { closeAllExecutors, contractStrategies, eventually, makeExecutor, testPython } from '../helpers/executors.js';
import { buildWheels, holdInstallLock, serveIndex, type PackageIndex } from '../helpers/package-index.js';
import { processesNaming } from '../helpers/proc.js';

// Offline: tiny wheels built here from source, served by a PEP 503 index on 127.0.0.1.
let wheels: string;
let index: PackageIndex;
const scratch = mkdtempSync(join(tmpdir(), 'pyexec-install-test-'));
const fresh = (name: string) => join(scratch, `${name}-${Math.random().toString(36).slice(2)}`);

beforeAll(async () => {
  wheels = buildWheels([
    { name: 'pyexec-probe-a', version: '1.0', module: 'pyexec_probe_a' },
    { name: 'pyexec-probe-a', version: '2.0', module: 'pyexec_probe_a' },
    { name: 'pyexec-dep-user', version: '1.0', module: 'pyexec_dep_user', requires: ['pyexec-probe-a>=2'] },
    { name: 'pyexec-odd-name', version: '1.0', module: 'oddmodule' },
  ]);
  index = await serveIndex(wheels);
}, 120_000);

afterAll(async () => {
  await closeAllExecutors();
  await index.close();
});

const fromIndex = () => ({ python: testPython, indexUrl: index.url });

function pythonRuns(python: string, code: string): string {
  return execFileSync(python, ['-c', code], { encoding: 'utf8' }).trim();
}

describe('installPackages', () => {
  it('installs into a new venv, with dependencies, and every strategy imports from it', async () => {
    const venv = fresh('venv');
    const output: string[] = [];
    const result = await installPackages(['pyexec-dep-user'], {
      ...fromIndex(),
      venv,
      onOutput: (text) => output.push(text),
    });
    expect(result.installed).toEqual(
      expect.arrayContaining([
        { name: 'pyexec-dep-user', version: '1.0' },
        { name: 'pyexec-probe-a', version: '2.0' },
      ]),
    );
    expect(result.python).toBe(join(venv, 'bin', 'python'));
    expect(output.join('')).toContain('Successfully installed');
    expect(result.log).toContain('Successfully installed');
    for (const strategy of contractStrategies) {
      const executor = makeExecutor(strategy, { python: result.python });
      expect((await executor.run('import pyexec_dep_user, pyexec_probe_a\npyexec_probe_a.VERSION')).value).toBe(
        "'2.0'",
      );
    }
    expect(execFileSync(result.python, ['-m', 'pip', 'check'], { encoding: 'utf8' })).toContain(
      'No broken requirements',
    );
  });

  it('pins versions and upgrades', async () => {
    const venv = fresh('venv');
    const pinned = await installPackages(['pyexec-probe-a==1.0'], { ...fromIndex(), venv });
    expect(pinned.installed).toEqual([{ name: 'pyexec-probe-a', version: '1.0' }]);
    const upgraded = await installPackages(['pyexec-probe-a>1.0'], { ...fromIndex(), venv });
    expect(upgraded.installed).toEqual([{ name: 'pyexec-probe-a', version: '2.0' }]);
    expect(pythonRuns(pinned.python, 'import pyexec_probe_a; print(pyexec_probe_a.VERSION)')).toBe('2.0');
  });

  it('installs into a target directory that workers can put on sys.path', async () => {
    const target = fresh('target');
    const result = await installPackages(['pyexec-odd-name'], { ...fromIndex(), target });
    expect(result.installed).toEqual([{ name: 'pyexec-odd-name', version: '1.0' }]);
    expect(readdirSync(target)).toContain('oddmodule');
    const executor = makeExecutor('optimized', { env: { PYTHONPATH: target } });
    expect((await executor.run('import oddmodule\noddmodule.VERSION')).value).toBe("'1.0'");
  });

  it.skipIf(!existsSync('/usr/lib/python3.11/EXTERNALLY-MANAGED') && !process.env.CI)(
    'refuses to write into an externally managed interpreter (PEP 668) and points to venv and target',
    async () => {
      const error = (await installPackages(['pyexec-probe-a'], {
        python: '/usr/bin/python3',
        indexUrl: index.url,
      }).catch((e: unknown) => e)) as PyExecError;
      expect(error.code).toBe('INSTALL_FAILED');
      expect(error.message).toMatch(/externally managed \(PEP 668.*`venv`.*`target`/s);
    },
  );

  it('refuses bad requirements before pip runs: the index is asked nothing', async () => {
    const before = index.requests.length;
    for (const bad of [
      '--index-url=http://127.0.0.1:1/',
      'a; rm -rf ~',
      'x\ny',
      '../escape',
      'evil @ https://example.invalid/e.whl',
    ]) {
      await expect(installPackages([bad], { ...fromIndex(), venv: fresh('venv') })).rejects.toMatchObject({
        code: 'INVALID_REQUIREMENT',
      });
    }
    expect(index.requests.length).toBe(before);
  });

  it("names the requirement pip could not install, with pip's own words", async () => {
    await expect(
      installPackages(['pyexec-no-such-distribution==1.0'], { ...fromIndex(), venv: fresh('venv') }),
    ).rejects.toMatchObject({
      code: 'INSTALL_FAILED',
      message: expect.stringMatching(
        /pyexec-no-such-distribution==1\.0[\s\S]*(No matching distribution|Could not find)/,
      ),
    });
  });

  it('times out against an index that never answers, leaving no pip behind', async () => {
    const silent = await serveIndex(wheels, { silent: true });
    try {
      const venv = fresh('venv');
      await createEnvironment(venv, { python: testPython });
      await expect(
        installPackages(['pyexec-probe-a'], { python: testPython, venv, indexUrl: silent.url, timeoutMs: 3000 }),
      ).rejects.toMatchObject({
        code: 'INSTALL_TIMEOUT',
      });
      expect(processesNaming(venv, 'pip')).toEqual([]);
    } finally {
      await silent.close();
    }
  });

  it('rejects with an AbortError when its signal aborts, leaving no pip behind', async () => {
    const silent = await serveIndex(wheels, { silent: true });
    try {
      const venv = fresh('venv');
      await createEnvironment(venv, { python: testPython });
      const controller = new AbortController();
      const installing = installPackages(['pyexec-probe-a'], {
        python: testPython,
        venv,
        indexUrl: silent.url,
        signal: controller.signal,
      });
      await eventually(() => silent.requests.length > 0, 20_000);
      controller.abort();
      await expect(installing).rejects.toMatchObject({ name: 'AbortError' });
      expect(processesNaming(venv, 'pip')).toEqual([]);
    } finally {
      await silent.close();
    }
  });

  it('serializes concurrent installs into one venv, which stays consistent', async () => {
    const venv = fresh('venv');
    await createEnvironment(venv, { python: testPython });
    const results = await Promise.all([
      installPackages(['pyexec-probe-a==1.0'], { ...fromIndex(), venv }),
      installPackages(['pyexec-dep-user'], { ...fromIndex(), venv }),
      installPackages(['pyexec-odd-name'], { ...fromIndex(), venv }),
      installPackages(['pyexec-probe-a>=2'], { ...fromIndex(), venv }),
    ]);
    expect(results).toHaveLength(4);
    expect(execFileSync(join(venv, 'bin', 'python'), ['-m', 'pip', 'check'], { encoding: 'utf8' })).toContain(
      'No broken requirements',
    );
  });

  it("waits for another process that installs into the same venv (the lock is the kernel's)", async () => {
    const venv = fresh('venv');
    await createEnvironment(venv, { python: testPython });
    // Another process (another host, say) holds the venv's install lock; before letting go it
    // looks whether anything was installed meanwhile (without the lock, pip would have been).
    const said = await holdInstallLock(testPython, venv, 4, 'glob.glob(d + "/lib/*/site-packages/pyexec_probe_a*")');
    const result = await installPackages(['pyexec-probe-a==1.0'], { ...fromIndex(), venv });
    expect(said()).toBe('held\nuntouched\n'); // pip ran only once the other process let go
    expect(result.installed).toEqual([{ name: 'pyexec-probe-a', version: '1.0' }]);
  });

  it('works when HOME cannot hold a cache (not a directory)', async () => {
    const saved = process.env.HOME;
    process.env.HOME = '/dev/null'; // even root cannot make ~/.cache there
    try {
      const result = await installPackages(['pyexec-probe-a==1.0'], { ...fromIndex(), venv: fresh('venv') });
      expect(result.installed).toEqual([{ name: 'pyexec-probe-a', version: '1.0' }]);
      expect(result.log).not.toMatch(/cache.*(disabled|not writable)/i);
    } finally {
      process.env.HOME = saved;
    }
  });

  it('refuses venv and target together, naming both', async () => {
    await expect(installPackages(['pyexec-probe-a'], { venv: fresh('a'), target: fresh('b') })).rejects.toThrow(
      'Give `venv` or `target`, not both',
    );
  });
});
