import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The limits a cgroup enforces on a worker's whole process tree (not on each process). */
export interface TreeLimits {
  readonly maxProcesses: number | undefined;
  readonly memoryMb: number | undefined;
}

// A pids cgroup counts threads too: until the harness is ready, room for its own (the worker, its
// output thread, a generation and its thread, a forked template's spare child) on top.
const HARNESS_TASKS = 8;
const CGROUP_ROOT = '/sys/fs/cgroup';
// Retries of a removal: 250 ms apart, then more, at most 2 s apart; about a minute in all.
const REMOVE_ATTEMPTS = 40;
const REMOVE_RETRY_MS = 250;
const REMOVE_RETRY_CAP_MS = 2_000;
// Cgroups whose processes were not all reaped yet when their worker exited.
const unremoved = new Set<WorkerCgroup>();
let removingAtExit = false;
let created = 0;

/**
 * One cgroup per worker, in each controller a limit needs (cgroup v1: `pids`, `memory`; v2: one
 * directory with both), beside this process's own. Only where the host may write there (root,
 * or a delegated subtree); elsewhere `create` returns undefined and the limits are rlimits only.
 */
export class WorkerCgroup {
  private constructor(
    /** One per controller (cgroup v1), or the one (v2): a process joins by writing to their cgroup.procs. */
    readonly directories: readonly string[],
    private readonly maxProcesses: number | undefined,
  ) {}

  /**
   * A cgroup for `limits`; with none, one that only tracks (`track`): whatever the worker's tree
   * starts stays in it, even a daemon that left the tree by setsid and a double fork, so that it
   * can be killed when the worker dies (its own kill, a crash), when nothing else could find it.
   */
  static create(limits: TreeLimits, track = true): WorkerCgroup | undefined {
    const wanted: [string, string, string][] = [];
    if (limits.maxProcesses !== undefined)
      wanted.push(['pids', 'pids.max', String(limits.maxProcesses + HARNESS_TASKS)]);
    if (limits.memoryMb !== undefined) {
      const bytes = String(limits.memoryMb * 1024 * 1024);
      wanted.push(['memory', unifiedHierarchy() ? 'memory.max' : 'memory.limit_in_bytes', bytes]);
    }
    if (wanted.length === 0 && track) wanted.push(['pids', 'pids.max', 'max']);
    if (wanted.length === 0) return undefined;
    // Pids repeat across pid namespaces (containers, sandboxes sharing a cgroup parent): the random
    // part keeps two hosts from colliding, where the second would silently go without limits.
    const name = `pyexec-${process.pid}-${++created}-${randomBytes(4).toString('hex')}`;
    const directories: string[] = [];
    try {
      for (const [controller, file, value] of wanted) {
        const parent = controllerDirectory(controller);
        if (parent === undefined) throw new Error(`no writable ${controller} cgroup`);
        const directory = join(parent, name);
        if (!directories.includes(directory)) {
          mkdirSync(directory);
          directories.push(directory);
        }
        // A new cgroup's pids.max is already `max`: writing it costs the kernel ~0.6 ms here.
        if (value !== 'max') writeFileSync(join(directory, file), value);
        else if (!existsSync(join(directory, file))) throw new Error(`no ${controller} controller in ${directory}`);
      }
      return new WorkerCgroup(directories, limits.maxProcesses);
    } catch {
      for (const directory of directories) removeQuietly(directory);
      return undefined;
    }
  }

  /**
   * Moves a new process into the group, off the event loop: the kernel takes about a millisecond
   * to move a process (more than a small call), which a process per call would pay in Node every
   * call. Resolves once it is in (or gone).
   */
  async join(pid: number): Promise<void> {
    for (const directory of this.directories) {
      try {
        await writeFile(join(directory, 'cgroup.procs'), String(pid));
      } catch {
        // Gone meanwhile.
      }
    }
  }

  /** Moves processes into the group; what they start later is in it from birth. */
  add(...pids: number[]): void {
    for (const directory of this.directories) {
      for (const pid of pids) {
        try {
          writeFileSync(join(directory, 'cgroup.procs'), String(pid));
        } catch {
          // Gone meanwhile.
        }
      }
    }
  }

  /**
   * Once the harness is ready: `maxProcesses` more tasks (processes and threads) than it has now,
   * plus `churn` for what it starts per call itself (a forked template's next child and thread).
   */
  fitToHarness(churn: number): void {
    const pids = this.directories.find((directory) => existsSync(join(directory, 'pids.max')));
    if (pids === undefined || this.maxProcesses === undefined) return;
    try {
      const current = Number(readFileSync(join(pids, 'pids.current'), 'utf8'));
      writeFileSync(join(pids, 'pids.max'), String(current + this.maxProcesses + churn));
    } catch {
      // Keeps the looser limit it was made with.
    }
  }

  /** Once every process in it has exited; true when it is gone. */
  remove(): boolean {
    return this.directories.map(removeQuietly).every(Boolean);
  }

  /**
   * Once its worker has exited: remove(), retried while members are still there. Anything still
   * alive in it belongs to the dead worker (it escaped the tree kill, or raced it) and is killed;
   * a zombie stays until its new parent reaps it (PID 1 may be slow to), so retries go on for a
   * minute, backing off, without keeping the host alive; what is left goes when the host exits.
   */
  removeSoon(): void {
    let attempt = 0;
    const retry = () => {
      if (this.remove()) {
        unremoved.delete(this);
        return;
      }
      this.killMembers();
      unremoved.add(this);
      if (++attempt < REMOVE_ATTEMPTS)
        setTimeout(retry, Math.min(REMOVE_RETRY_MS * attempt, REMOVE_RETRY_CAP_MS)).unref();
    };
    retry();
    if (unremoved.size > 0 && !removingAtExit) {
      process.on('exit', () => {
        for (const cgroup of unremoved) {
          cgroup.killMembers();
          cgroup.remove();
        }
      });
      removingAtExit = true;
    }
  }

  /** The processes in the group (zombies included, on kernels that list them). */
  members(): number[] {
    const pids = new Set<number>();
    for (const directory of this.directories) {
      try {
        for (const line of readFileSync(join(directory, 'cgroup.procs'), 'utf8').split('\n')) {
          if (line !== '') pids.add(Number(line));
        }
      } catch {
        // Removed meanwhile.
      }
    }
    return [...pids];
  }

  private killMembers(): void {
    for (const pid of this.members()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone, or a zombie.
      }
    }
  }
}

/** Whether worker cgroups can be made here for these limits (tests and the options table). */
export function treeLimitsEnforceable(limits: TreeLimits): boolean {
  const cgroup = WorkerCgroup.create(limits, false);
  cgroup?.remove();
  return cgroup !== undefined;
}

function unifiedHierarchy(): boolean {
  return existsSync(join(CGROUP_ROOT, 'cgroup.controllers'));
}

// This process's cgroup in the hierarchy holding `controller` (from /proc/self/cgroup), where
// a child group can be made with that controller enabled; undefined if none.
function controllerDirectory(controller: string): string | undefined {
  let lines: string[];
  try {
    lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
  } catch {
    return undefined;
  }
  for (const line of lines) {
    const [, controllers, path] = line.split(':') as [string, string, string];
    if (controllers === '' && unifiedHierarchy()) {
      const directory = join(CGROUP_ROOT, path);
      return subtreeHas(directory, controller) ? directory : undefined;
    }
    if (controllers.split(',').includes(controller)) {
      const directory = join(CGROUP_ROOT, controller, path);
      return existsSync(directory) ? directory : undefined;
    }
  }
  return undefined;
}

// cgroup v2: children of `directory` get `controller` only if its subtree_control lists it.
function subtreeHas(directory: string, controller: string): boolean {
  try {
    return readFileSync(join(directory, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes(controller);
  } catch {
    return false;
  }
}

function removeQuietly(directory: string): boolean {
  try {
    rmdirSync(directory);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'; // EBUSY: a process not yet reaped
  }
}
