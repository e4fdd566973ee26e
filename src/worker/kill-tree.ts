import treeKill from 'tree-kill';
import { descendantsOf, KERNEL_LISTS_CHILDREN } from './process-tree.js';

// Each round stops every process it finds; only processes forked during the walk need another.
const MAX_ROUNDS = 100;

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
    const found = [pid, ...descendantsOf(pid)].filter((member) => !frozen.has(member));
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
