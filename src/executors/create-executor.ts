import { readStrategy, type ExecutorOptions } from '../options/executor-options.js';
import { type StrategyName } from '../core/strategy-names.js';
import { BaselineExecutor } from './baseline.js';
import { ForkedExecutor } from './forked.js';
import { IsolatedExecutor } from './isolated.js';
import { OptimizedExecutor } from './optimized.js';

/** The public class of every strategy, by name (the type behind createExecutor's overload). */
interface ExecutorClasses {
  baseline: BaselineExecutor;
  optimized: OptimizedExecutor;
  isolated: IsolatedExecutor;
  forked: ForkedExecutor;
}

// Typed by StrategyName, so a new name fails to compile here until its class is added: the one
// line is all createExecutor needs. Not exported (nor in the .d.ts): ExecutorFor says the same.
const EXECUTOR_CLASS: { [S in StrategyName]: new (options?: ExecutorOptions) => ExecutorClasses[S] } = {
  baseline: BaselineExecutor,
  optimized: OptimizedExecutor,
  isolated: IsolatedExecutor,
  forked: ForkedExecutor,
};

/** The executor class `createExecutor` returns for strategy `S`. */
export type ExecutorFor<S extends StrategyName> = ExecutorClasses[S];

/**
 * Builds the executor for `options.strategy` (default `optimized`); swap strategies by config.
 * With the strategy written as a literal, the result is that strategy's class, so its own
 * methods (`addResetHook`, `warmUp`) type-check; with a StrategyName variable, any of them.
 * @example
 * const executor = createExecutor({ strategy: 'isolated', poolSize: 2, timeoutMs: 5000 });
 * executor.addResetHook('import random; random.seed(0)');
 * const { status, stdout, value } = await executor.run('print("hi")\n6 * 7');
 */
export function createExecutor<S extends StrategyName = 'optimized'>(
  options?: ExecutorOptions & { strategy?: S },
): ExecutorFor<S>;
export function createExecutor(options: ExecutorOptions = {}): ExecutorFor<StrategyName> {
  return new EXECUTOR_CLASS[readStrategy(options)](options);
}
