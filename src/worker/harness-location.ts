import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The bootstrap keeps the runtime directory off the user's sys.path once the harness is imported.
// It refuses an interpreter older than the harness supports first, in syntax Python 2 parses too
// (see MIN_PYTHON in interpreter-check.ts). The harness's own bytecode is written even under
// PYTHONDONTWRITEBYTECODE (common in containers), which would otherwise make every worker compile
// it again (a third of a baseline call): main() puts the user's setting back before any call.
export const HARNESS_BOOTSTRAP =
  'import sys;sys.version_info<(3,9) and sys.exit("pyexec needs Python 3.9 or newer");' +
  'w=sys.dont_write_bytecode;sys.dont_write_bytecode=False;' +
  'sys.path.insert(0,sys.argv[1]);import pyexec_harness.main as m;del sys.path[0];m.main(w)';

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
