import { availableParallelism } from 'node:os';
import { WORKER_LIFE_KEYS, type WorkerLifeKey } from '../options/worker-options.js';

/** Worker-life options of strategies whose workers serve many calls (optimized, isolated): all. */
export const PERSISTENT_WORKER_OPTIONS: readonly WorkerLifeKey[] = WORKER_LIFE_KEYS;

const DEFAULT_BUSY_POLL_US = 100;

// Polling workers must leave a core to the host's event loop, or they would slow it down.
export function defaultBusyPoll(poolSize: number): number {
  return poolSize < availableParallelism() ? DEFAULT_BUSY_POLL_US : 0;
}
