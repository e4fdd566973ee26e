import type { ExecutorOptions } from '../options/executor-options.js';
import { PooledExecutor } from './pooled-executor.js';

/**
 * Persistent warm workers; every call gets fresh globals. Interpreter state (sys.path,
 * os.environ, cwd, monkeypatches, sys.modules) carries over between calls: see the README's
 * isolation matrix before running untrusted code with it.
 */
export class OptimizedExecutor extends PooledExecutor {
  readonly strategy = 'optimized' as const;

  constructor(options: ExecutorOptions = {}) {
    super('optimized', options, () => ({ keepWarm: true, recycleReason: () => undefined }));
  }
}
