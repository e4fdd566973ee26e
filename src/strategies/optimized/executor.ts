import { optimizedStrategy } from './strategy.js';
import type { ExecutorOptions } from '../../options/executor-options.js';
import { PersistentExecutor } from '../../executors/persistent-executor.js';

/**
 * Persistent warm workers; every call gets fresh globals. Interpreter state (sys.path,
 * os.environ, cwd, monkeypatches, sys.modules) carries over between calls: see the README's
 * isolation matrix before running untrusted code with it.
 */
export class OptimizedExecutor extends PersistentExecutor {
  readonly strategy = 'optimized' as const;

  constructor(options: ExecutorOptions = {}) {
    super(optimizedStrategy, options);
  }
}
