import { EventEmitter } from 'eventemitter3';
import { abortError } from '../errors.js';
import { normalizeExecutorOptions, type NormalizedExecutorOptions, type StrategyName } from '../options/executor-options.js';
import { expectCode, normalizeRunOptions, type RunOptions } from '../options/run-options.js';
import { Call } from '../pool/call.js';
import type { PoolPolicy } from '../pool/pool-policy.js';
import { WorkerPool } from '../pool/worker-pool.js';
import { WorkerLauncher } from '../worker/worker-launcher.js';
import type { ExecutionResult, ExecutorEvents, ExecutorStatus, PythonExecutor } from './types.js';

/** The public face shared by strategies built on the worker pool; each strategy supplies a policy. */
export abstract class PooledExecutor extends EventEmitter<ExecutorEvents> implements PythonExecutor {
  abstract readonly strategy: StrategyName;
  /** The options this executor runs with, every default filled in. */
  readonly options: NormalizedExecutorOptions;
  protected readonly pool: WorkerPool;

  protected constructor(strategy: StrategyName, options: unknown, policy: (options: NormalizedExecutorOptions) => PoolPolicy) {
    super();
    this.options = normalizeExecutorOptions(options, strategy);
    this.pool = new WorkerPool(this.options, policy(this.options), new WorkerLauncher(this.options), this);
  }

  /** Starts the workers now rather than at the first call; resolves once they are ready. */
  warmUp(): Promise<void> {
    return this.pool.warmUp();
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
    try {
      this.pool.submit(call);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal) {
      const onAbort = () => this.pool.abort(call);
      signal.addEventListener('abort', onAbort, { once: true });
      void call.settled.then(() => signal.removeEventListener('abort', onAbort));
    }
    return call.promise;
  }

  stop(executionId: string): Promise<boolean> {
    return this.pool.stop(executionId);
  }

  status(): ExecutorStatus {
    return { strategy: this.strategy, ...this.pool.status() };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
