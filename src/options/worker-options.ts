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
  /**
   * Busy polling, a latency/CPU trade: after sending a call, the host keeps its event loop
   * turning for up to this many µs instead of sleeping until the result; after a result, while
   * calls arrive back to back, the idle worker polls this long for the next one. Each side then
   * skips the wake-up of a sleeping process, worth ~15 µs a call each on a VM (an idle vCPU
   * halts). It costs at most this much CPU on each side per call; the app's event loop stays
   * responsive (every turn polls I/O). 0 turns it off.
   * @default 100 when poolSize is below the CPU count (a core stays free for Node), else 0
   */
  busyPollUs?: number;
  /**
   * Workers kept started ahead of need, each an idle interpreter with the preloads: a recycle, a
   * crash, or (baseline) each call's new process then takes a ready one instead of waiting for
   * a start. Baseline's are started side by side, so back-to-back calls run at up to one start
   * per core and not one at a time. 0: workers start only when needed. Not for forked (its
   * template keeps the next child ready).
   * @default baseline: min(poolSize + 1, CPUs); isolated: 1; optimized: 1 when `maxExecutions`
   * or `maxRssMb` is set, else 0
   */
  spareWorkers?: number;
}

export interface NormalizedWorkerLife {
  readonly preload: readonly string[];
  readonly resetHooks: readonly string[];
  readonly maxExecutions: number;
  readonly gcInterval: number;
  readonly maxRssMb: number | undefined;
  readonly busyPollUs: number;
  /** As given; undefined for the strategy's own default (see its pool policy). */
  readonly spareWorkers: number | undefined;
}

/** What a strategy fills in for the worker-life options it uses, when they are not given. */
export type WorkerLifeDefaults = Pick<NormalizedWorkerLife, 'maxExecutions' | 'gcInterval' | 'busyPollUs'>;

const MODULE_NAME = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/;
// Past a few ms, polling costs more CPU than any wake-up it saves: surely a unit mistake.
const MAX_BUSY_POLL_US = 10_000;

export const WORKER_LIFE_KEYS = [
  'preload',
  'resetHooks',
  'maxExecutions',
  'gcInterval',
  'maxRssMb',
  'busyPollUs',
  'spareWorkers',
] as const;
export type WorkerLifeKey = (typeof WORKER_LIFE_KEYS)[number];

/**
 * What a strategy says of the worker-life options (src/strategies/ implements it): which it
 * uses, and its defaults. The options layer asks, and never imports a strategy.
 */
export interface WorkerLifeRules {
  /** Worker-life options that mean something here; the others are validated, then ignored. */
  readonly workerLifeOptions: readonly WorkerLifeKey[];
  /** This strategy's defaults for worker life, given the pool size. */
  defaults(poolSize: number): WorkerLifeDefaults;
}

export function expectResetHook(name: string, hook: unknown): string {
  if (typeof hook !== 'string' || hook.trim() === '')
    throw invalidOption(name, 'Python code or a `module:function` reference', hook);
  return hook;
}

/**
 * Validates the options above and fills in `strategy`'s defaults. Options the strategy does not
 * use are validated all the same (a config valid for one strategy is valid for all, so swapping
 * is a one-word change) and then ignored: they take the value that means "off".
 */
export function normalizeWorkerLife(
  options: Record<string, unknown>,
  strategy: WorkerLifeRules,
  poolSize: number,
): NormalizedWorkerLife {
  const preload = options.preload === undefined ? [] : expectStringArray('preload', options.preload);
  for (const module of preload)
    if (!MODULE_NAME.test(module)) throw invalidOption('preload', 'module names such as `numpy` or `os.path`', module);
  const resetHooks = options.resetHooks === undefined ? [] : expectStringArray('resetHooks', options.resetHooks);
  resetHooks.forEach((hook, index) => expectResetHook(`resetHooks[${index}]`, hook));
  const given = {
    preload,
    resetHooks,
    maxExecutions:
      options.maxExecutions === undefined
        ? undefined
        : expectIntegerOrInfinity('maxExecutions', options.maxExecutions, 1),
    gcInterval: options.gcInterval === undefined ? undefined : expectInteger('gcInterval', options.gcInterval, 0),
    maxRssMb: options.maxRssMb === undefined ? undefined : expectInteger('maxRssMb', options.maxRssMb, 1),
    busyPollUs: options.busyPollUs === undefined ? undefined : expectBusyPoll(options.busyPollUs),
    spareWorkers:
      options.spareWorkers === undefined ? undefined : expectInteger('spareWorkers', options.spareWorkers, 0),
  };
  const defaults = strategy.defaults(poolSize);
  const uses = (key: WorkerLifeKey) => strategy.workerLifeOptions.includes(key);
  return Object.freeze({
    preload: Object.freeze(uses('preload') ? [...given.preload] : []),
    resetHooks: Object.freeze(uses('resetHooks') ? [...given.resetHooks] : []),
    maxExecutions: (uses('maxExecutions') ? given.maxExecutions : undefined) ?? defaults.maxExecutions,
    gcInterval: (uses('gcInterval') ? given.gcInterval : undefined) ?? defaults.gcInterval,
    maxRssMb: uses('maxRssMb') ? given.maxRssMb : undefined,
    busyPollUs: (uses('busyPollUs') ? given.busyPollUs : undefined) ?? defaults.busyPollUs,
    spareWorkers: uses('spareWorkers') ? given.spareWorkers : undefined,
  });
}

function expectBusyPoll(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_BUSY_POLL_US) {
    throw invalidOption('busyPollUs', `an integer from 0 to ${MAX_BUSY_POLL_US} (µs)`, value);
  }
  return value;
}
