import { availableParallelism } from 'node:os';
import { plainRuntime } from '../../pool/slot-runtime.js';
import type { Strategy } from '../strategy.js';

/**
 * A new Python process per call, killed when it ends. Processes are started ahead of calls (a
 * fresh one waits, never used, for each of the next calls): a start takes tens of ms of one
 * core, so starts running side by side on several cores are what lets back-to-back calls go
 * faster than one start each, and a call after a pause finds its process ready.
 */
export const baselineStrategy: Strategy = {
  name: 'baseline',
  capabilities: { isolation: 'process', resetHooks: false, persistentWorkers: false },
  workerLifeOptions: ['preload', 'spareWorkers'],
  defaults: () => ({ maxExecutions: Number.POSITIVE_INFINITY, gcInterval: 0, busyPollUs: 0 }),
  harnessConfig: () => ({ mode: 'baseline', generations: false, forksCallProcesses: false, harnessChurn: 0 }),
  policy: (options) => ({
    keepWarm: false,
    singleUse: true,
    spares: options.spareWorkers ?? baselineSpares(options.poolSize),
  }),
  runtime: (_options, control) => plainRuntime(control),
};

/**
 * One more than the slots can take at once (a call's end then finds the next process started),
 * but no more starts side by side than there are cores to run them.
 */
export function baselineSpares(poolSize: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(poolSize + 1, cores));
}
