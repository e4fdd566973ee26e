import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEnvironment, detectImports, findMissingModules, installPackages } from '../../src/index.js';
import { closeAllExecutors, makeExecutor, sandboxAvailable, testPython } from '../helpers/executors.js';
import { buildWheels, holdInstallLock, serveIndex, type PackageIndex } from '../helpers/package-index.js';

// Installs and the helpers around them run as the host's user: nothing another local user (or
// a call) left in a shared place may run inside them or choose what they install.
let wheels: string;
let index: PackageIndex;
const scratch = mkdtempSync(join(tmpdir(), 'pyexec-install-hardening-'));
const fresh = (name: string) => join(scratch, `${name}-${Math.random().toString(36).slice(2)}`);
const savedEnv = { ...process.env };
const savedCwd = process.cwd();

beforeAll(async () => {
  wheels = buildWheels([
    { name: 'pyexec-probe-a', version: '1.0', module: 'pyexec_probe_a' },
    { name: 'pyexec-probe-b', version: '1.0', module: 'pyexec_probe_b' },
  ]);
  index = await serveIndex(wheels);
}, 120_000);

afterEach(() => {
  process.chdir(savedCwd);
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

afterAll(async () => {
  await closeAllExecutors();
  await index.close();
});

// A directory as a hostile local user leaves it: modules the helpers import, a pip of its own,
// a module the analysis would report as installed, and a wheel named like a requirement.
function plantedDirectory(): { dir: string; ran: () => boolean } {
  const dir = fresh('planted');
  mkdirSync(dir);
  const marker = join(dir, 'PLANTED-CODE-RAN');
  const payload = `open(${JSON.stringify(marker)}, "a").write("ran\\n")\n`;
  for (const module of ['json', 'ast', 'runpy', 'fcntl', 'importlib_metadata', 'venv', 'pyexec_planted_module']) {
    writeFileSync(join(dir, `${module}.py`), payload);
  }
  mkdirSync(join(dir, 'pip'));
  writeFileSync(join(dir, 'pip', '__init__.py'), payload);
  writeFileSync(join(dir, 'pip', '__main__.py'), payload);
  return { dir, ran: () => existsSync(marker) };
}

describe('helpers run from a directory of their own', () => {
  it("import nothing planted in Node's working directory or the temp directory", async () => {
    const planted = plantedDirectory();
    process.chdir(planted.dir);
    process.env.TMPDIR = planted.dir;
    expect(await detectImports('import pyexec_planted_module', { python: testPython })).toEqual([
      'pyexec_planted_module',
    ]);
    expect(await findMissingModules('import pyexec_planted_module', { python: testPython })).toEqual([
      { module: 'pyexec_planted_module', distribution: 'pyexec_planted_module' },
    ]);
    const venv = fresh('venv');
    const result = await installPackages(['pyexec-probe-a'], { python: testPython, venv, indexUrl: index.url });
    expect(result.installed).toEqual([{ name: 'pyexec-probe-a', version: '1.0' }]);
    const executor = makeExecutor('forked', { python: testPython, sandbox: sandboxAvailable || undefined });
    expect((await executor.run('1 + 1')).value).toBe('2');
    expect(planted.ran()).toBe(false);
  }, 120_000);
});

describe('installPackages', () => {
  it('installs into an interpreter that is not externally managed, with neither venv nor target', async () => {
    const environment = await createEnvironment(fresh('venv'), { python: testPython });
    const result = await installPackages(['pyexec-probe-a'], { python: environment.python, indexUrl: index.url });
    expect(result.installed).toEqual([{ name: 'pyexec-probe-a', version: '1.0' }]);
    const executor = makeExecutor('optimized', { python: environment.python, autoInstall: { indexUrl: index.url } });
    const auto = await executor.run('import pyexec_probe_b\npyexec_probe_b.VERSION');
    expect(auto).toMatchObject({
      status: 'ok',
      value: "'1.0'",
      installed: [{ name: 'pyexec-probe-b', version: '1.0' }],
    });
  }, 120_000);

  it('takes no source but the ones it is given: not pip.conf, not PIP_* variables', async () => {
    const config = join(fresh('pipconf'));
    mkdirSync(config);
    writeFileSync(join(config, 'pip.conf'), `[global]\nfind-links = ${wheels}\nextra-index-url = ${index.url}\n`);
    process.env.PIP_CONFIG_FILE = join(config, 'pip.conf');
    process.env.PIP_FIND_LINKS = wheels;
    process.env.PIP_EXTRA_INDEX_URL = index.url;
    process.env.PIP_RETRIES = '0'; // a setting, not a source: kept, so the dead index fails fast
    const asked = index.requests.length;
    const failure = installPackages(['pyexec-probe-a'], {
      python: testPython,
      venv: fresh('venv'),
      indexUrl: 'http://127.0.0.1:9/simple',
    });
    await expect(failure).rejects.toMatchObject({ code: 'INSTALL_FAILED' });
    const message = ((await failure.catch((error: Error) => error)) as Error).message;
    // pip's verdict comes first; no retry warning and no line of the helper's own.
    expect(message).toMatch(/^pip could not install `pyexec-probe-a` \(exit code 1\): ERROR: /);
    expect(message).not.toContain('pyexec-installed');
    expect(message).not.toContain('WARNING: Retrying');
    expect(index.requests.length).toBe(asked);
  }, 120_000);

  it('uses no pip cache another user could have filled, and installs all the same', async () => {
    const temp = fresh('tmp');
    mkdirSync(temp);
    const cache = join(temp, `pyexec-pip-cache-${userInfo().uid}`);
    mkdirSync(cache);
    chmodSync(cache, 0o777);
    process.env.TMPDIR = temp;
    const output: string[] = [];
    const result = await installPackages(['pyexec-probe-a'], {
      python: testPython,
      venv: fresh('venv'),
      indexUrl: index.url,
      onOutput: (text) => output.push(text),
    });
    expect(result.installed).toEqual([{ name: 'pyexec-probe-a', version: '1.0' }]);
    expect(output.join('')).toContain('installing without a cache');
  }, 120_000);

  it('refuses a lock directory that others may write', async () => {
    const environment = await createEnvironment(fresh('venv'), { python: testPython });
    const temp = fresh('tmp');
    mkdirSync(temp);
    const locks = join(temp, `pyexec-install-locks-${userInfo().uid}`);
    mkdirSync(locks);
    chmodSync(locks, 0o777);
    process.env.TMPDIR = temp;
    await expect(
      installPackages(['pyexec-probe-a'], { python: environment.python, indexUrl: index.url }),
    ).rejects.toMatchObject({
      code: 'INSTALL_FAILED',
      message: expect.stringContaining('may be written by other users (mode 777)'),
    });
  }, 120_000);

  it('never creates the target of a symlink planted as the lock file', async () => {
    const environment = await createEnvironment(fresh('venv'), { python: testPython });
    const victim = join(scratch, `victim-${Math.random().toString(36).slice(2)}`);
    rmSync(join(environment.dir, '.pyexec-install.lock'), { force: true }); // made by createEnvironment
    symlinkSync(victim, join(environment.dir, '.pyexec-install.lock'));
    await expect(
      installPackages(['pyexec-probe-a'], { python: testPython, venv: environment.dir, indexUrl: index.url }),
    ).rejects.toMatchObject({
      code: 'INSTALL_FAILED',
      message: expect.stringContaining('is a symlink; refusing to follow it'),
    });
    expect(existsSync(victim)).toBe(false);
  }, 120_000);
});

describe('createEnvironment', () => {
  it("waits for the environment's install lock, as installs do", async () => {
    const dir = fresh('venv');
    mkdirSync(dir);
    const said = await holdInstallLock(testPython, dir, 3, 'os.path.exists(d + "/pyvenv.cfg")');
    const environment = await createEnvironment(dir, { python: testPython });
    expect(said()).toBe('held\nuntouched\n');
    expect(existsSync(environment.python)).toBe(true);
  }, 120_000);

  it('is made once when installs into a new venv run at once', async () => {
    const venv = fresh('venv');
    const installs = await Promise.all(
      ['pyexec-probe-a', 'pyexec-probe-b', 'pyexec-probe-a==1.0', 'pyexec-probe-b==1.0'].map((requirement) =>
        installPackages([requirement], { python: testPython, venv, indexUrl: index.url }),
      ),
    );
    expect(installs.flatMap((install) => install.installed.map((d) => d.name)).sort()).toEqual([
      'pyexec-probe-a',
      'pyexec-probe-b',
    ]);
    expect(readFileSync(join(venv, 'pyvenv.cfg'), 'utf8')).toContain('home');
  }, 180_000);
});

describe('autoInstall', () => {
  it('installs a module that an earlier call only named inside a string', async () => {
    const executor = makeExecutor('optimized', {
      python: testPython,
      autoInstall: { venv: fresh('venv'), indexUrl: index.url },
    });
    const named = await executor.run('text = """\nimport pyexec_probe_b\n"""\nlen(text) > 0');
    expect(named).toMatchObject({ status: 'ok', value: 'True' });
    expect(named.installed).toBeUndefined();
    const imported = await executor.run('import pyexec_probe_b\npyexec_probe_b.VERSION');
    expect(imported).toMatchObject({
      status: 'ok',
      value: "'1.0'",
      installed: [{ name: 'pyexec-probe-b', version: '1.0' }],
    });
  }, 120_000);
});
