import { constants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { dir, type DirectoryResult } from 'tmp-promise';
import { messageOf, PyExecError } from '../core/errors.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import { PROTOCOL_VERSION } from '../protocol/messages.js';
import { removeAtExit } from './exit-cleanup.js';
import type { WorkerSource } from './worker-handle.js';
import { WorkerCgroup } from './cgroup.js';
import { descendantsOf } from './process-tree.js';
import { WorkerProcess, type WorkerLaunch } from './worker-process.js';
import { harnessRuntimeDir } from './harness-location.js';
import { HARNESS_CHANGED, shipHarness, type ShippedHarness } from './harness-shipping.js';
import { bubblewrapCommand, SANDBOX_RUNTIME_DIR } from '../sandbox/bubblewrap.js';
import { probePythonLayout, type PythonLayout } from '../sandbox/python-layout.js';
import { checkSandbox } from '../sandbox/sandbox-check.js';
import type { NormalizedSandbox } from '../sandbox/sandbox-options.js';
import type { HarnessModeConfig } from '../strategies/strategy.js';

// A result has five texts cut at maxOutputBytes (two streams, the value, an exception's message
// and traceback); a large one crosses as base64, 4/3 of its UTF-8 bytes (8/3 as UTF-16 when it
// holds lone surrogates). See protocol/packed-text.ts.
const RESULT_TEXT_RATIO = 5 * (8 / 3);
// Room for figures, and for fields too small to be packed (their JSON escape may be 12x).
const PROTOCOL_SLACK = 64 * 1024 * 1024;
// What a worker gets of Node's environment with `inheritEnv: false`.
const CLEAN_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL'];
// The sandbox's PATH after the interpreter's own directory.
const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin';
// Learned preloads are a speed-up; a bound keeps a pathological workload from growing them forever.
const MAX_LEARNED_PRELOADS = 64;

// Cgroups kept for reuse: enough for the workers one executor starts side by side.
const MAX_SPARE_CGROUPS = 8;

/** The longest line a worker may send under `limits`: a larger one is not the protocol. */
export function maxLineLength(limits: { readonly maxOutputBytes: number }): number {
  return Number.isFinite(limits.maxOutputBytes)
    ? Math.ceil(limits.maxOutputBytes * RESULT_TEXT_RATIO) + PROTOCOL_SLACK
    : Number.MAX_SAFE_INTEGER;
}

/** Starts harness processes for one executor and owns what they share (scratch dir, interpreter). */
export class WorkerLauncher implements WorkerSource {
  /** Reset hooks handed to every new worker (the executor can add some at run time). */
  resetHooks: readonly string[];
  private python: string;
  private scratch: Promise<DirectoryResult> | undefined;
  private callScratch: Promise<DirectoryResult> | undefined;
  private readonly learnedPreloads = new Set<string>();
  // Empty cgroups of workers that exited, for the next workers: making and removing a cgroup costs
  // the kernel about a millisecond, which a process per call (baseline) would pay every call.
  private readonly spareCgroups: WorkerCgroup[] = [];
  private disposed = false;
  private sandboxReady: Promise<PythonLayout> | undefined;
  private shipped: Promise<ShippedHarness> | undefined;

  constructor(
    private readonly options: NormalizedExecutorOptions,
    /** The strategy's harness mode and its settings (see src/strategies/). */
    private readonly mode: HarnessModeConfig,
  ) {
    this.python = options.python;
    this.resetHooks = options.resetHooks;
  }

  /**
   * Remembers packages whose C extensions calls loaded, so new isolated workers import them at
   * start. True if anything was new (workers started before now lack it).
   */
  learnPreloads(modules: readonly string[]): boolean {
    const before = this.learnedPreloads.size;
    for (const module of modules) {
      if (this.learnedPreloads.size >= MAX_LEARNED_PRELOADS) break;
      if (/^[A-Za-z_]\w*$/.test(module)) this.learnedPreloads.add(module);
    }
    return this.learnedPreloads.size > before;
  }

  async start(): Promise<WorkerProcess> {
    try {
      return await this.startOne();
    } catch (error) {
      // The shipped harness changed on the other side since it was sent (whatever runs as the same
      // user there may write to it): sent again (a failed start forgets it), then started once more.
      if (!this.options.shipHarness || !messageOf(error).includes(HARNESS_CHANGED)) throw error;
      return this.startOne();
    }
  }

  private async startOne(): Promise<WorkerProcess> {
    const scratch = await (this.scratch ??= removedAtExit(dir({ prefix: 'pyexec-', unsafeCleanup: true })));
    const callScratch = await (this.callScratch ??= removedAtExit(callScratchDir()));
    // Each worker starts in a directory of its own, removed when it exits.
    const workDir = await mkdtemp(join(scratch.path, 'worker-'));
    // In a sandbox pids are the sandbox's own (every worker's call directory would be call-2):
    // each worker gets a call root of its own, the only other place it may write.
    const callRoot = this.options.sandbox ? await mkdtemp(join(callScratch.path, 'worker-')) : callScratch.path;
    const { limits } = this.options;
    // A cgroup where one can be made: it binds maxProcesses and memoryMb to the whole tree (the
    // harness then sets no RLIMIT_NPROC, per user and ignored for root), and tracks the tree even
    // without limits, so that what a dead worker left running is found and killed. Behind a
    // `command` launcher the harness keeps RLIMIT_NPROC: its tree may run on the other side
    // (another machine, a container), where a cgroup here holds only the launcher.
    const cgroup = this.spareCgroups.pop() ?? WorkerCgroup.create(limits);
    const treeIsHere = this.options.command.length === 0;
    const harnessLimits =
      cgroup && treeIsHere && limits.maxProcesses !== undefined ? { ...limits, maxProcesses: undefined } : limits;
    const resetHooks = this.resetHooks;
    const { mode, generations } = this.mode;
    let worker: WorkerProcess;
    let joined: Promise<void> | undefined;
    try {
      // Matplotlib's directory while the worker starts (preloads); each call then gets its own
      // (the harness moves it into the call's script directory), unless the user chose one.
      const matplotlibDir = join(workDir, '.matplotlib');
      const env = this.environment(matplotlibDir);
      const start = this.options.sandbox
        ? await this.sandboxed(env, workDir, callRoot)
        : {
            python: this.python,
            command: this.options.command,
            commandQuoting: this.options.commandQuoting,
            shipped: this.options.shipHarness ? await this.shippedHarness() : undefined,
            // On another machine only the `env` option is set (never the app's own variables), and
            // matplotlib's directory as here: the harness gives each call its own from it.
            remoteEnv: this.options.shipHarness
              ? { MPLBACKEND: 'Agg', MPLCONFIGDIR: matplotlibDir, ...this.options.env }
              : undefined,
            env,
          };
      worker = await WorkerProcess.start({
        ...start,
        cwd: workDir,
        startTimeoutMs: this.options.startTimeoutMs,
        maxLineLength: maxLineLength(limits),
        onSpawn: (pid) => (joined = cgroup?.join(pid)),
        config: {
          limits: harnessLimits,
          preload: this.options.preload,
          learnedPreload: [...this.learnedPreloads],
          resetHooks,
          mode,
          generations,
          workDir,
          callRoot,
          gcInterval: this.options.gcInterval,
          maxRssMb: this.options.maxRssMb,
          busyPollUs: this.options.busyPollUs,
          matplotlibDir: env.MPLCONFIGDIR === matplotlibDir ? matplotlibDir : undefined,
        },
        generations,
        namespaced: this.options.sandbox !== undefined,
        host: this.options.hostName,
      });
    } catch (error) {
      // The shipped harness may be what is missing (a host re-imaged): the next start sends it again.
      this.shipped = undefined;
      cgroup?.removeSoon(); // the failed process may not be reaped yet
      await removeQuietly(workDir);
      if (callRoot !== callScratch.path) await removeQuietly(callRoot);
      throw error;
    }
    // In its cgroup before any call reaches it (the move was made off the event loop).
    await joined;
    worker.startHooks = resetHooks;
    // bubblewrap forks its sandbox at once, maybe before the host moved it: its tree follows now,
    // before any call (nothing of user code has run yet).
    cgroup?.add(...descendantsOf(worker.pid));
    cgroup?.fitToHarness(this.mode.harnessChurn);
    worker.once('exit', () => {
      if (cgroup !== undefined) this.retireCgroup(cgroup);
      void removeQuietly(workDir);
      if (callRoot !== callScratch.path) void removeQuietly(callRoot);
      // An isolated worker killed mid-call (a timeout, a stop) cannot remove its call directory
      // (see call_directory.py, named after its pid); behind a launcher its pids are not ours.
      else if (this.options.command.length === 0) {
        void removeQuietly(join(callScratch.path, `call-${worker.pid}`));
        void removeQuietly(join(callScratch.path, `script-${worker.pid}`));
      }
    });
    if (worker.hello.protocol !== PROTOCOL_VERSION) {
      await worker.kill('protocol-mismatch');
      throw new PyExecError(
        'WORKER_START_FAILED',
        `The Python harness speaks protocol ${worker.hello.protocol}, this host speaks ${PROTOCOL_VERSION}`,
      );
    }
    // Later spawns skip launcher shims (pyenv's costs ~80 ms a start) by naming the real interpreter.
    if (worker.hello.executable) this.python = worker.hello.executable;
    return worker;
  }

  // Where the harness is on the other side of the launcher (`shipHarness`): sent once, then
  // again only after a failure (a host that was down ships when it is back).
  private shippedHarness(): Promise<ShippedHarness> {
    this.shipped ??= shipHarness({
      python: this.python,
      command: this.options.command,
      commandQuoting: this.options.commandQuoting,
      host: this.options.hostName,
    }).catch((error: unknown) => {
      this.shipped = undefined;
      throw error;
    });
    return this.shipped;
  }

  /** Removes the scratch directory; workers must be gone first. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const cgroup of this.spareCgroups.splice(0)) cgroup.removeSoon();
    const scratches = [this.scratch, this.callScratch];
    this.scratch = this.callScratch = undefined;
    for (const scratch of scratches) if (scratch) await (await scratch).cleanup();
  }

  // An exited worker's cgroup: kept for the next worker when nothing is left in it, else emptied
  // (what is still alive there is killed) and removed.
  private retireCgroup(cgroup: WorkerCgroup): void {
    if (!this.disposed && this.spareCgroups.length < MAX_SPARE_CGROUPS && cgroup.members().length === 0)
      this.spareCgroups.push(cgroup);
    else cgroup.removeSoon();
  }

  // What bubblewrap starts the interpreter with, and bubblewrap itself (once: checked, and the
  // interpreter's place on the host found).
  private async sandboxed(
    env: Record<string, string>,
    workDir: string,
    callRoot: string,
  ): Promise<Pick<WorkerLaunch, 'python' | 'command' | 'env' | 'runtimeDir'>> {
    const sandbox = this.options.sandbox as NormalizedSandbox;
    this.sandboxReady ??= checkSandbox().then(() => probePythonLayout(this.options.python));
    const python = await this.sandboxReady;
    const readOnly = [this.options.autoInstall?.target, this.options.autoInstall?.venv].filter(
      (path): path is string => path !== undefined,
    );
    const inside = { ...env, PATH: `${dirname(python.executable)}:${SANDBOX_PATH}` };
    const mounts = { python, harnessDir: harnessRuntimeDir(), readOnly, writable: [workDir, callRoot] };
    const command = bubblewrapCommand(sandbox, mounts, inside, workDir, this.mode.forksCallProcesses);
    return {
      python: python.executable,
      command,
      env: { PATH: process.env.PATH ?? SANDBOX_PATH },
      runtimeDir: SANDBOX_RUNTIME_DIR,
    };
  }

  private environment(mplConfigDir: string): Record<string, string> {
    const env: Record<string, string> = {};
    const { sandbox, inheritEnv } = this.options;
    if (sandbox !== undefined) Object.assign(env, { HOME: '/tmp', LANG: process.env.LANG ?? 'C.UTF-8' });
    else
      for (const [key, value] of Object.entries(process.env))
        if (value !== undefined && (inheritEnv || CLEAN_ENV.includes(key))) env[key] = value;
    // Matplotlib must never write to the home directory nor try to open a window.
    env.MPLBACKEND ??= 'Agg';
    env.MPLCONFIGDIR = mplConfigDir;
    Object.assign(env, this.options.env, sandbox?.env);
    // autoInstall.target: what calls get installed there is importable by every worker.
    const target = this.options.autoInstall?.target;
    if (target !== undefined) env.PYTHONPATH = env.PYTHONPATH ? `${target}:${env.PYTHONPATH}` : target;
    return env;
  }
}

/**
 * Removes a worker's (or a session copy's) directory once it is gone. Something the process
 * started may still be writing there (killed, but not yet reaped): rm then fails (ENOTEMPTY), and
 * must not become an unhandled rejection, which would end the application. Its scratch root
 * goes at close() or exit anyway.
 */
export function removeQuietly(path: string): Promise<void> {
  return rm(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 }).catch(() => undefined);
}

// A scratch directory that goes even if the host exits without close(); cleanup() forgets it.
async function removedAtExit(made: Promise<DirectoryResult>): Promise<DirectoryResult> {
  const scratch = await made;
  const forget = removeAtExit(scratch.path);
  return {
    path: scratch.path,
    cleanup: async () => {
      forget();
      await scratch.cleanup();
    },
  };
}

// Per-call working directories (isolated, forked) are made and removed constantly: on tmpfs that
// costs ~8 us instead of ~180 us on ext4. Files a call writes there use memory until it ends.
async function callScratchDir(): Promise<DirectoryResult> {
  const tmpfs = '/dev/shm';
  try {
    await access(tmpfs, constants.W_OK);
    return await dir({ prefix: 'pyexec-calls-', tmpdir: tmpfs, unsafeCleanup: true });
  } catch {
    return dir({ prefix: 'pyexec-calls-', unsafeCleanup: true });
  }
}
