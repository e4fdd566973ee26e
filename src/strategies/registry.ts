import type { StrategyName } from '../core/strategy-names.js';
import type { ExecutorOptions } from '../options/executor-options.js';
import type { PythonExecutor } from '../executors/types.js';
import { BaselineExecutor } from './baseline/executor.js';
import { baselineStrategy } from './baseline/strategy.js';
import { ForkedExecutor } from './forked/executor.js';
import { forkedStrategy } from './forked/strategy.js';
import { IsolatedExecutor } from './isolated/executor.js';
import { isolatedStrategy } from './isolated/strategy.js';
import { OptimizedExecutor } from './optimized/executor.js';
import { optimizedStrategy } from './optimized/strategy.js';
import type { Strategy } from './strategy.js';

interface Registered<E extends PythonExecutor> {
  /** What makes the strategy differ (options, harness mode, pool policy, capabilities). */
  readonly strategy: Strategy;
  /** Its public class, which createExecutor builds. */
  readonly Executor: new (options?: ExecutorOptions) => E;
}

/**
 * Every strategy by name: a new strategy is its folder here (strategy.ts, executor.ts), its name
 * in STRATEGIES (core/strategy-names.ts) and its line below (the type makes a missing one fail to
 * compile); on the Python side, a module in pyexec_harness/modes/ and its line in _MODES.
 */
const REGISTRY = {
  baseline: { strategy: baselineStrategy, Executor: BaselineExecutor },
  optimized: { strategy: optimizedStrategy, Executor: OptimizedExecutor },
  isolated: { strategy: isolatedStrategy, Executor: IsolatedExecutor },
  forked: { strategy: forkedStrategy, Executor: ForkedExecutor },
} satisfies { [S in StrategyName]: Registered<PythonExecutor & { strategy: S }> };

/** The executor class `createExecutor` returns for strategy `S`. */
export type ExecutorFor<S extends StrategyName> = InstanceType<(typeof REGISTRY)[S]['Executor']>;

export function strategyNamed(name: StrategyName): Strategy {
  return REGISTRY[name].strategy;
}

/** A new executor of strategy `name`. */
export function executorNamed<S extends StrategyName>(name: S, options: ExecutorOptions): ExecutorFor<S> {
  const { Executor } = REGISTRY[name] as Registered<PythonExecutor>;
  return new Executor(options) as ExecutorFor<S>;
}
