import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvironment } from '../../src/index.js';
import { closeAllExecutors, contractStrategies, makeExecutor, testPython } from '../helpers/executors.js';
import { buildWheels, serveIndex, type PackageIndex } from '../helpers/package-index.js';

// executor.installPackages: packages put where the executor's workers import from, seen by its
// next calls on workers that are already warm (and that already failed to import them).
let index: PackageIndex;
const scratch = mkdtempSync(join(tmpdir(), 'pyexec-executor-install-test-'));

beforeAll(async () => {
  index = await serveIndex(buildWheels([{ name: 'pyexec-probe-a', version: '1.0', module: 'pyexec_probe_a' }]));
}, 120_000);

afterAll(async () => {
  await closeAllExecutors();
  await index.close();
});

describe.each(contractStrategies)('executor.installPackages with the %s strategy', (strategy) => {
  it("installs into its interpreter's environment; a warm worker that missed the module imports it next", async () => {
    const venv = await createEnvironment(join(scratch, strategy), { python: testPython });
    const executor = makeExecutor(strategy, { python: venv.python, poolSize: 1 });
    const events: unknown[] = [];
    executor.on('install:start', (event) => events.push(event));
    executor.on('install:end', (event) => events.push(event));
    const missing = await executor.run('import pyexec_probe_a');
    expect(missing.error?.type).toBe('ModuleNotFoundError');
    const result = await executor.installPackages(['pyexec-probe-a'], { indexUrl: index.url });
    expect(result.installed).toEqual([{ name: 'pyexec-probe-a', version: '1.0' }]);
    expect(result.python).toBe(venv.python);
    const found = await executor.run('import pyexec_probe_a\npyexec_probe_a.VERSION');
    expect(found).toMatchObject({ status: 'ok', value: "'1.0'" });
    expect(events).toEqual([
      { requirements: ['pyexec-probe-a'] },
      { installed: [{ name: 'pyexec-probe-a', version: '1.0' }] },
    ]);
  }, 120_000);
});

describe('executor.installPackages refuses', () => {
  it('a requirement pip would read as an option, and a bad index URL, naming them', async () => {
    const executor = makeExecutor('optimized', { python: testPython });
    await expect(executor.installPackages(['--index-url=http://evil.example/'])).rejects.toMatchObject({
      code: 'INVALID_REQUIREMENT',
      message: expect.stringContaining('requirements[0]'),
    });
    await expect(executor.installPackages(['x'], { indexUrl: 'ftp://nope' })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('indexUrl'),
    });
  });
});
