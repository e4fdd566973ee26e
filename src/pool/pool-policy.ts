/** What distinguishes strategies that share this pool. */
export interface PoolPolicy {
  /** Start workers before calls need them and replace lost ones at once (persistent strategies). */
  readonly keepWarm: boolean;
  /** Every worker serves exactly one call, then is killed (baseline). */
  readonly singleUse: boolean;
  /** Keep one worker started ahead of need, for strategies that recycle workers routinely. */
  readonly keepSpare: boolean;
  /** Workers recycle by forking a fresh generation in place (isolated; see generations.py). */
  readonly forksGenerations: boolean;
}
