// Session fork in `npm run bench`: session.fork() until the copy is ready, beside a bare Python's
// os.fork() + os._exit(0) + os.waitpid() measured in the same run, in alternated batches (a drift
// of the machine lands on both).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createExecutor, type ExecutorOptions } from '../src/index.js';

export interface ForkMetrics {
  samples: number;
  /** session.fork() until the copy can take calls (the copy closed after each sample). */
  forkP50Ms: number;
  /** A bare Python's fork + _exit + waitpid, from the parent's side. */
  bareForkP50Ms: number;
}

const BATCH = 10;

// A bare interpreter that, for each line it reads, forks `BATCH` times and prints the times (ms).
const BARE_FORKS = `
import json, os, sys, time
for _ in sys.stdin:
    times = []
    for _ in range(${BATCH}):
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        times.append((time.perf_counter() - started) * 1000)
    print(json.dumps(times), flush=True)
`;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

export async function measureFork(options: ExecutorOptions, samples: number): Promise<ForkMetrics> {
  const executor = createExecutor({ ...options, strategy: 'optimized' });
  const bare = spawn(options.python ?? process.env.PYEXEC_PYTHON ?? 'python3', ['-c', BARE_FORKS], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: bare.stdout })[Symbol.asyncIterator]();
  try {
    const session = await executor.createSession();
    await session.run('import json\nstate = {"rows": list(range(1000))}');
    const forks: number[] = [];
    const bareForks: number[] = [];
    for (let done = 0; done < samples; done += BATCH) {
      for (let i = 0; i < BATCH; i++) {
        const started = performance.now();
        const copy = await session.fork();
        forks.push(performance.now() - started);
        await copy.close();
      }
      bare.stdin.write('go\n');
      const line = await lines.next();
      bareForks.push(...(JSON.parse(line.value as string) as number[]));
    }
    return { samples: forks.length, forkP50Ms: median(forks), bareForkP50Ms: median(bareForks) };
  } finally {
    bare.stdin.end();
    await executor.close();
  }
}
