import { readStrategy, type ExecutorOptions, type StrategyName } from '../options/executor-options.js';
import { BaselineExecutor } from './baseline.js';
import { ForkedExecutor } from './forked.js';
import { IsolatedExecutor } from './isolated.js';
import { OptimizedExecutor } from './optimized.js';
import type { PythonExecutor } from './types.js';

const EXECUTOR_CLASS = {
  baseline: BaselineExecutor,
  optimized: OptimizedExecutor,
  isolated: IsolatedExecutor,
  forked: ForkedExecutor,
} satisfies Record<StrategyName, new (options?: ExecutorOptions) => PythonExecutor>;

/**
 * Builds the executor for `options.strategy` (default `optimized`); swap strategies by config.
 * With the strategy written as a literal, the result is that strategy's class, so its own
 * methods (`addResetHook`, `warmUp`) type-check.
 * @example
 * const executor = createExecutor({ strategy: 'isolated', poolSize: 2, timeoutMs: 5000 });
 * executor.addResetHook('import random; random.seed(0)');
 * const { status, stdout, value } = await executor.run('print("hi")\n6 * 7');
 */
export function createExecutor(options: ExecutorOptions & { strategy: 'baseline' }): BaselineExecutor;
export function createExecutor(options: ExecutorOptions & { strategy: 'isolated' }): IsolatedExecutor;
export function createExecutor(options: ExecutorOptions & { strategy: 'forked' }): ForkedExecutor;
export function createExecutor(options?: ExecutorOptions & { strategy?: 'optimized' }): OptimizedExecutor;
export function createExecutor(options?: ExecutorOptions): BaselineExecutor | OptimizedExecutor | IsolatedExecutor | ForkedExecutor;
export function createExecutor(options: ExecutorOptions = {}): PythonExecutor {
  return new EXECUTOR_CLASS[readStrategy(options)](options);
}
