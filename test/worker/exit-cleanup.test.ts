import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, testPython } from '../helpers/executors.js';
import { isRunning } from '../helpers/proc.js';

const exitingHost = join(import.meta.dirname, '../helpers/exiting-host.ts');
const exitingSessionHost = join(import.meta.dirname, '../helpers/exiting-session-host.ts');

// What a host program printed (run asynchronously: the test worker's event loop stays free).
async function hostOutput(host: string, strategy: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', host, strategy], {
    encoding: 'utf8',
    env: { ...process.env, PYEXEC_PYTHON: testPython },
  });
  return stdout;
}

describe.each(['optimized', 'isolated'])('a host that exits without close(), with the %s strategy', (strategy) => {
  it('leaves no scratch directory behind, nor what calls wrote there', async () => {
    const output = await hostOutput(exitingHost, strategy);
    // The call's value is the repr of a tuple of two paths: (cwd, MPLCONFIGDIR = the scratch root).
    const [callDir, scratchRoot] = [...output.matchAll(/'([^']+)'/g)].map((match) => match[1] as string);
    expect(callDir).toBeDefined();
    expect(scratchRoot).toBeDefined();
    // Isolated calls run in a directory of their own under a second root (on tmpfs when it can).
    const roots = new Set([dirname(callDir as string), scratchRoot as string]);
    for (const root of roots) expect(existsSync(root), root).toBe(false);
    expect(existsSync(join(callDir as string, 'left-behind.txt'))).toBe(false);
  });
});

describe.each(['optimized', 'forked'])(
  'a host with a session that exits without close(), with the %s strategy',
  (strategy) => {
    it('leaves no session process behind, nor a forked copy (idle or in a call), nor their directories', async () => {
      const output = await hostOutput(exitingSessionHost, strategy);
      const found = [...output.matchAll(/^\((\d+), '([^']+)'\)$/gm)];
      expect(found, output).toHaveLength(3); // the session and its two copies
      for (const [, pid, cwd] of found) {
        await eventually(() => !isRunning(Number(pid)), 10_000);
        await eventually(() => !existsSync(cwd as string), 10_000);
      }
    });
  },
);
