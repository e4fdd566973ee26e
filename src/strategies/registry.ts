import type { StrategyName } from '../core/strategy-names.js';
import type { ExecutorOptions } from '../options/executor-options.js';
import type { PythonExecutor } from '../executors/types.js';
import { BaselineExecutor } from './baseline/executor.js';
import { ForkedExecutor } from './forked/executor.js';
import { IsolatedExecutor } from './isolated/executor.js';
import { OptimizedExecutor } from './optimized/executor.js';
import type { Strategy } from './strategy.js';

/** A strategy's public class, which also carries its Strategy (`definition`). */
interface StrategyClass<S extends StrategyName> {
  new (options?: ExecutorOptions): PythonExecutor & { readonly strategy: S };
  readonly definition: Strategy;
}

/**
 * Every strategy by name: a new strategy is its folder here (strategy.ts, and executor.ts whose
 * class carries the Strategy), its name in STRATEGIES (core/strategy-names.ts) and its line below
 * (the type makes a missing one fail to compile); on the Python side, a module in
 * pyexec_harness/modes/ and its line in _MODES.
 */
const REGISTRY = {
  baseline: BaselineExecutor,
  optimized: OptimizedExecutor,
  isolated: IsolatedExecutor,
  forked: ForkedExecutor,
} satisfies { [S in StrategyName]: StrategyClass<S> };

/** The executor class `createExecutor` returns for strategy `S`. */
export type ExecutorFor<S extends StrategyName> = InstanceType<(typeof REGISTRY)[S]>;

export function strategyNamed(name: StrategyName): Strategy {
  return REGISTRY[name].definition;
}

/** A new executor of strategy `name`. */
export function executorNamed<S extends StrategyName>(name: S, options: ExecutorOptions): ExecutorFor<S> {
  return new REGISTRY[name](options) as ExecutorFor<S>;
}
