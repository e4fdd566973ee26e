import type { NormalizedExecutorOptions } from '../../options/executor-options.js';
import { generationsRuntime } from '../../pool/generations.js';
import { plainRuntime } from '../../pool/slot-runtime.js';
import { defaultBusyPoll, PERSISTENT_WORKER_OPTIONS } from '../persistent.js';
import type { Strategy } from '../strategy.js';

// Renewal by fork of a fresh generation; not through a `command` launcher, whose pids live in
// another namespace: there a new process replaces the worker.
function forksGenerations(options: NormalizedExecutorOptions): boolean {
  return options.command.length === 0;
}

/** Persistent workers whose interpreter state is restored after every call, renewed when it cannot be. */
export const isolatedStrategy: Strategy = {
  name: 'isolated',
  capabilities: { isolation: 'interpreter', resetHooks: true, persistentWorkers: true },
  workerLifeOptions: PERSISTENT_WORKER_OPTIONS,
  defaults: (poolSize) => ({ maxExecutions: 1000, gcInterval: 100, busyPollUs: defaultBusyPoll(poolSize) }),
  // The next generation is already waiting when the first says hello: no churn to allow for.
  harnessConfig: (options) => {
    const generations = forksGenerations(options);
    return { mode: 'isolated', generations, forksCallProcesses: generations, harnessChurn: 0 };
  },
  policy: (options) => ({ keepWarm: true, singleUse: false, spares: options.spareWorkers ?? 1 }),
  runtime: (options, control) => (forksGenerations(options) ? generationsRuntime(control) : plainRuntime(control)),
};
