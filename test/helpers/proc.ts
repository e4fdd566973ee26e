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

/** `pid (command) state ppid`, for messages; undefined once the process has left the table. */
export function describeProcess(pid: number | string): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = procStatFields(pid);
    return `${pid} ${stat.slice(stat.indexOf('('), stat.lastIndexOf(')') + 1)} ${state} ${ppid}`;
  } catch {
    return undefined;
  }
}

/** This process's worker cgroups (named pyexec-<host pid>-…), in every hierarchy that has one. */
export function hostCgroups(hostPid = process.pid): string[] {
  const found: string[] = [];
  const walk = (directory: string, depth: number) => {
    let entries: string[];
    try {
      entries = readdirSync(directory, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name);
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.startsWith(`pyexec-${hostPid}-`)) found.push(`${directory}/${entry}`);
      else if (depth < 4) walk(`${directory}/${entry}`, depth + 1);
    }
  };
  walk('/sys/fs/cgroup', 0);
  return found;
}

/** What is still in the host's cgroups, each with its members described. */
export function describeHostCgroups(): string {
  return hostCgroups()
    .map((directory) => {
      try {
        const members = readFileSync(`${directory}/cgroup.procs`, 'utf8').split('\n').filter(Boolean);
        return `${directory}: [${members.map((pid) => describeProcess(pid) ?? `${pid} (gone)`).join(', ')}]`;
      } catch {
        return `${directory} (removed meanwhile)`;
      }
    })
    .join('; ');
}
