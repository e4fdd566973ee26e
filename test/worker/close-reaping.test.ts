import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostileVariants, testPython } from '../helpers/executors.js';

const closingHost = join(import.meta.dirname, '../helpers/closing-host.ts');
// PID 1 of a fresh pid namespace that waits for its one child only, as a container's init that is
// not one (`docker run` without --init, a shell that execs) does: an orphan left to it stays a zombie.
const LAZY_INIT = ['-c', 'import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))'];
const lazyInitPossible = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;
if (process.env.CI && !lazyInitPossible) throw new Error('CI needs unshare(1) with pid namespaces (util-linux, root)');

interface ClosingReport {
  started: number;
  left: string[];
  cgroups: string[];
}

describe.each(hostileVariants)('closing an executor of the %s strategy (sandbox: %s)', (strategy, sandbox) => {
  it.runIf(lazyInitPossible)('leaves no process of its harness to a PID 1 that never reaps', async () => {
    // (Asynchronously: the test worker's event loop stays free for vitest's own messages.)
    const { stdout: output } = await promisify(execFile)(
      'unshare',
      [
        '--pid',
        '--fork',
        '--mount-proc',
        testPython,
        ...LAZY_INIT,
        process.execPath,
        '--import',
        'tsx',
        closingHost,
        strategy,
        sandbox ? 'sandbox' : 'plain',
      ],
      { encoding: 'utf8', env: { ...process.env, PYEXEC_PYTHON: testPython }, timeout: 60_000 },
    );
    const report = JSON.parse(output.trim().split('\n').pop() as string) as ClosingReport;
    expect(report.started).toBeGreaterThan(0);
    // A harness shuts down when closed: it kills and reaps what it started, then exits. Only
    // bubblewrap's own init (baseline and optimized in the sandbox) is left: its monitor exits as
    // soon as that init reports the harness's end, before reaping it.
    expect(report.left.filter((process) => !/ \(bwrap\) Z /.test(process))).toEqual([]);
    expect(report.cgroups).toEqual([]);
  });
});
