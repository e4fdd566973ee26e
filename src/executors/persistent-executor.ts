import type { StrategyName } from '../options/executor-options.js';
import { expectResetHook } from '../options/worker-options.js';
import { forksGenerations } from '../worker/worker-launcher.js';
import { PooledExecutor } from './pooled-executor.js';

/** Strategies whose workers serve many calls, and so can run reset hooks between them. */
export abstract class PersistentExecutor extends PooledExecutor {
  protected constructor(strategy: StrategyName, options: unknown) {
    super(strategy, options, (normalized) => ({
      keepWarm: true,
      singleUse: false,
      forksGenerations: forksGenerations(normalized),
      // Routine recycles (isolated, a finite maxExecutions, an RSS ceiling) swap in a warm spare.
      keepSpare: strategy === 'isolated' || Number.isFinite(normalized.maxExecutions) || normalized.maxRssMb !== undefined,
    }));
  }

  /**
   * Adds a reset hook (Python code or `module:function`) run in every worker after every call,
   * from each worker's next call on. A hook that fails recycles the worker.
   * @example executor.addResetHook('import mylib; mylib.cache.clear()')
   */
  addResetHook(hook: string): void {
    this.pool.addResetHook(expectResetHook('hook', hook));
  }
}
