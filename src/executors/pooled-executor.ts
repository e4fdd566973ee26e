import { EventEmitter } from 'eventemitter3';
import { normalizeExecutorOptions, type NormalizedExecutorOptions } from '../options/executor-options.js';
import type { StrategyCapabilities, StrategyName } from '../core/strategy-names.js';
import type { RunOptions } from '../options/run-options.js';
import { newCall, submitCall } from '../pool/call-submission.js';
import { streamCall, type StreamEvent } from '../pool/call-stream.js';
import {
  AutoInstaller,
  normalizeAutoInstall,
  type ExecutorInstallOptions,
  type NormalizedAutoInstall,
} from '../packages/auto-install.js';
import type { InstallResult } from '../packages/install.js';
import type { Call } from '../pool/call.js';
import type { SessionOptions } from '../options/session-options.js';
import { SessionRegistry } from '../sessions/session-registry.js';
import type { SessionTemplates } from '../sessions/template-session.js';
import type { Session } from '../sessions/session.js';
import { WorkerPool } from '../pool/worker-pool.js';
import type { Strategy } from '../strategies/strategy.js';
import { WorkerLauncher } from '../worker/worker-launcher.js';
import type { PythonExecutor } from './types.js';
import type { ExecutionResult, ExecutorEvents, ExecutorStatus, SessionInfo } from '../core/results.js';

// The pool behind each executor, out of the public type (and its .d.ts) altogether.
const pools = new WeakMap<PooledExecutor, WorkerPool>();
const registries = new WeakMap<PooledExecutor, SessionRegistry>();
const installers = new WeakMap<PooledExecutor, AutoInstaller>();

/** The pool behind `executor`, for the strategy classes built on this one. */
export function poolOf(executor: PooledExecutor): WorkerPool {
  return pools.get(executor) as WorkerPool;
}

function installerOf(executor: PooledExecutor): AutoInstaller {
  return installers.get(executor) as AutoInstaller;
}

function sessionsOf(executor: PooledExecutor): SessionRegistry {
  return registries.get(executor) as SessionRegistry;
}

// The pool's workers as makers of sessions (forked's templates): started first if none is up.
function templatesOf(pool: WorkerPool): SessionTemplates {
  return {
    async send(message) {
      const sent = pool.sendOutsideCalls(message);
      if (sent !== undefined || pool.closed) return sent;
      await pool.warmUp();
      return pool.sendOutsideCalls(message);
    },
  };
}

/** The public face shared by every strategy; what differs lives in its Strategy (src/strategies/<name>/). */
export abstract class PooledExecutor extends EventEmitter<ExecutorEvents> implements PythonExecutor {
  abstract readonly strategy: StrategyName;
  /** The options this executor runs with, every default filled in. */
  readonly options: NormalizedExecutorOptions;
  /** What its strategy offers (isolation level, reset hooks, persistent workers). */
  readonly capabilities: StrategyCapabilities;

  /** @internal Each strategy's class passes its own Strategy (kept out of the published types). */
  protected constructor(definition: Strategy, options: unknown) {
    super();
    this.options = normalizeExecutorOptions(options, definition.name, definition);
    this.capabilities = definition.capabilities;
    const launcher = new WorkerLauncher(this.options, definition.harnessConfig(this.options));
    const pool = new WorkerPool(this.options, definition, launcher, this);
    pools.set(this, pool);
    registries.set(
      this,
      new SessionRegistry(this.options, this, definition.forksSessions ? templatesOf(pool) : undefined),
    );
    // One installer for autoInstall and installPackages(): its epoch counts installs of both.
    const { autoInstall, python, basePython, command } = this.options;
    installers.set(
      this,
      new AutoInstaller(
        autoInstall ?? (normalizeAutoInstall(true) as NormalizedAutoInstall),
        python,
        basePython,
        command,
      ),
    );
  }

  /** Starts the workers now rather than at the first call; resolves once they are ready. */
  async warmUp(): Promise<void> {
    if (this.options.autoInstall !== undefined) await installerOf(this).ensureEnvironment();
    return poolOf(this).warmUp();
  }

  run(code: string, options?: RunOptions): Promise<ExecutionResult> {
    let call: Call;
    try {
      call = newCall(code, options, this.options);
    } catch (error) {
      return Promise.reject(error);
    }
    // autoInstall: what the call imports and lacks is installed first, off the call's clock, while
    // the call is already the pool's (stop, status, maxQueue and close reach it).
    const pool = poolOf(this);
    const installer = installerOf(this);
    if (installer.epoch > 0) call.catchUpImports(installer.epoch);
    return submitCall(pool, call, () =>
      this.options.autoInstall === undefined
        ? pool.submit(call)
        : pool.submitPrepared(call, (stopping) => this.install(installer, call, stopping)),
    );
  }

  stream(code: string, options?: RunOptions): AsyncIterableIterator<StreamEvent> {
    return streamCall((withCallbacks) => this.run(code, withCallbacks), options);
  }

  private async install(installer: AutoInstaller, call: Call, stopping: AbortSignal): Promise<void> {
    const executionId = call.id;
    const { announcer } = poolOf(this);
    const installed = await installer.prepare(call.code, stopping, {
      started: (requirements) => announcer.emit('install:start', { executionId, requirements }),
      ended: (installed, error) =>
        announcer.emit(
          'install:end',
          error === undefined ? { executionId, installed } : { executionId, installed, error },
        ),
    });
    call.recordInstall(installed, installer.epoch);
  }

  /**
   * Installs `requirements` (pip, validated first) where this executor's workers import from:
   * `autoInstall`'s venv or target when given, else their interpreter's own environment (which
   * fails on an externally managed one, PEP 668). Its next calls see the packages.
   * @example
   * await executor.installPackages(['tabulate==0.9.*'], { indexUrl: 'https://pypi.internal/simple' });
   */
  installPackages(requirements: string[], options: ExecutorInstallOptions = {}): Promise<InstallResult> {
    const { announcer } = poolOf(this);
    return installerOf(this).install(requirements, options, {
      started: (requirements) => announcer.emit('install:start', { requirements }),
      ended: (installed, error) =>
        announcer.emit('install:end', error === undefined ? { installed } : { installed, error }),
    });
  }

  /**
   * Opens a session: an interpreter of its own whose globals, imports, functions and working
   * directory persist across its calls (see the README's Sessions). Resolves once it is ready.
   * @example
   * const session = await executor.createSession({ idleTimeoutMs: 60_000 });
   * await session.run('import pandas as pd\ndf = pd.DataFrame({"a": [1, 2]})');
   * (await session.run('df.a.sum()')).value; // '3'
   */
  createSession(options?: SessionOptions): Promise<Session> {
    return sessionsOf(this).create(options);
  }

  /** Every session open (lost ones included, until closed or restarted). */
  sessions(): SessionInfo[] {
    return sessionsOf(this).list();
  }

  getSession(id: string): Session | undefined {
    return sessionsOf(this).get(id);
  }

  async stop(executionId: string): Promise<boolean> {
    return (await poolOf(this).stop(executionId)) || sessionsOf(this).stop(executionId);
  }

  status(): ExecutorStatus {
    return { strategy: this.strategy, ...poolOf(this).status() };
  }

  /** Closes every session, stops running and queued calls (they resolve `stopped`) and ends every worker. */
  async close(): Promise<void> {
    await Promise.all([sessionsOf(this).closeAll(), poolOf(this).close()]);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
