import type { Strategy } from '../strategies/strategy.js';
import { expectResetHook } from '../options/worker-options.js';
import { PooledExecutor, poolOf } from './pooled-executor.js';

/** Strategies whose workers serve many calls, and so can run reset hooks between them. */
export abstract class PersistentExecutor extends PooledExecutor {
  /** @internal Each strategy's class passes its own Strategy (kept out of the published types). */
  protected constructor(definition: Strategy, options: unknown) {
    super(definition, options);
  }

  /**
   * Adds a reset hook (Python code or `module:function`) run in every worker after every call,
   * from each worker's next call on. A hook that fails recycles the worker.
   * @example executor.addResetHook('import mylib; mylib.cache.clear()')
   */
  addResetHook(hook: string): void {
    poolOf(this).addResetHook(expectResetHook('hook', hook));
  }
}
