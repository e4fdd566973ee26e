import { plainRuntime } from '../pool/slot-runtime.js';
import type { Strategy } from './strategy.js';

/** A new Python process per call: started when the call needs it, killed when it ends. */
export const baselineStrategy: Strategy = {
  name: 'baseline',
  workerLifeOptions: ['preload'],
  defaults: () => ({ maxExecutions: Number.POSITIVE_INFINITY, gcInterval: 0, busyPollUs: 0 }),
  harnessConfig: () => ({ mode: 'baseline', generations: false }),
  policy: () => ({ keepWarm: false, singleUse: true, keepSpare: false }),
  runtime: (_options, control) => plainRuntime(control),
};
