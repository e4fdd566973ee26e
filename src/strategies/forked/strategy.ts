import { forkedRuntime } from '../../pool/forked-children.js';
import type { Strategy } from '../strategy.js';

/** A copy-on-write child of a warm template per call; the template never runs user code. */
export const forkedStrategy: Strategy = {
  name: 'forked',
  capabilities: { isolation: 'process', resetHooks: false, persistentWorkers: false },
  workerLifeOptions: ['preload'],
  defaults: () => ({ maxExecutions: Number.POSITIVE_INFINITY, gcInterval: 0, busyPollUs: 0 }),
  // A template starts the next call's child (and that child its output thread) while a call runs.
  harnessConfig: () => ({ mode: 'forked', generations: false, forksCallProcesses: true, harnessChurn: 2 }),
  policy: () => ({ keepWarm: true, singleUse: false, spares: 0 }),
  runtime: (options, control) => forkedRuntime(control, options.command.length === 0),
  forksSessions: true,
};
