import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import type { StrategyCapabilities, StrategyName } from '../core/strategy-names.js';
import type { WorkerLifeRules } from '../options/worker-options.js';
import type { PoolStrategy } from '../pool/slot-runtime.js';

/**
 * Everything that makes one strategy differ from the others, in one object: the options it
 * uses and their defaults, how its harness starts, how the pool keeps its workers and what the
 * pool delegates once they run. Its Python mirror is python-runtime/pyexec_harness/modes/.
 * Adding a strategy: a file here and one in modes/, each registered in its registry.
 */
export interface Strategy extends WorkerLifeRules, PoolStrategy {
  readonly name: StrategyName;
  /** What it offers; the tests and `executor.capabilities` read it. */
  readonly capabilities: StrategyCapabilities;
  /** What the harness is told at start: its mode (a module in modes/) and that mode's settings. */
  harnessConfig(options: NormalizedExecutorOptions): HarnessModeConfig;
  /** Its workers fork sessions (forked's template): a session is one fork, not a process start. */
  readonly forksSessions?: true;
}

export interface HarnessModeConfig {
  /** The harness mode module that serves (python-runtime/pyexec_harness/modes/). */
  readonly mode: string;
  /** The started process forks the generations that serve calls (isolated, see generations.py). */
  readonly generations: boolean;
  /**
   * The started process runs no call but forks the processes that do (forked's template,
   * isolated's generations): in the sandbox it is pid 1 (see bubblewrap.ts).
   */
  readonly forksCallProcesses: boolean;
  /** Processes the harness itself keeps beside those of calls (a cgroup's pids.max leaves room). */
  readonly harnessChurn: number;
}
