import type { IsolationMatrix } from './isolation-matrix.js';
import type { OpenLoopMetrics } from './open-loop.js';
import type { PeerMetrics } from './peers.js';
import type { RegimeMetrics } from './polling-regimes.js';
import type { SessionMetrics } from './sessions.js';
import type { RichIoMetrics } from './rich-io.js';
import type { StrategyMetrics } from './strategy-metrics.js';

/** What `npm run bench` saves to bench/results/latest.json. */
export interface BenchResults {
  date: string;
  node: string;
  python: string;
  cpus: number;
  quick: boolean;
  /** The median of the echo samples taken through the run (before each strategy, and at the end). */
  echoCallsPerSec: number;
  echoP50Ms: number;
  echoP99Ms: number;
  echoSamplesCallsPerSec: number[];
  strategies: StrategyMetrics[];
  /** Sequential calls of a small numpy computation on a worker with numpy preloaded. */
  numpy: { strategy: string; callsPerSec: number; msPerCall: number }[];
  /** Every strategy with `sandbox: true` (bubblewrap), or why it could not be measured. */
  sandbox:
    { strategy: string; callsPerSec: number; msPerCall: number; coldStartMs: number }[] | { unavailable: string };
  isolation: IsolationMatrix;
  /** pyexec beside echo and python-shell, in rotated slices. */
  peers: PeerMetrics[];
  /** The persistent strategies' default against busyPollUs 0, per regime. */
  pollingRegimes: RegimeMetrics[];
  /** Poisson arrivals at OPEN_LOOP_LOAD of each strategy's side-by-side capacity. */
  openLoop: OpenLoopMetrics[];
  /** Calls in one session beside optimized's, createSession latency, idle sessions' memory. */
  sessions: SessionMetrics;
  /** Host functions' round trip beside a call's; a displaying call beside a printing one. */
  richIo: RichIoMetrics;
}
