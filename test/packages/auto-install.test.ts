import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllExecutors, contractStrategies, makeExecutor, testPython } from '../helpers/executors.js';
import { buildWheels, serveIndex, type PackageIndex } from '../helpers/package-index.js';

let index: PackageIndex;
const scratch = mkdtempSync(join(tmpdir(), 'pyexec-autoinstall-test-'));
const fresh = (name: string) => join(scratch, `${name}-${Math.random().toString(36).slice(2)}`);

beforeAll(async () => {
  const wheels = buildWheels([
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
    const executor = makeExecutor(strategy, { python: testPython, autoInstall: { venv: fresh('venv'), indexUrl: index.url } });
    const events: string[] = [];
    executor.on('install:start', ({ requirements }) => events.push(`start:${requirements.join()}`));
    executor.on('install:end', ({ installed }) => events.push(`end:${installed.map((d) => d.name).join()}`));
    expect((await executor.run('import json\n1')).value).toBe('1'); // a warm worker, before any install
    const result = await executor.run('import pyexec_probe_a\npyexec_probe_a.VERSION', { timeoutMs: 5000 });
    expect(result).toMatchObject({ status: 'ok', value: "'1.0'", installed: [{ name: 'pyexec-probe-a', version: '1.0' }] });
    expect(events).toEqual(['start:pyexec_probe_a', 'end:pyexec-probe-a']);
    const again = await executor.run('import pyexec_probe_a\n2');
    expect(again.value).toBe('2');
    expect(again.installed).toBeUndefined();
  });
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
    expect(allowed).toMatchObject({ status: 'ok', value: "'1.0'", installed: [{ name: 'pyexec-probe-b', version: '1.0' }] });
    expect(index.requests.slice(asked).some((url) => /pyexec[-_]probe[-_]a/.test(url))).toBe(false);
    expect(index.requests.slice(asked).some((url) => /pyexec[-_]probe[-_]b/.test(url))).toBe(true);
  });

  it('installs and imports through a launcher (`command`)', async () => {
    const executor = makeExecutor('optimized', {
      python: testPython,
      command: ['env', 'PYEXEC_THROUGH_LAUNCHER=1'],
      autoInstall: { venv: fresh('venv'), indexUrl: index.url },
    });
    const result = await executor.run('import os, pyexec_probe_b\n(pyexec_probe_b.VERSION, os.environ["PYEXEC_THROUGH_LAUNCHER"])');
    expect(result).toMatchObject({ status: 'ok', value: "('1.0', '1')", installed: [{ name: 'pyexec-probe-b', version: '1.0' }] });
  });

  it('refuses an unknown autoInstall option, naming it', () => {
    expect(() => makeExecutor('optimized', { autoInstall: { alow: ['x'] } as never })).toThrow('Unknown option `autoInstall.alow`');
  });
});
