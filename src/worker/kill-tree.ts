import { existsSync, readdirSync, readFileSync } from 'node:fs';
import treeKill from 'tree-kill';

// Whether this kernel lists each task's children (CONFIG_PROC_CHILDREN): then a tree is walked
// in a few reads from its root, instead of by listing every process on the machine.
const KERNEL_LISTS_CHILDREN = existsSync(`/proc/${process.pid}/task/${process.pid}/children`);
// Each round stops every process it finds; only processes forked during the walk need another.
const MAX_ROUNDS = 100;

/**
 * Kills a process, every descendant and its process group. Harness processes are child
 * subreapers (descendants.py), so a descendant that called setsid and lost its parent is still
 * found below them. The tree is frozen first (SIGSTOP, repeated until a walk finds no new
 * process), so nothing forks or escapes between the walk and the kill.
 */
export function killProcessTree(pid: number): Promise<void> {
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

/** Every descendant of `pid` alive now, from the kernel's children lists. */
export function descendantsOf(pid: number): number[] {
  const found: number[] = [];
  const pending = [pid];
  while (pending.length > 0) {
    for (const child of childrenOf(pending.pop() as number)) {
      found.push(child);
      pending.push(child);
    }
  }
  return found;
}

function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return []; // gone
  }
  const children: number[] = [];
  for (const task of tasks) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'latin1').split(' ')) {
        if (child !== '') children.push(Number(child));
      }
    } catch {
      // The task ended meanwhile.
    }
  }
  return children;
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

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}
