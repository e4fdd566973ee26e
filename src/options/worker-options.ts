import { PyExecError } from '../errors.js';
import type { StrategyName } from './executor-options.js';
import { expectInteger, expectIntegerOrInfinity, expectStringArray, invalidOption } from './validators.js';

/** Options about the life of persistent workers, whose defaults depend on the strategy. */
export interface WorkerLifeOptions {
  /** Python modules imported once at worker start (`numpy`, `pandas.io`…), so calls skip the import. */
  preload?: readonly string[];
  /**
   * Run in the worker after every call: Python code, or a `module:function` reference.
   * A hook that fails recycles the worker. Not for `baseline` (its workers never serve twice).
   * @example ['functools:lru_cache.cache_clear'], ['import mylib; mylib.cache.clear()']
   */
  resetHooks?: readonly string[];
  /** Recycle a worker after this many calls. @default 1000 for isolated, Infinity otherwise */
  maxExecutions?: number;
  /** Run the garbage collector every this many calls (0: never). @default 100 for isolated, 0 otherwise */
  gcInterval?: number;
  /** Recycle a worker whose peak resident memory passes this many MiB. @default no limit */
  maxRssMb?: number;
}

export interface NormalizedWorkerLife {
  readonly preload: readonly string[];
  readonly resetHooks: readonly string[];
  readonly maxExecutions: number;
  readonly gcInterval: number;
  readonly maxRssMb: number | undefined;
}

const MODULE_NAME = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/;
const PERSISTENT: readonly StrategyName[] = ['optimized', 'isolated'];

export const WORKER_LIFE_KEYS = ['preload', 'resetHooks', 'maxExecutions', 'gcInterval', 'maxRssMb'] as const;

export function expectResetHook(name: string, hook: unknown): string {
  if (typeof hook !== 'string' || hook.trim() === '') throw invalidOption(name, 'Python code or a `module:function` reference', hook);
  return hook;
}

// Validates the options above for one strategy and fills in that strategy's defaults.
export function normalizeWorkerLife(options: Record<string, unknown>, strategy: StrategyName): NormalizedWorkerLife {
  const persistent = PERSISTENT.includes(strategy);
  for (const key of ['resetHooks', 'maxExecutions', 'gcInterval', 'maxRssMb'] as const) {
    if (options[key] !== undefined && !persistent) {
      throw new PyExecError('INVALID_OPTION', `The \`${key}\` option applies to persistent workers (optimized, isolated), not to \`${strategy}\``);
    }
  }
  const preload = options.preload === undefined ? [] : expectStringArray('preload', options.preload);
  for (const module of preload) if (!MODULE_NAME.test(module)) throw invalidOption('preload', 'module names such as `numpy` or `os.path`', module);
  const resetHooks = options.resetHooks === undefined ? [] : expectStringArray('resetHooks', options.resetHooks);
  resetHooks.forEach((hook, index) => expectResetHook(`resetHooks[${index}]`, hook));
  const isolated = strategy === 'isolated';
  return Object.freeze({
    preload: Object.freeze([...preload]),
    resetHooks: Object.freeze([...resetHooks]),
    maxExecutions:
      options.maxExecutions === undefined
        ? isolated
          ? 1000
          : Number.POSITIVE_INFINITY
        : expectIntegerOrInfinity('maxExecutions', options.maxExecutions, 1),
    gcInterval: options.gcInterval === undefined ? (isolated ? 100 : 0) : expectInteger('gcInterval', options.gcInterval, 0),
    maxRssMb: options.maxRssMb === undefined ? undefined : expectInteger('maxRssMb', options.maxRssMb, 1),
  });
}
