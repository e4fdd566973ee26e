import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs `task` with a new, empty directory of this user's as its argument, removed afterwards.
 * Python puts the working directory of `python -c` first on sys.path, and pip takes a
 * requirement that names a file there as that file: helpers never run from a directory that
 * anyone else (or an earlier call) could have put a `json.py` or a `planted.whl` in.
 */
export async function inPrivateDirectory<T>(task: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'pyexec-helper-'));
  try {
    return await task(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
