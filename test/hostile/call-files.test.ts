import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { closeAllExecutors, hostileVariants, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

// A directory outside every working directory, removed after the test.
function outsideDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'pyexec-outside-'));
  onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

describe.each(hostileVariants)(
  'attacks on files given to calls, with the %s strategy, sandbox: %s',
  (strategy, sandbox) => {
    it('a call cannot plant a symlink where the next tenant’s file will be written, nor read that file later', async () => {
      const outside = join(outsideDirectory(), 'stolen.txt');
      writeFileSync(outside, 'nothing yet');
      const executor = makeExecutor(strategy, { sandbox, poolSize: 1 });
      // Tenant A leaves a symlink, and a directory of links, where files are likely to be given.
      await executor.run(
        `import os\nfor name in ('input.csv', 'data'):\n    try:\n        os.symlink(${JSON.stringify(outside)}, name)\n    except OSError:\n        pass`,
      );
      const victim = await executor.run("open('input.csv').read()", { files: { 'input.csv': 'secret of B' } });
      expect(victim.value).toBe("'secret of B'");
      expect(readFileSync(outside, 'utf8')).toBe('nothing yet');
      // Tenant C, next, finds nothing of B's file.
      const after = await executor.run("import os\nos.path.exists('input.csv') and open('input.csv').read()");
      expect(after.value).not.toContain('secret of B');
    });
  },
);
