import { readStrategy, type ExecutorOptions } from './options/executor-options.js';
import { type StrategyName } from './core/strategy-names.js';
import { executorNamed, type ExecutorFor } from './strategies/registry.js';
import { HostsExecutor } from './hosts/hosts-executor.js';
import type { HostOptions } from './hosts/host-options.js';

export type { ExecutorFor } from './strategies/registry.js';

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
  const strategy = readStrategy(options);
  // Workers on other machines: the same interface, one executor of the strategy per host.
  if (options.hosts !== undefined)
    return new HostsExecutor(
      options as ExecutorOptions & { hosts: HostOptions[] },
    ) as unknown as ExecutorFor<StrategyName>;
  return executorNamed(strategy, options);
}
