import type { StrategyName } from '../src/index.js';

/** How long each measurement runs; `--quick` is the CI smoke test (under 2 minutes in all). */
export interface BenchPlan {
  quick: boolean;
  /** tinybench time per sequential task, ms. */
  sequentialMs: number;
  /** Sequential time for baseline, whose calls take tens of ms. */
  baselineSequentialMs: number;
  concurrentMs: number;
  coldStarts: number;
  numpyMs: number;
  /** Slices of echo and strategy, alternated, for PAIRED_WITH_ECHO. */
  echoRounds: number;
  /** The side-by-side table (peers.ts): rounds of one slice per row, rotated. */
  peerRounds: number;
  peerSliceMs: number;
  /** The polling regimes (polling-regimes.ts): rounds of alternated slices per regime. */
  regimeRounds: number;
  regimeSliceMs: number;
  /** Poisson arrivals per row (open-loop.ts), in this many rounds of the rows in turn. */
  openLoopMs: number;
  openLoopRounds: number;
  /** Sessions (sessions.ts): alternated slices, createSession samples, idle sessions held at once, forks. */
  sessions: { rounds: number; sliceMs: number; createSamples: number; idleSessions: number; forkSamples: number };
  /** Rich I/O (rich-io.ts): host function calls in one loop; alternated display/print slices. */
  richIo: { hostCalls: number; rounds: number; sliceMs: number };
}

export function planFor(quick: boolean): BenchPlan {
  return quick
    ? {
        ...{
          quick,
          sequentialMs: 700,
          baselineSequentialMs: 1000,
          concurrentMs: 700,
          coldStarts: 1,
          numpyMs: 500,
          echoRounds: 2,
        },
        ...{
          peerRounds: 2,
          peerSliceMs: 150,
          regimeRounds: 2,
          regimeSliceMs: 200,
          openLoopMs: 1000,
          openLoopRounds: 1,
          sessions: { rounds: 2, sliceMs: 200, createSamples: 3, idleSessions: 10, forkSamples: 20 },
          richIo: { hostCalls: 2000, rounds: 2, sliceMs: 200 },
        },
      }
    : {
        ...{
          quick,
          sequentialMs: 4000,
          baselineSequentialMs: 4000,
          concurrentMs: 3000,
          coldStarts: 5,
          numpyMs: 2000,
          echoRounds: 8,
        },
        ...{
          peerRounds: 8,
          peerSliceMs: 500,
          regimeRounds: 12,
          regimeSliceMs: 250,
          openLoopMs: 6000,
          openLoopRounds: 3,
          sessions: { rounds: 8, sliceMs: 500, createSamples: 9, idleSessions: 100, forkSamples: 200 },
          richIo: { hostCalls: 10_000, rounds: 6, sliceMs: 500 },
        },
      };
}

/** Strategies benchmarked, in table order. */
export const BENCH_STRATEGIES: readonly StrategyName[] = ['baseline', 'optimized', 'isolated', 'forked'];

/**
 * The order they are measured in: the persistent ones first. Baseline and forked start a process
 * per call, and the machine takes seconds to settle after them (an echo sample taken right after
 * baseline came out up to 20% below the run's others), which would be charged to what ran next.
 */
export const MEASUREMENT_ORDER: readonly StrategyName[] = ['optimized', 'isolated', 'forked', 'baseline'];

/** Share of a strategy's capacity (side-by-side calls/s) offered as Poisson arrivals. */
export const OPEN_LOOP_LOAD = 0.5;

/** The targets, as shares of echo (measured and reported, never asserted in tests). */
export const ECHO_TARGETS = { optimized: 0.5, isolated: 0.35 } as const;

/** The strategies with targets relative to echo: their "% of echo" comes from paired slices. */
export const PAIRED_WITH_ECHO = Object.keys(ECHO_TARGETS) as readonly StrategyName[];

export const TRIVIAL_CALL = 'print(1+1)';
export const NUMPY_CALL = 'import numpy as np\nfloat(np.arange(1000).sum())';

/** The reference measurements this project answers (Python executor, sequential, per call). */
export const REFERENCE = {
  newProcess: { label: 'new process per call', msPerCall: 276.92, callsPerSec: 3.6 },
  persistent: { label: 'persistent process', msPerCall: 0.5, callsPerSec: 1996 },
  persistentReset: { label: 'persistent + reset', msPerCall: 0.64, callsPerSec: 1574 },
} as const;

// Each strategy is compared with the reference row that keeps its guarantee: forked, like
// baseline, runs every call in a new process; isolated resets one that persists.
export const REFERENCE_FOR: Record<StrategyName, keyof typeof REFERENCE> = {
  baseline: 'newProcess',
  optimized: 'persistent',
  isolated: 'persistentReset',
  forked: 'newProcess',
};
