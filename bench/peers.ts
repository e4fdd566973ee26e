// What a Node developer would otherwise pick, measured side by side with pyexec: every row in
// slices rotated through rounds, so a busy phase of a shared machine does not land on one row.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PythonShell } from 'python-shell';
import { createExecutor, type ExecutorOptions, type StrategyName } from '../src/index.js';
import { TRIVIAL_CALL } from './config.js';
import { EchoServer } from './echo.js';
import { expectOk, median, percentile } from './strategy-metrics.js';

/** A started row: one call at a time, each checked. */
interface Caller {
  call(): Promise<void>;
  close(): Promise<void>;
}

export interface PeerRow {
  name: string;
  /** What the row is, for the report. */
  note: string;
  start(python: string): Promise<Caller>;
}

export interface PeerMetrics {
  name: string;
  note: string;
  callsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  coldStartMs: number;
}

function pyexecRow(strategy: StrategyName, options: ExecutorOptions, name: string, note: string): PeerRow {
  return {
    name,
    note,
    async start(python) {
      const executor = createExecutor({ python, ...options, strategy, poolSize: 1 });
      const call = async () => {
        if (expectOk(await executor.run(TRIVIAL_CALL), name).stdout !== '2\n') throw new Error(`${name}: wrong output`);
      };
      await call();
      return { call, close: () => executor.close() };
    },
  };
}

// The worker a python-shell user writes: JSON lines in, exec with stdout redirected, JSON out.
const EXEC_LOOP = `import contextlib, io, json, sys
for line in sys.stdin:
    message = json.loads(line)
    out = io.StringIO()
    error = None
    with contextlib.redirect_stdout(out):
        try:
            exec(message["code"], {"__name__": "__main__"})
        except Exception as exc:
            error = repr(exc)
    print(json.dumps({"id": message["id"], "stdout": out.getvalue(), "error": error}), flush=True)
`;

const pythonShellLoop: PeerRow = {
  name: 'python-shell, persistent json-mode exec loop',
  note: 'a PythonShell in json mode running the exec loop its users write (no isolation, no fd capture, no timeouts)',
  async start(python) {
    const dir = mkdtempSync(join(tmpdir(), 'pyexec-bench-shell-'));
    writeFileSync(join(dir, 'loop.py'), EXEC_LOOP);
    const shell = new PythonShell('loop.py', { mode: 'json', pythonPath: python, scriptPath: dir });
    let waiting: ((reply: { stdout: string; error: string | null }) => void) | undefined;
    shell.on('message', (reply) => waiting?.(reply));
    let id = 0;
    const call = async () => {
      const reply = await new Promise<{ stdout: string; error: string | null }>((resolve) => {
        waiting = resolve;
        shell.send({ id: ++id, code: TRIVIAL_CALL });
      });
      if (reply.error !== null || reply.stdout !== '2\n')
        throw new Error(`python-shell loop: ${reply.error ?? reply.stdout}`);
    };
    await call();
    return { call, close: async () => void shell.kill() };
  },
};

const pythonShellRunString: PeerRow = {
  name: 'python-shell runString',
  note: 'PythonShell.runString: a process per call',
  async start(python) {
    const call = async () => {
      const output = await PythonShell.runString(TRIVIAL_CALL, { pythonPath: python });
      if (output.join('\n') !== '2') throw new Error(`python-shell runString: ${output.join('\n')}`);
    };
    await call();
    return { call, close: async () => undefined };
  },
};

const echoRow: PeerRow = {
  name: 'raw pipe echo',
  note: 'one JSON line to Python and back over a pipe, nothing run, both ends asleep in read',
  async start(python) {
    const server = await EchoServer.start(python);
    return { call: server.roundTrip, close: async () => server.close() };
  },
};

/** The rows of the side-by-side table, fastest kinds first. */
export const PEER_ROWS: readonly PeerRow[] = [
  echoRow,
  pyexecRow('optimized', {}, 'pyexec optimized', 'default options (adaptive busy polling)'),
  pyexecRow('isolated', {}, 'pyexec isolated', 'default options (adaptive busy polling)'),
  pyexecRow('optimized', { busyPollUs: 0 }, 'pyexec optimized, busyPollUs 0', 'the worker always sleeps in read'),
  pyexecRow('isolated', { busyPollUs: 0 }, 'pyexec isolated, busyPollUs 0', 'the worker always sleeps in read'),
  pythonShellLoop,
  pyexecRow('forked', {}, 'pyexec forked', 'a fresh fork of a warm template per call'),
  pyexecRow('baseline', {}, 'pyexec baseline', 'a new process per call'),
  pythonShellRunString,
];

/**
 * Every row for `rounds` rounds of one `sliceMs` slice each, the order rotated by one row per
 * round; then each row's cold start (start to first result, median of `coldStarts`).
 */
export async function measurePeers(
  python: string,
  rows: readonly PeerRow[],
  rounds: number,
  sliceMs: number,
  coldStarts: number,
  report: (line: string) => void,
): Promise<PeerMetrics[]> {
  const callers = [];
  for (const row of rows) callers.push(await row.start(python));
  const latencies: number[][] = rows.map(() => []);
  try {
    for (let round = 0; round < rounds; round++) {
      for (let step = 0; step < rows.length; step++) {
        const index = (round + step) % rows.length;
        const caller = callers[index] as Caller;
        const sink = latencies[index] as number[];
        const end = performance.now() + sliceMs;
        for (let started = performance.now(); started < end; started = performance.now()) {
          await caller.call();
          sink.push(performance.now() - started);
        }
      }
    }
  } finally {
    await Promise.all(callers.map((caller) => caller.close()));
  }
  const metrics: PeerMetrics[] = [];
  for (const [index, row] of rows.entries()) {
    const samples = (latencies[index] as number[]).sort((a, b) => a - b);
    const total = samples.reduce((sum, value) => sum + value, 0);
    const coldStartMs = await measureRowColdStart(row, python, coldStarts);
    metrics.push({
      name: row.name,
      note: row.note,
      callsPerSec: (1000 * samples.length) / total,
      p50Ms: percentile(samples, 0.5),
      p99Ms: percentile(samples, 0.99),
      coldStartMs,
    });
    report(
      `side by side: ${row.name}: ${Math.round((1000 * samples.length) / total)} calls/s, cold start ${coldStartMs.toFixed(0)} ms`,
    );
  }
  return metrics;
}

async function measureRowColdStart(row: PeerRow, python: string, repeats: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    const caller = await row.start(python);
    samples.push(performance.now() - started);
    await caller.close();
  }
  return median(samples);
}
