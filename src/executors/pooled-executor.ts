import { EventEmitter } from 'eventemitter3';
import { abortError } from '../core/errors.js';
import { normalizeExecutorOptions, type NormalizedExecutorOptions } from '../options/executor-options.js';
import type { StrategyCapabilities, StrategyName } from '../core/strategy-names.js';
import { expectCode, normalizeRunOptions, type RunOptions } from '../options/run-options.js';
import { AutoInstaller } from '../packages/auto-install.js';
import { Call } from '../pool/call.js';
import { WorkerPool } from '../pool/worker-pool.js';
import type { Strategy } from '../strategies/strategy.js';
import { WorkerLauncher } from '../worker/worker-launcher.js';
import type { PythonExecutor } from './types.js';
import type { ExecutionResult, ExecutorEvents, ExecutorStatus } from '../core/results.js';

// The pool behind each executor, out of the public type (and its .d.ts) altogether.
const pools = new WeakMap<PooledExecutor, WorkerPool>();
const installers = new WeakMap<PooledExecutor, AutoInstaller>();

/** The pool behind `executor`, for the strategy classes built on this one. */
export function poolOf(executor: PooledExecutor): WorkerPool {
  return pools.get(executor) as WorkerPool;
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
    pools.set(this, new WorkerPool(this.options, definition, launcher, this));
    const { autoInstall, python, basePython, command } = this.options;
    if (autoInstall !== undefined) installers.set(this, new AutoInstaller(autoInstall, python, basePython, command));
  }

  /** Starts the workers now rather than at the first call; resolves once they are ready. */
  async warmUp(): Promise<void> {
    await installers.get(this)?.ensureEnvironment();
    return poolOf(this).warmUp();
  }

  run(code: string, options?: RunOptions): Promise<ExecutionResult> {
    let call: Call;
    try {
      const runOptions = normalizeRunOptions(options, this.options);
      call = new Call(expectCode(code), runOptions, this.options.limits.maxOutputBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal } = call.options;
    if (signal?.aborted) return Promise.reject(abortError(call.id, signal.reason));
    return this.submit(call, installers.get(this));
  }

  // autoInstall: what the call imports and lacks is installed first, off the call's clock, while
  // the call is already the pool's (stop, status, maxQueue and close reach it).
  private submit(call: Call, installer: AutoInstaller | undefined): Promise<ExecutionResult> {
    const pool = poolOf(this);
    const { signal } = call.options;
    try {
      if (installer === undefined) pool.submit(call);
      else pool.submitPrepared(call, (stopping) => this.install(installer, call, stopping));
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal) {
      const onAbort = () => pool.abort(call);
      signal.addEventListener('abort', onAbort, { once: true });
      void call.settled.then(() => signal.removeEventListener('abort', onAbort));
    }
    return call.promise;
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

  stop(executionId: string): Promise<boolean> {
    return poolOf(this).stop(executionId);
  }

  status(): ExecutorStatus {
    return { strategy: this.strategy, ...poolOf(this).status() };
  }

  close(): Promise<void> {
    return poolOf(this).close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
