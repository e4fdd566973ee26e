/** Every strategy's name, for validating one read from configuration (see isStrategyName). */
export const STRATEGIES = ['baseline', 'optimized', 'isolated', 'forked'] as const;
/** How calls are isolated from each other; see the README's strategy table. */
export type StrategyName = (typeof STRATEGIES)[number];

/**
 * Whether `value` names a strategy: validates one read from an environment variable or a config
 * file without a cast.
 * @example
 * const strategy = process.env.PYEXEC_STRATEGY;
 * const executor = createExecutor({ strategy: isStrategyName(strategy) ? strategy : 'optimized' });
 */
export function isStrategyName(value: unknown): value is StrategyName {
  return typeof value === 'string' && (STRATEGIES as readonly string[]).includes(value);
}
