import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Whether this kernel lists each task's children in /proc (CONFIG_PROC_CHILDREN). */
export const KERNEL_LISTS_CHILDREN = existsSync(`/proc/${process.pid}/task/${process.pid}/children`);

/**
 * The fields of /proc/<pid>/stat after the command name, which may hold spaces and parentheses
 * (hence the split at its last ')'): [0] the state, [1] the parent, … [19] the start time, [49]
 * the exit code. Undefined if the process is gone.
 */
export function statFieldsOf(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The parent of process `pid`; undefined if it is gone. */
export function parentOf(pid: number): number | undefined {
  const parent = statFieldsOf(pid)?.[1];
  return parent === undefined ? undefined : Number(parent);
}

/** The children of `pid` (of all its threads), zombies included, from the kernel's lists. */
export function childrenOf(pid: number): number[] {
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

/** Every descendant of `pid` alive now, parents before their children; none of `skip`, nor theirs. */
export function descendantsOf(pid: number, skip?: ReadonlySet<number>): number[] {
  const found: number[] = [];
  const pending = [pid];
  while (pending.length > 0) {
    for (const child of childrenOf(pending.pop() as number)) {
      if (skip?.has(child)) continue;
      found.push(child);
      pending.push(child);
    }
  }
  return found;
}

/**
 * The pid of process `pid` in its own (innermost) pid namespace: what it reports of itself from
 * inside a sandbox. Equal to `pid` outside namespaces; undefined if it is gone.
 */
export function pidInOwnNamespace(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const line = /^NSpid:\s*(.*)$/m.exec(status);
    if (line === null) return pid; // a kernel before 4.1: no namespaces to translate
    return Number((line[1] as string).trim().split(/\s+/).pop());
  } catch {
    return undefined;
  }
}

// A reap racing a read makes it miss an entry; two such races in a row are needed to miss twice.
const LIST_READS = 2;

/**
 * The host pid of the child of `parent` that calls itself `reported` in its namespace, if any
 * (outside namespaces, `parentOf` answers in one read). A process whose host pid happens to be
 * `reported` answers at once. A children list can skip an entry when a sibling before it is
 * reaped during the read (the kernel resumes by position), and a template reaps its finished
 * children while it starts the next call: a miss is read again.
 */
export function childCalled(parent: number, reported: number): number | undefined {
  if (parentOf(reported) === parent && pidInOwnNamespace(reported) === reported) return reported;
  for (let read = 0; read < LIST_READS; read++) {
    const child = childrenOf(parent).find((candidate) => pidInOwnNamespace(candidate) === reported);
    if (child !== undefined) return child;
  }
  return undefined;
}

/** The host pid of the descendant of `root` that calls itself `reported` in its namespace, if any. */
export function descendantCalled(root: number, reported: number): number | undefined {
  return descendantsOf(root).find((descendant) => pidInOwnNamespace(descendant) === reported);
}
