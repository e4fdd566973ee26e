import treeKill from 'tree-kill';
import { descendantsOf, KERNEL_LISTS_CHILDREN } from './process-tree.js';

// Each round stops every process it finds; only processes forked during the walk need another.
const MAX_ROUNDS = 100;
// Processes below a tree that are not part of it: a session's forked copies, children of the
// session's process until it exits (session_fork.py). Process-wide, as pids are: a kill of any
// tree spares them and theirs; each is taken off once it has exited.
const independent = new Set<number>();

/** Spares `pid` (and its descendants) from kills of the tree it is in; the returned function ends that. */
export function keepOutOfTreeKills(pid: number): () => void {
  independent.add(pid);
  return () => independent.delete(pid);
}

/**
 * Kills a process, every descendant and its process group. Harness processes are child
 * subreapers (descendants.py), so a descendant that called setsid and lost its parent is still
 * found below them. The tree is frozen first (SIGSTOP, repeated until a walk finds no new
 * process), so nothing forks or escapes between the walk and the kill.
 */
export function killProcessTree(pid: number): Promise<void> {
  // With the kernel's lists a tree is walked in a few reads from its root, not by listing every process.
  if (!KERNEL_LISTS_CHILDREN) return killWithTreeKill(pid);
  const frozen = new Set<number>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const found = [pid, ...descendantsOf(pid, independent)].filter((member) => !frozen.has(member));
    if (found.length === 0) break;
    for (const member of found) {
      signalQuietly(member, 'SIGSTOP');
      frozen.add(member);
    }
  }
  for (const member of frozen) signalQuietly(member, 'SIGKILL');
  signalQuietly(-pid, 'SIGKILL');
  return Promise.resolve();
}

// Without the kernel's lists: tree-kill lists processes by parent, then the group goes.
function killWithTreeKill(pid: number): Promise<void> {
  return new Promise((resolve) => {
    treeKill(pid, 'SIGKILL', () => {
      signalQuietly(-pid, 'SIGKILL');
      resolve();
    });
  });
}

/** Sends `signal` to `pid` (a negative pid: its group), if it still exists. */
export function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}
