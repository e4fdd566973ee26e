import { createExecutor, type ExecutorOptions, type StrategyName } from '../src/index.js';
import { isolationProbes, probeLeaks } from '../test/isolation/probes.js';

export type IsolationMatrix = Record<string, Record<string, boolean>>;

/** For every strategy and probe: true when the next call could NOT see the trace (✅). */
export async function measureIsolation(
  strategies: readonly StrategyName[],
  options: ExecutorOptions,
  onProgress: (line: string) => void,
): Promise<IsolationMatrix> {
  const matrix: IsolationMatrix = {};
  for (const strategy of strategies) {
    const row: Record<string, boolean> = {};
    for (const probe of isolationProbes) {
      const executor = createExecutor({ ...options, strategy, poolSize: 1 });
      try {
        row[probe.name] = !(await probeLeaks(executor, probe));
      } finally {
        await executor.close();
      }
    }
    matrix[strategy] = row;
    const passed = Object.values(row).filter(Boolean).length;
    onProgress(`isolation ${strategy}: ${passed}/${isolationProbes.length} probes isolated`);
  }
  return matrix;
}
