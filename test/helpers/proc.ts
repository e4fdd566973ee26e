import { readdirSync, readFileSync } from 'node:fs';

/**
 * The fields of /proc/<pid>/stat after the command name (state, ppid, pgrp, …), which may itself
 * hold spaces and parentheses: hence the split at its last ')'. Throws if the process is gone.
 */
export function procStatFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Whether `pid` runs. A zombie has ended: it only waits for whichever process inherited it to reap it. */
export function isRunning(pid: number): boolean {
  try {
    return procStatFields(pid)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Live processes (zombies count as gone) whose command line holds every one of `parts`. */
export function processesNaming(...parts: string[]): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        return procStatFields(entry)[0] !== 'Z' && parts.every((part) => cmdline.includes(part));
      } catch {
        return false; // gone
      }
    })
    .map(Number);
}
