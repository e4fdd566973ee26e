import type { EventEmitter } from 'eventemitter3';
import type { ExecutionResult, ExecutorEvents, ExecutorStatus, SessionInfo } from '../core/results.js';
import type { SessionOptions } from '../options/session-options.js';
import type { Session } from '../sessions/session.js';
import type { StrategyCapabilities, StrategyName } from '../core/strategy-names.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import type { RunOptions } from '../options/run-options.js';
import type { StreamEvent } from '../pool/call-stream.js';
import type { ExecutorInstallOptions } from '../packages/auto-install.js';
import type { InstallResult } from '../packages/install.js';

/** The interface every strategy implements; swap strategies by config, not by code. */
export interface PythonExecutor extends EventEmitter<ExecutorEvents> {
  readonly strategy: StrategyName;
  /** What its strategy offers (isolation level, reset hooks, persistent workers). */
  readonly capabilities: StrategyCapabilities;
  /** The options this executor runs with, every default filled in (frozen). */
  readonly options: NormalizedExecutorOptions;
  run(code: string, options?: RunOptions): Promise<ExecutionResult>;
  /**
   * `run` as an async iterator: yields `stdout`, `stderr` and `display` events as they happen,
   * then a `result` event. Leaving the loop early stops the call.
   */
  stream(code: string, options?: RunOptions): AsyncIterableIterator<StreamEvent>;
  /** Starts the workers now rather than at the first call; resolves once they are ready. */
  warmUp(): Promise<void>;
  /** Installs packages where the workers import from; see the README's Packages. */
  installPackages(requirements: string[], options?: ExecutorInstallOptions): Promise<InstallResult>;
  /** An interpreter whose state persists across its calls; see the README's Sessions. */
  createSession(options?: SessionOptions): Promise<Session>;
  /** Every open session (lost ones included, until closed or restarted). */
  sessions(): SessionInfo[];
  getSession(id: string): Session | undefined;
  /** True if the call was queued or running and is now stopped; false for an unknown or finished id. */
  stop(executionId: string): Promise<boolean>;
  status(): ExecutorStatus;
  /** Stops running and queued calls (they resolve `stopped`) and kills every worker. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
