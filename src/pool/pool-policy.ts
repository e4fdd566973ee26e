/** How the pool keeps the workers of one strategy (see src/strategies/). */
export interface PoolPolicy {
  /** Start workers before calls need them and replace lost ones at once (all but baseline). */
  readonly keepWarm: boolean;
  /** Every worker serves exactly one call, then is killed (baseline). */
  readonly singleUse: boolean;
  /** Keep one worker started ahead of need, for strategies that replace workers routinely. */
  readonly keepSpare: boolean;
}
