import { lstatSync, mkdirSync } from 'node:fs';
import { PyExecError } from '../core/errors.js';

/**
 * A directory at a well-known place in the shared temp directory (pip's cache, the install
 * locks), made when missing. One that another user made first, or that others may write, is not
 * taken: its contents (a cached wheel, a lock file turned into a symlink) would be theirs.
 */
export function ownPrivateDirectory(path: string, purpose: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const status = lstatSync(path);
  const uid = process.getuid?.();
  const problem = !status.isDirectory()
    ? 'is not a directory (a symlink, say)'
    : uid !== undefined && status.uid !== uid
      ? `belongs to another user (uid ${status.uid})`
      : (status.mode & 0o022) !== 0
        ? `may be written by other users (mode ${(status.mode & 0o777).toString(8)})`
        : undefined;
  if (problem !== undefined) {
    throw new PyExecError(
      'INSTALL_FAILED',
      `Refusing ${purpose} \`${path}\`: it ${problem}. Remove it, and pyexec makes its own`,
    );
  }
  return path;
}
