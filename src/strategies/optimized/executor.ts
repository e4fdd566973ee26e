import { optimizedStrategy } from './strategy.js';
import type { Strategy } from '../strategy.js';
import type { ExecutorOptions } from '../../options/executor-options.js';
import { PersistentExecutor } from '../../executors/persistent-executor.js';

/**
 * Persistent warm workers; every call gets fresh globals. Interpreter state (sys.path,
 * os.environ, cwd, monkeypatches, sys.modules) carries over between calls: see the README's
 * isolation matrix before running untrusted code with it.
 */
export class OptimizedExecutor extends PersistentExecutor {
  readonly strategy = 'optimized' as const;
  /** @internal What the registry knows this strategy by (kept out of the published types). */
  static readonly definition: Strategy = optimizedStrategy;

  constructor(options: ExecutorOptions = {}) {
    super(optimizedStrategy, options);
  }
}
