import { baselineStrategy } from './strategy.js';
import type { Strategy } from '../strategy.js';
import type { ExecutorOptions } from '../../options/executor-options.js';
import { PooledExecutor } from '../../executors/pooled-executor.js';

/**
 * A new Python process for every call, through the same harness and protocol: complete
 * isolation, at the price of an interpreter start per call. `poolSize` bounds how many run at once.
 */
export class BaselineExecutor extends PooledExecutor {
  readonly strategy = 'baseline' as const;
  /** @internal What the registry knows this strategy by (kept out of the published types). */
  static readonly definition: Strategy = baselineStrategy;

  constructor(options: ExecutorOptions = {}) {
    super(baselineStrategy, options);
  }
}
