import type { NormalizedExecutorOptions, StrategyName } from '../options/executor-options.js';
import type { WorkerLifeDefaults, WorkerLifeKey } from '../options/worker-options.js';
import type { PoolPolicy } from '../pool/pool-policy.js';
import type { PoolControl, SlotRuntime } from '../pool/slot-runtime.js';

/**
 * Everything that makes one strategy differ from the others, in one object: the options it
 * uses and their defaults, how its harness starts, how the pool keeps its workers and what the
 * pool delegates once they run. Its Python mirror is python-runtime/pyexec_harness/modes/.
 * Adding a strategy: a file here and one in modes/, each registered in its registry.
 */
export interface Strategy {
  readonly name: StrategyName;
  /** Worker-life options that mean something here; the others are validated, then ignored. */
  readonly workerLifeOptions: readonly WorkerLifeKey[];
  /** This strategy's defaults for worker life, given the pool size. */
  defaults(poolSize: number): WorkerLifeDefaults;
  /** What the harness is told at start: its mode (a module in modes/) and that mode's settings. */
  harnessConfig(options: NormalizedExecutorOptions): HarnessModeConfig;
  policy(options: NormalizedExecutorOptions): PoolPolicy;
  /** The pool's strategy-specific half: extra messages, interrupt and kill targets, renewal. */
  runtime(options: NormalizedExecutorOptions, control: PoolControl): SlotRuntime;
}

export interface HarnessModeConfig {
  /** The harness mode module that serves (python-runtime/pyexec_harness/modes/). */
  readonly mode: string;
  /** The started process forks the generations that serve calls (isolated, see generations.py). */
  readonly generations: boolean;
}
