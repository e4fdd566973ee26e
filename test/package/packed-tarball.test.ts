import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPython } from '../helpers/executors.js';

// Builds and packs the library as npm would publish it, installs the tarball into a fresh
// project and uses it from both module systems, with the harness shipped inside the package.
const root = resolve(import.meta.dirname, '../..');
let project: string;

// Asynchronously: a build takes minutes on a busy machine, and a test worker whose event loop is
// blocked that long misses vitest's own RPC deadline (an unhandled "Timeout calling onTaskUpdate").
async function run(file: string, args: string[], cwd: string): Promise<string> {
  const { stdout } = await promisify(execFile)(file, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PYEXEC_PYTHON: testPython },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'pyexec-package-'));
  await run('npm', ['run', 'build', '--silent'], root);
  await run('npm', ['pack', '--silent', '--pack-destination', project], root);
  const tarball = readdirSync(project).find((name) => name.endsWith('.tgz')) as string;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  await run(
    'npm',
    ['install', '--silent', '--no-audit', '--no-fund', '--prefer-offline', join(project, tarball)],
    project,
  );
}, 180_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

const program = (load: string) => `${load}
const executor = createExecutor({ strategy: 'isolated' });
executor.run('import sys\\nprint(1 + 1)\\nsys.version_info[0]').then(async (result) => {
  console.log(JSON.stringify({ stdout: result.stdout, value: result.value }));
  await executor.close();
});`;

describe('the packed npm tarball', () => {
  it('works with import (ESM)', async () => {
    writeFileSync(join(project, 'esm.mjs'), program("import { createExecutor } from 'pyexec';"));
    expect(JSON.parse(await run('node', ['esm.mjs'], project))).toEqual({ stdout: '2\n', value: '3' });
  });

  it('works with require (CommonJS)', async () => {
    writeFileSync(join(project, 'cjs.cjs'), program("const { createExecutor } = require('pyexec');"));
    expect(JSON.parse(await run('node', ['cjs.cjs'], project))).toEqual({ stdout: '2\n', value: '3' });
  });

  it('ships only the build, the harness and the docs a user needs', () => {
    const files = readdirSync(join(project, 'node_modules', 'pyexec'));
    expect(files.sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'dist',
      'docs',
      'examples',
      'package.json',
      'python-runtime',
    ]);
    // The README links to docs/ and examples/: they ship, so the links work from the package too.
    for (const linked of ['docs/SECURITY.md', 'docs/PROTOCOL.md', 'examples/grader.mjs']) {
      expect(statSync(join(project, 'node_modules', 'pyexec', linked)).isFile()).toBe(true);
    }
    expect(readdirSync(join(project, 'node_modules', 'pyexec', 'python-runtime'))).toEqual(['pyexec_harness']);
    const harness = join(project, 'node_modules', 'pyexec', 'python-runtime', 'pyexec_harness');
    const harnessFiles = readdirSync(harness, { recursive: true }) as string[];
    expect(harnessFiles).toContain('main.py');
    expect(harnessFiles).toContain(join('isolation', 'guard.py'));
    expect(harnessFiles).toContain(join('forking', 'template.py'));
    expect(harnessFiles).toContain(join('modes', 'isolated.py'));
    // The calls above cached the harness's bytecode beside it (even under PYTHONDONTWRITEBYTECODE);
    // the tarball itself ships sources only.
    expect(harnessFiles.some((name) => name.startsWith('__pycache__'))).toBe(true);
    const shippedFiles = harnessFiles.filter(
      (name) => !name.split('/').includes('__pycache__') && statSync(join(harness, name)).isFile(),
    );
    expect(shippedFiles.every((name) => name.endsWith('.py'))).toBe(true);
  });

  it('declares no internals in its types: no pool, call, worker process or protocol message', () => {
    const declarations = readFileSync(join(project, 'node_modules', 'pyexec', 'dist', 'index.d.ts'), 'utf8');
    for (const internal of [
      'WorkerPool',
      'declare class Call',
      'WorkerProcess',
      'WorkerLauncher',
      'HarnessMessage',
      'RunMessage',
      'interface Strategy ',
      'declare class Slot',
    ]) {
      expect(declarations).not.toContain(internal);
    }
    expect(declarations).not.toMatch(/protected |definition/);
    expect(declarations).toContain('declare class IsolatedExecutor');
  });
});
