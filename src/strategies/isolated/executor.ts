import { isolatedStrategy } from './strategy.js';
import type { Strategy } from '../strategy.js';
import type { ExecutorOptions } from '../../options/executor-options.js';
import { PersistentExecutor } from '../../executors/persistent-executor.js';

/**
 * Persistent workers whose interpreter state is snapshotted at start and restored after every
 * call: globals, builtins, sys.path and import machinery, sys.modules, module attributes,
 * os.environ, a fresh working directory per call, signal handlers, warnings, trace hooks,
 * umask and more. What cannot be restored in place (threads or child processes left running,
 * C extensions loaded, a failing reset hook, RSS past `maxRssMb`) recycles the worker, as do
 * `maxExecutions` calls.
 */
export class IsolatedExecutor extends PersistentExecutor {
  readonly strategy = 'isolated' as const;
  /** @internal What the registry knows this strategy by (kept out of the published types). */
  static readonly definition: Strategy = isolatedStrategy;

  constructor(options: ExecutorOptions = {}) {
    super(isolatedStrategy, options);
  }
}
