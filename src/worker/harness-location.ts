import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The bootstrap keeps the runtime directory off the user's sys.path once the harness is imported.
export const HARNESS_BOOTSTRAP =
  'import sys;sys.path.insert(0,sys.argv[1]);import pyexec_harness.main as m;del sys.path[0];m.main()';

let cached: string | undefined;

/** The `python-runtime` directory shipped beside the built code (dist/) or the sources (src/). */
export function harnessRuntimeDir(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'python-runtime');
    if (existsSync(join(candidate, 'pyexec_harness', 'main.py'))) return (cached = candidate);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`pyexec: python-runtime/ not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
