import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testPython } from '../helpers/executors.js';

const exitingHost = join(import.meta.dirname, '../helpers/exiting-host.ts');

describe.each(['optimized', 'isolated'])('a host that exits without close(), with the %s strategy', (strategy) => {
  it('leaves no scratch directory behind, nor what calls wrote there', () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', exitingHost, strategy], {
      encoding: 'utf8',
      env: { ...process.env, PYEXEC_PYTHON: testPython },
    });
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
