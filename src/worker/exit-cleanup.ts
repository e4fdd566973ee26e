import { rmSync } from 'node:fs';

// Directories to remove if the process exits while they are still in use: a host that ends
// with process.exit() or an uncaught exception, without close(). One listener serves every
// executor; close() takes its directories off the list as it removes them itself.
const pending = new Set<string>();
let listening = false;

function removePending(): void {
  for (const path of pending) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Best effort at exit: an orphaned worker may still be writing there for a few ms.
    }
  }
}

/** Removes `path` (recursively) when the process exits, unless the returned function is called first. */
export function removeAtExit(path: string): () => void {
  pending.add(path);
  if (!listening) {
    process.on('exit', removePending);
    listening = true;
  }
  return () => pending.delete(path);
}
