import { readFileSync } from 'node:fs';

/**
 * The parent of process `pid` from /proc/<pid>/stat (after the command name, which may hold
 * spaces and parentheses: hence the split at its last ')'); undefined if it is gone.
 */
export function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
