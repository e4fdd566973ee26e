import type { StrategyName } from '../core/strategy-names.js';
import { baselineStrategy } from './baseline.js';
import { forkedStrategy } from './forked.js';
import { isolatedStrategy } from './isolated.js';
import { optimizedStrategy } from './optimized.js';
import type { Strategy } from './strategy.js';

/** Every strategy by name: the one registration a new strategy needs on this side. */
const STRATEGY_BY_NAME: Readonly<Record<StrategyName, Strategy>> = {
  baseline: baselineStrategy,
  optimized: optimizedStrategy,
  isolated: isolatedStrategy,
  forked: forkedStrategy,
};

export function strategyNamed(name: StrategyName): Strategy {
  return STRATEGY_BY_NAME[name];
}
