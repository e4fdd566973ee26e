import { readStrategy, type ExecutorOptions } from '../options/executor-options.js';
import { BaselineExecutor } from './baseline.js';
import { ForkedExecutor } from './forked.js';
import { IsolatedExecutor } from './isolated.js';
import { OptimizedExecutor } from './optimized.js';
import type { PythonExecutor } from './types.js';

/**
 * Builds the executor for `options.strategy` (default `optimized`); swap strategies by config.
 * @example
 * const executor = createExecutor({ strategy: 'optimized', poolSize: 2, timeoutMs: 5000 });
 * const { status, stdout, value } = await executor.run('print("hi")\n6 * 7');
 */
export function createExecutor(options: ExecutorOptions = {}): PythonExecutor {
  const strategy = readStrategy(options);
  switch (strategy) {
    case 'baseline':
      return new BaselineExecutor(options);
    case 'optimized':
      return new OptimizedExecutor(options);
    case 'isolated':
      return new IsolatedExecutor(options);
    case 'forked':
      return new ForkedExecutor(options);
  }
}
