import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { testPython } from '../helpers/executors.js';
import { matplotlibPython } from '../helpers/matplotlib.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const examples = join(root, 'examples');

// The examples import 'pyexec' as an application would; inside this package that resolves to
// dist/ (a package may import itself by name), which `npm run build` makes.
beforeAll(async () => {
  if (!existsSync(join(root, 'dist/index.js'))) await run('npm', ['run', 'build'], { cwd: root });
}, 120_000);

async function runExample(file: string, args: string[] = [], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, [join(examples, file), ...args], {
    cwd: root,
    env: { ...process.env, PYEXEC_PYTHON: testPython, PORT: '0', ...env },
    timeout: 90_000,
  });
  return stdout;
}

describe('the programs in examples/', () => {
  it('are each covered here', () => {
    expect(readdirSync(examples).sort()).toEqual([
      'agent-session.mjs',
      'code-interpreter-endpoint.mjs',
      'data-analysis.mjs',
      'grader.mjs',
      'rich-io.mjs',
    ]);
  });

  it('code-interpreter-endpoint: answers over HTTP, with no network inside', async () => {
    const out = await runExample('code-interpreter-endpoint.mjs', ['--self-test']);
    expect(out).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\/run\n/);
    expect(out).toContain('ok "hello from the sandbox\\n" 42');
    expect(out).toMatch(/\nerror "" OSError\n/);
  }, 90_000);

  it('grader: a verdict per submission, whatever each one does', async () => {
    const out = await runExample('grader.mjs');
    expect(out).toContain('alice: pass\n');
    expect(out).toContain('bob: fail: AssertionError: add(2, 3)\n');
    expect(out).toContain('carol: fail: timeout\n');
    expect(out).toMatch(/dave: (pass|fail: crashed)\n/); // in the sandbox its template ignores the kill
    expect(out).toContain('erin: fail: the tests did not run to the end\n');
  }, 90_000);

  it('data-analysis: numbers as JSON, and a chart where matplotlib is installed', async () => {
    const out = await runExample('data-analysis.mjs', [], { PYEXEC_PYTHON: matplotlibPython });
    expect(out).toContain('days: 30');
    expect(out).toContain('mean: 20.57');
    if (process.env.CI) expect(out).toMatch(/chart written to .*\.png/); // .ci/run installs matplotlib
  }, 90_000);

  it('rich-io: a DataFrame as HTML, input() answered, a CSV in and a PNG out, a host function', async () => {
    // Debian's python3 has pandas and matplotlib (.ci/run installs them).
    const out = await runExample('rich-io.mjs', [], { PYEXEC_PYTHON: matplotlibPython });
    expect(out).toContain('2. input: "Your name? Hello, Ada!\\n"\n');
    expect(out).toContain("4. tool: 'Peru'\n");
    if (process.env.CI) {
      expect(out).toContain('1. table: HTML, as text:\n   city  temperature\n0  Lima         19.5\n');
      expect(out).toMatch(/3\. chart: 14 rows read, \d+ bytes written to .*\.png/);
    }
  }, 90_000);

  it('agent-session: a DataFrame across steps, a fork that branches, SESSION_LOST, then restart()', async () => {
    // Debian's python3 has pandas from python3-pandas (.ci/run installs it).
    const out = await runExample('agent-session.mjs', [], { PYEXEC_PYTHON: matplotlibPython });
    expect(out).toContain('step 1: ok 3\nstep 2: ok 13.0\n');
    expect(out).toContain('branch: ok 2\noriginal: ok 3\n');
    expect(out).toContain('[session agent-1 ended: crashed]');
    expect(out).toContain('step 4: the interpreter was lost; it was restarted and the data reloaded');
    expect(out).toContain("step 4 again: ok 'Lima'\n");
    expect(out).toContain('[session agent-1 ended: executor-closed]');
  }, 90_000);
});
