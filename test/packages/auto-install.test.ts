import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllExecutors, contractStrategies, eventually, makeExecutor, testPython } from '../helpers/executors.js';
import { processesNaming } from '../helpers/proc.js';
import { buildWheels, serveIndex, type PackageIndex } from '../helpers/package-index.js';

let index: PackageIndex;
let wheels: string;
const scratch = mkdtempSync(join(tmpdir(), 'pyexec-autoinstall-test-'));
const fresh = (name: string) => join(scratch, `${name}-${Math.random().toString(36).slice(2)}`);

beforeAll(async () => {
  wheels = buildWheels([
    { name: 'pyexec-probe-a', version: '1.0', module: 'pyexec_probe_a' },
    { name: 'pyexec-probe-b', version: '1.0', module: 'pyexec_probe_b' },
  ]);
  index = await serveIndex(wheels);
}, 120_000);

afterAll(async () => {
  await closeAllExecutors();
  await index.close();
});

describe.each(contractStrategies)('autoInstall with the %s strategy', (strategy) => {
  it('installs what a call imports into its venv before it runs, and warm workers import it', async () => {
    const executor = makeExecutor(strategy, {
      python: testPython,
      autoInstall: { venv: fresh('venv'), indexUrl: index.url },
    });
    const events: string[] = [];
    executor.on('install:start', ({ requirements }) => events.push(`start:${requirements.join()}`));
    executor.on('install:end', ({ installed }) => events.push(`end:${installed.map((d) => d.name).join()}`));
    expect((await executor.run('import json\n1')).value).toBe('1'); // a warm worker, before any install
    const result = await executor.run('import pyexec_probe_a\npyexec_probe_a.VERSION', { timeoutMs: 5000 });
    expect(result).toMatchObject({
      status: 'ok',
      value: "'1.0'",
      installed: [{ name: 'pyexec-probe-a', version: '1.0' }],
    });
    expect(events).toEqual(['start:pyexec_probe_a', 'end:pyexec-probe-a']);
    const again = await executor.run('import pyexec_probe_a\n2');
    expect(again.value).toBe('2');
    expect(again.installed).toBeUndefined();
  });
});

describe('a call while autoInstall installs for it', () => {
  let silent: PackageIndex;
  beforeAll(async () => {
    silent = await serveIndex(wheels, { silent: true }); // accepts, never answers: pip waits
  });
  afterAll(() => silent.close());

  async function installing(options: { maxQueue?: number } = {}) {
    const venv = fresh('venv');
    const executor = makeExecutor('optimized', {
      python: testPython,
      ...options,
      autoInstall: { venv, indexUrl: silent.url },
    });
    const asked = silent.requests.length;
    const call = executor.run('import pyexec_probe_a', { executionId: 'installing' });
    await eventually(() => silent.requests.length > asked, 60_000);
    return { executor, call, venv };
  }

  it('is listed by status(), and stop() settles it stopped with pip gone', async () => {
    const { executor, call, venv } = await installing();
    expect(executor.status().installing).toEqual([{ executionId: 'installing', since: expect.any(Number) }]);
    expect(processesNaming(venv).length).toBeGreaterThan(0);
    expect(await executor.stop('installing')).toBe(true);
    expect(processesNaming(venv)).toEqual([]);
    expect((await call).status).toBe('stopped');
    expect(executor.status().installing).toEqual([]);
  }, 90_000);

  it('counts against maxQueue', async () => {
    const { executor, call } = await installing({ maxQueue: 0 });
    // The one worker is spoken for by the call being installed for: the queue (0) is full.
    await expect(executor.run('1')).rejects.toMatchObject({ code: 'QUEUE_FULL' });
    await executor.stop('installing');
    await call;
  }, 90_000);

  it('is stopped by close(), which resolves once pip is gone', async () => {
    const { executor, call, venv } = await installing();
    await executor.close();
    expect(processesNaming(venv)).toEqual([]);
    expect((await call).status).toBe('stopped');
  }, 90_000);

  it('rejects with an AbortError when its signal aborts, pip gone', async () => {
    const venv = fresh('venv');
    const executor = makeExecutor('optimized', { python: testPython, autoInstall: { venv, indexUrl: silent.url } });
    const controller = new AbortController();
    const asked = silent.requests.length;
    const call = executor.run('import pyexec_probe_a', { signal: controller.signal });
    await eventually(() => silent.requests.length > asked, 60_000);
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    await eventually(() => processesNaming(venv).length === 0);
  }, 90_000);
});

describe('autoInstall', () => {
  it('installs only allowed distributions; the others fail as a plain import would', async () => {
    const asked = index.requests.length;
    const executor = makeExecutor('isolated', {
      python: testPython,
      autoInstall: { target: fresh('target'), indexUrl: index.url, allow: ['PYEXEC_PROBE_B'] },
    });
    const refused = await executor.run('import pyexec_probe_a');
    expect(refused).toMatchObject({ status: 'error', error: { type: 'ModuleNotFoundError' } });
    expect(refused.installed).toBeUndefined();
    const allowed = await executor.run('import pyexec_probe_b\npyexec_probe_b.VERSION');
    expect(allowed).toMatchObject({
      status: 'ok',
      value: "'1.0'",
      installed: [{ name: 'pyexec-probe-b', version: '1.0' }],
    });
    expect(index.requests.slice(asked).some((url) => /pyexec[-_]probe[-_]a/.test(url))).toBe(false);
    expect(index.requests.slice(asked).some((url) => /pyexec[-_]probe[-_]b/.test(url))).toBe(true);
  });

  it('installs and imports through a launcher (`command`)', async () => {
    const executor = makeExecutor('optimized', {
      python: testPython,
      command: ['env', 'PYEXEC_THROUGH_LAUNCHER=1'],
      autoInstall: { venv: fresh('venv'), indexUrl: index.url },
    });
    const result = await executor.run(
      'import os, pyexec_probe_b\n(pyexec_probe_b.VERSION, os.environ["PYEXEC_THROUGH_LAUNCHER"])',
    );
    expect(result).toMatchObject({
      status: 'ok',
      value: "('1.0', '1')",
      installed: [{ name: 'pyexec-probe-b', version: '1.0' }],
    });
  });

  it('refuses an unknown autoInstall option, naming it', () => {
    expect(() => makeExecutor('optimized', { autoInstall: { alow: ['x'] } as never })).toThrow(
      'Unknown option `autoInstall.alow`',
    );
  });
});
