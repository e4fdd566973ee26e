import { readdirSync, readlinkSync } from 'node:fs';
import { parentOf } from './process-tree.js';

/**
 * The pipes and sockets on process `pid`'s fds 0-2, to be read right after it was spawned: the
 * host's channel to it, which it keeps (as duplicates) for its lifetime. Anything that later holds
 * one of them open is something the worker started. Never one this process holds itself (its
 * own stdio, inherited from its parent), so nothing but the worker's own is ever named.
 */
export function stdioPipes(pid: number): Set<string> {
  const own = new Set(fdLinks(process.pid));
  const pipes = new Set<string>();
  for (const fd of [0, 1, 2]) {
    const link = fdLink(pid, String(fd));
    if (link !== undefined && (link.startsWith('pipe:') || link.startsWith('socket:')) && !own.has(link))
      pipes.add(link);
  }
  return pipes;
}

/**
 * SIGKILLs every process (but this one) that still holds one of `pipes`: what a worker started
 * and left holding its channel after the worker itself exited (a daemon that kept the inherited
 * descriptors), which would otherwise keep the host waiting for the pipes to close.
 */
export function killPipeHolders(pipes: ReadonlySet<string>): number {
  if (pipes.size === 0) return 0;
  let killed = 0;
  let processes: string[];
  try {
    const spared = ancestry();
    processes = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && !spared.has(Number(entry)));
  } catch {
    return 0;
  }
  for (const entry of processes) {
    if (!fdLinks(Number(entry)).some((link) => pipes.has(link))) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      killed++;
    } catch {
      // Gone meanwhile.
    }
  }
  return killed;
}

// This process and its ancestors: never killed, whatever they hold.
function ancestry(): Set<number> {
  const chain = new Set<number>([process.pid]);
  for (let pid: number | undefined = process.ppid; pid !== undefined && pid > 1 && !chain.has(pid); pid = parentOf(pid))
    chain.add(pid);
  return chain;
}

function fdLink(pid: number, fd: string): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/fd/${fd}`);
  } catch {
    return undefined; // closed, gone, or not ours to read
  }
}

function fdLinks(pid: number): string[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return []; // gone, or not ours to read
  }
  return fds.map((fd) => fdLink(pid, fd)).filter((link): link is string => link !== undefined);
}
