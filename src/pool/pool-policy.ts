/** How the pool keeps the workers of one strategy (see src/strategies/). */
export interface PoolPolicy {
  /** Start workers before calls need them and replace lost ones at once (all but baseline). */
  readonly keepWarm: boolean;
  /** Every worker serves exactly one call, then is killed (baseline). */
  readonly singleUse: boolean;
  /**
   * Workers kept started ahead of need (0 for none), for strategies that replace workers
   * routinely: a recycle, a crash or a single-use worker's end then takes a ready worker.
   */
  readonly spares: number;
  /**
   * A call whose worker died before it ran, or that its worker answered out of turn, runs again
   * on a replacement (default). Not a session's: its calls belong to one interpreter, and a
   * replacement would run them in a fresh one.
   */
  readonly movesCalls?: false;
}
