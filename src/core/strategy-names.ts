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

/** What a strategy offers, as its registry declares it (`executor.capabilities`). */
export interface StrategyCapabilities {
  /**
   * What one call keeps from the calls before it on the same worker: `process` nothing (each
   * call has a process of its own), `interpreter` nothing of the interpreter's state (restored
   * after every call, see the README's isolation matrix), `globals` only fresh globals (the rest
   * of the interpreter's state carries over).
   */
  readonly isolation: 'process' | 'interpreter' | 'globals';
  /** Whether reset hooks run between calls (`resetHooks`, `addResetHook`). */
  readonly resetHooks: boolean;
  /** Whether a worker serves many calls (warm imports, `maxExecutions`, `maxRssMb`). */
  readonly persistentWorkers: boolean;
}
