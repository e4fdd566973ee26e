import treeKill from 'tree-kill';

// Kills a process, every descendant (even those that called setsid) and its process group.
// Descendants are listed before the group dies: once orphaned they can no longer be found by parent.
export function killProcessTree(pid: number): Promise<void> {
  return new Promise((resolve) => {
    treeKill(pid, 'SIGKILL', () => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
      resolve();
    });
  });
}
