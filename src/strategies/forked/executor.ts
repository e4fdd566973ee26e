import { forkedStrategy } from './strategy.js';
import type { Strategy } from '../strategy.js';
import type { ExecutorOptions } from '../../options/executor-options.js';
import { PooledExecutor } from '../../executors/pooled-executor.js';

/**
 * A fresh copy-on-write child of a warm template process for every call: complete isolation
 * (a new process) without an interpreter start. Each template (`poolSize` of them) imports
 * `preload` once, never runs user code, and keeps the next child forked and set up before its
 * call arrives. Timeouts and stops kill the child's process tree; the template keeps serving.
 */
export class ForkedExecutor extends PooledExecutor {
  readonly strategy = 'forked' as const;
  /** @internal What the registry knows this strategy by (kept out of the published types). */
  static readonly definition: Strategy = forkedStrategy;

  constructor(options: ExecutorOptions = {}) {
    super(forkedStrategy, options);
  }
}
