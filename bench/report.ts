import { isolationProbes } from '../test/isolation/probes.js';
import { ECHO_TARGETS, REFERENCE, REFERENCE_FOR } from './config.js';
import {
  fixed,
  markdownTable,
  openLoopSection,
  peersSection,
  perSec,
  pollingSection,
  whatTheFiguresAre,
} from './report-peers.js';
import type { BenchResults } from './results-shape.js';
import type { StrategyMetrics } from './strategy-metrics.js';

// Echo, the practical limit, is set against the reference of the fastest strategy it bounds.
const ECHO_REFERENCE = REFERENCE[REFERENCE_FOR.optimized];

const referenceCells = (callsPerSec: number, reference: (typeof REFERENCE)[keyof typeof REFERENCE]) => [
  `${perSec(reference.callsPerSec)} (${reference.label})`,
  `${fixed(callsPerSec / reference.callsPerSec, 1)}x`,
];

function comparisonRows(results: BenchResults): string[][] {
  const rows = [
    [
      'echo (raw pipe)',
      perSec(results.echoCallsPerSec),
      fixed(1000 / results.echoCallsPerSec, 3),
      fixed(results.echoP50Ms, 3),
      fixed(results.echoP99Ms, 3),
      '',
      '',
      '',
      '100%',
      ...referenceCells(results.echoCallsPerSec, ECHO_REFERENCE),
    ],
  ];
  for (const s of results.strategies) {
    rows.push([
      s.strategy,
      perSec(s.callsPerSec),
      fixed(s.msPerCall, 3),
      fixed(s.p50Ms, 3),
      fixed(s.p99Ms, 3),
      perSec(s.concurrentCallsPerSec),
      fixed(s.coldStartMs, 0),
      s.rssMb === null ? '—' : fixed(s.rssMb, 1),
      `${fixed(100 * (s.echoShare ?? s.callsPerSec / results.echoCallsPerSec), 1)}%`,
      ...referenceCells(s.callsPerSec, REFERENCE[REFERENCE_FOR[s.strategy]]),
    ]);
  }
  return rows;
}

const HEADER = [
  '',
  'calls/s',
  'ms/call',
  'p50 ms',
  'p99 ms',
  'concurrent calls/s',
  'cold start ms',
  'worker RSS MB',
  '% of echo',
  'reference calls/s',
  'vs reference',
];

function echoNote(results: BenchResults): string {
  const samples = results.echoSamplesCallsPerSec;
  const range = `${perSec(Math.min(...samples))} to ${perSec(Math.max(...samples))}`;
  const paired = results.strategies.filter((s) => s.echoShare !== null);
  const spread = (s: StrategyMetrics) =>
    `${s.strategy} ${fixed(100 * Math.min(...s.echoShareSamples), 1)}–${fixed(100 * Math.max(...s.echoShareSamples), 1)}%`;
  const pairing =
    paired.length === 0
      ? ''
      : ` For ${paired.map((s) => s.strategy).join(' and ')}, "% of echo" is the median of the ratios of ${paired[0]?.echoShareSamples.length} slices to echo slices alternated with them (${paired.map(spread).join('; ')}), so it can differ from calls/s ÷ the echo row.`;
  return `Echo: the median of ${samples.length} samples taken through the run (${range} calls/s).${pairing}`;
}

// What the reference ratios mean here: the echo targets are shares of this machine's pipe, and
// forked answers a different reference row than isolated.
function referenceNote(results: BenchResults): string {
  // The target share of echo, and what it comes to against the strategy's own reference.
  const percent = (strategy: keyof typeof ECHO_TARGETS) => fixed(100 * ECHO_TARGETS[strategy], 0);
  const times = (strategy: keyof typeof ECHO_TARGETS) =>
    fixed((ECHO_TARGETS[strategy] * results.echoCallsPerSec) / REFERENCE[REFERENCE_FOR[strategy]].callsPerSec, 1);
  const forked = results.strategies.find((s) => s.strategy === 'forked');
  const forkedNote =
    forked === undefined
      ? ''
      : ` Forked, a new process per call like baseline, is set against the reference's ${REFERENCE[REFERENCE_FOR.forked].label}; against ${REFERENCE.persistentReset.label} it is ${fixed(forked.callsPerSec / REFERENCE.persistentReset.callsPerSec, 1)}x.`;
  return `Echo, the most any executor over this pipe could reach, is itself ${fixed(results.echoCallsPerSec / ECHO_REFERENCE.callsPerSec, 1)}x the ${ECHO_REFERENCE.label} reference on this machine: ${percent('optimized')}% of echo is ${times('optimized')}x it, and ${percent('isolated')}% of echo ${times('isolated')}x the ${REFERENCE[REFERENCE_FOR.isolated].label} reference.${forkedNote}`;
}

export function isolationRows(results: BenchResults): string[][] {
  const strategies = Object.keys(results.isolation);
  return isolationProbes.map((probe) => [
    probe.name,
    ...strategies.map((s) => (results.isolation[s]?.[probe.name] ? '✅' : '❌')),
  ]);
}

// Default options throughout: whether the persistent strategies busy-poll depends on the CPU count.
function busyPollNote(cpus: number): string {
  return cpus > 1
    ? 'Default options: sequentially, optimized and isolated may busy-poll (`busyPollUs` 100: the host for the result, the worker for the next call), where the pool measures it to be faster; concurrently they do not.'
    : 'Default options: on one CPU, nothing busy-polls (`busyPollUs` 0).';
}

export function renderMarkdown(results: BenchResults): string {
  const strategies = Object.keys(results.isolation);
  return [
    `# pyexec benchmark${results.quick ? ' (quick)' : ''}`,
    '',
    `${results.date} · Node ${results.node} · Python ${results.python} · ${results.cpus} CPUs. Sequential trivial calls (\`print(1+1)\`) on one worker;`,
    `concurrent: poolSize = CPU count; cold start: constructing an executor to its first result. ${busyPollNote(results.cpus)}`,
    echoNote(results),
    referenceNote(results),
    '',
    whatTheFiguresAre(),
    '',
    markdownTable(HEADER, comparisonRows(results)),
    '',
    '## Side by side with what a Node developer would otherwise pick',
    '',
    'Every row in slices rotated through the rounds, all in one run: a busy phase of the machine does not land on one row.',
    '',
    peersSection(results),
    '',
    '## The polling default, by regime',
    '',
    pollingSection(results),
    '',
    '## Latency under open-loop load',
    '',
    openLoopSection(results),
    '',
    '## numpy preloaded, small numpy call',
    '',
    markdownTable(
      ['', 'calls/s', 'ms/call'],
      results.numpy.map((n) => [n.strategy, perSec(n.callsPerSec), fixed(n.msPerCall, 3)]),
    ),
    '',
    '## With the sandbox (`sandbox: true`, bubblewrap), trivial call',
    '',
    sandboxSection(results),
    '',
    '## Sessions',
    '',
    sessionsSection(results),
    '',
    '## Rich I/O',
    '',
    richIoSection(results),
    '',
    '## Isolation matrix (✅ = the next call cannot see the trace)',
    '',
    markdownTable(['probe', ...strategies], isolationRows(results)),
    '',
  ].join('\n');
}

function sandboxSection(results: BenchResults): string {
  const sandbox = results.sandbox;
  if ('unavailable' in sandbox) return `Not measured: ${sandbox.unavailable}`;
  const rows = sandbox.map((row) => {
    const plain = results.strategies.find((strategy) => strategy.strategy === row.strategy);
    const ratio = plain === undefined ? '' : `${fixed(row.callsPerSec / plain.callsPerSec, 2)}x`;
    return [row.strategy, perSec(row.callsPerSec), fixed(row.msPerCall, 3), ratio, `${fixed(row.coldStartMs, 0)} ms`];
  });
  return markdownTable(['', 'calls/s', 'ms/call', 'vs. without', 'cold start'], rows);
}

// Calls in one session beside optimized's (the same call, alternated slices), createSession per
// strategy, idle sessions' memory, and fork beside a bare os.fork().
function sessionsSection(results: BenchResults): string {
  const sessions = results.sessions;
  const lines = [
    `Calls in one session: ${perSec(sessions.sessionCallsPerSec)} calls/s, optimized's \`run\` ${perSec(sessions.optimizedCallsPerSec)}: ${fixed(sessions.ratioToOptimized, 2)}x (median of the alternated slices' ratios).`,
    `${sessions.idleSessions} idle sessions (optimized) hold ${fixed(sessions.idleRssMb, 0)} MB resident, ${fixed(sessions.idleRssMb / sessions.idleSessions, 1)} MB each.`,
    ...sessions.idleMemory.map(
      (row) =>
        `${sessions.idleSessions} idle sessions of ${row.strategy}: ${fixed(row.rssMb, 0)} MB resident (RSS, shared pages counted in each)` +
        (row.pssMb === undefined
          ? '.'
          : `, ${fixed(row.pssMb, 0)} MB proportional (PSS, shared pages split among their sharers).`),
    ),
    `\`session.fork()\` until the copy takes calls: p50 ${fixed(sessions.fork.forkP50Ms, 2)} ms; a bare Python's \`os.fork()\` + \`_exit\` + \`waitpid\` in the same run: ${fixed(sessions.fork.bareForkP50Ms, 2)} ms (${fixed(sessions.fork.forkP50Ms / sessions.fork.bareForkP50Ms, 2)}x, ${sessions.fork.samples} samples each, alternated batches).`,
    '',
    markdownTable(
      ['', `createSession p50 (${sessions.createSamples} samples)`],
      sessions.createP50Ms.map((row) => [`a session of ${row.strategy}`, `${fixed(row.p50Ms, 0)} ms`]),
    ),
  ];
  return lines.join('\n');
}

// A host function's round trip from inside a call beside a whole call's; display beside print.
function richIoSection(results: BenchResults): string {
  const io = results.richIo;
  return [
    `A host function called from Python (\`pyexec_host.echo(i)\`, optimized), in a loop of ${io.hostCalls}: p50 ${fixed(io.hostCallP50Us, 0)} µs, ${perSec(io.hostCallsPerSec)} calls/s; a whole call (\`run('1')\`) in the same run: ${perSec(io.callsPerSec)} calls/s (${fixed(io.hostCallsPerSec / io.callsPerSec, 2)}x).`,
    `A call that displays (\`display('x')\`): ${perSec(io.displayCallsPerSec)} calls/s; one that prints (\`print('x')\`): ${perSec(io.printCallsPerSec)} calls/s (${fixed(io.displayCallsPerSec / io.printCallsPerSec, 2)}x, alternated slices).`,
  ].join('\n');
}

export function printSummary(results: BenchResults, log: (line: string) => void): void {
  const rows = [HEADER, ...comparisonRows(results)];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  for (const row of rows) log(row.map((cell, column) => cell.padEnd(widths[column] as number)).join('  '));
  log(echoNote(results));
  log(referenceNote(results));
  log('');
  log(peersSection(results));
  log('');
  log(pollingSection(results));
  log('');
  log(openLoopSection(results));
  log('');
  for (const n of results.numpy)
    log(`numpy ${n.strategy}: ${perSec(n.callsPerSec)} calls/s (${fixed(n.msPerCall, 3)} ms/call)`);
  log('');
  log(sandboxSection(results));
  log('');
  log(sessionsSection(results));
  log('');
  log(richIoSection(results));
  log('');
  const strategies = Object.keys(results.isolation);
  log(['probe'.padEnd(52), ...strategies.map((s) => s.padEnd(10))].join(''));
  for (const row of isolationRows(results))
    log([(row[0] as string).padEnd(52), ...row.slice(1).map((c) => c.padEnd(10))].join(''));
}
