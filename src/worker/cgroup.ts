import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
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
const REMOVE_ATTEMPTS = 8;
const REMOVE_RETRY_MS = 250;
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
    private readonly directories: readonly string[],
    private readonly maxProcesses: number | undefined,
  ) {}

  static create(limits: TreeLimits): WorkerCgroup | undefined {
    const wanted: [string, string, string][] = [];
    if (limits.maxProcesses !== undefined)
      wanted.push(['pids', 'pids.max', String(limits.maxProcesses + HARNESS_TASKS)]);
    if (limits.memoryMb !== undefined) {
      const bytes = String(limits.memoryMb * 1024 * 1024);
      wanted.push(['memory', unifiedHierarchy() ? 'memory.max' : 'memory.limit_in_bytes', bytes]);
    }
    if (wanted.length === 0) return undefined;
    const name = `pyexec-${process.pid}-${++created}`;
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
        writeFileSync(join(directory, file), value);
      }
      return new WorkerCgroup(directories, limits.maxProcesses);
    } catch {
      for (const directory of directories) removeQuietly(directory);
      return undefined;
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
   * remove(), retried while processes killed with the worker are not yet reaped (a zombie stays
   * in its cgroup, and PID 1 may be slow to reap orphans).
   */
  removeSoon(): void {
    let attempt = 0;
    const retry = () => {
      if (this.remove()) {
        unremoved.delete(this);
        return;
      }
      unremoved.add(this);
      if (++attempt < REMOVE_ATTEMPTS) setTimeout(retry, REMOVE_RETRY_MS * attempt).unref();
    };
    retry();
    if (unremoved.size > 0 && !removingAtExit) {
      // The timers do not keep the host alive: what is still there goes when it exits.
      process.on('exit', () => {
        for (const cgroup of unremoved) cgroup.remove();
      });
      removingAtExit = true;
    }
  }
}

/** Whether worker cgroups can be made here for these limits (tests and the options table). */
export function treeLimitsEnforceable(limits: TreeLimits): boolean {
  const cgroup = WorkerCgroup.create(limits);
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
