import { plainRuntime } from '../../pool/slot-runtime.js';
import { defaultBusyPoll, PERSISTENT_WORKER_OPTIONS } from '../persistent.js';
import type { Strategy } from '../strategy.js';

/** Persistent warm workers; fresh globals per call, interpreter state carries over. */
export const optimizedStrategy: Strategy = {
  name: 'optimized',
  capabilities: { isolation: 'globals', resetHooks: true, persistentWorkers: true },
  workerLifeOptions: PERSISTENT_WORKER_OPTIONS,
  defaults: (poolSize) => ({
    maxExecutions: Number.POSITIVE_INFINITY,
    gcInterval: 0,
    busyPollUs: defaultBusyPoll(poolSize),
  }),
  harnessConfig: () => ({ mode: 'optimized', generations: false, forksCallProcesses: false, harnessChurn: 0 }),
  // Routine renewals (a finite maxExecutions, an RSS ceiling) swap in a warm spare.
  policy: (options) => ({
    keepWarm: true,
    singleUse: false,
    spares: options.spareWorkers ?? (Number.isFinite(options.maxExecutions) || options.maxRssMb !== undefined ? 1 : 0),
  }),
  runtime: (_options, control) => plainRuntime(control),
};
