// The report's sections on pyexec beside its peers: the side-by-side table, the polling default
// by regime, and latency under Poisson arrivals.
import { OPEN_LOOP_LOAD, REFERENCE } from './config.js';
import type { BenchResults } from './results-shape.js';

export const fixed = (value: number, digits: number) => value.toFixed(digits);
export const perSec = (value: number) => (value >= 100 ? Math.round(value).toLocaleString('en-US') : fixed(value, 1));

export function markdownTable(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** What the figures are, said once, plainly. */
export function whatTheFiguresAre(): string {
  const reference = Object.values(REFERENCE)
    .map((row) => `${perSec(row.callsPerSec)} calls/s (${row.label})`)
    .join(', ');
  return [
    '**Echo** is one JSON line sent to a Python process and read back over a pipe, with nothing run and both ends asleep in `read()` between messages: what a plain pipe costs on this machine.',
    "pyexec's persistent strategies can beat it because by default, while calls come back to back, the worker polls for the next one instead of sleeping (a sleeping process must be woken, and on a VM waking an idle vCPU costs more than a small call); the host does the same for the result.",
    'Polling is adaptive: the pool measures both ways and keeps polling only while it is the faster one (see the regimes below), so where waking a process is cheap the strategies stay below echo; `busyPollUs: 0` turns polling off.',
    `**The reference** figures are the seed numbers this project set out to beat: ${reference}.`,
  ].join(' ');
}

// Rows that start a process per call are set against python-shell's process per call.
const PROCESS_PER_CALL = /forked|baseline|runString/;

export function peersSection(results: BenchResults): string {
  const loop = results.peers.find((row) => row.name.startsWith('python-shell, persistent'));
  const runString = results.peers.find((row) => row.name.endsWith('runString'));
  const rows = results.peers.map((row) => {
    const peer = PROCESS_PER_CALL.test(row.name) ? runString : loop;
    return [
      row.name,
      perSec(row.callsPerSec),
      fixed(row.p50Ms, 3),
      fixed(row.p99Ms, 3),
      fixed(row.coldStartMs, 0),
      peer === undefined ? '' : `${fixed(row.callsPerSec / peer.callsPerSec, 2)}x`,
      row.note,
    ];
  });
  return [
    "The last but one column sets the persistent rows against python-shell's exec loop, and those that start a process per call against its `runString`.",
    '',
    markdownTable(['', 'calls/s', 'p50 ms', 'p99 ms', 'cold start ms', 'vs python-shell', 'what it is'], rows),
  ].join('\n');
}

export function pollingSection(results: BenchResults): string {
  const rows = results.pollingRegimes.map((row) => [
    row.regime,
    row.strategy,
    perSec(row.defaultCallsPerSec),
    perSec(row.noPollCallsPerSec),
    `${fixed(row.defaultCallsPerSec / row.noPollCallsPerSec, 2)}x`,
    row.roundRatios === undefined
      ? ''
      : `${fixed(row.roundRatios.median, 2)}x (${fixed(row.roundRatios.q25, 2)}–${fixed(row.roundRatios.q75, 2)})`,
  ]);
  return [
    "Each regime alternates slices of the two, round after round. The last column is the median of the rounds' own ratios, with the middle half of them in brackets: on this VM rounds differ by ±10% and more, and a total ratio inside that range is no difference.",
    '',
    markdownTable(
      [
        'regime',
        'strategy',
        'default calls/s',
        '`busyPollUs: 0` calls/s',
        'default ÷ no polling',
        "rounds' ratio, median (quartiles)",
      ],
      rows,
    ),
  ].join('\n');
}

export function openLoopSection(results: BenchResults): string {
  const rows = results.openLoop.map((row) => [
    row.label,
    perSec(row.offeredPerSec),
    String(row.calls),
    fixed(row.p50Ms, 3),
    fixed(row.p99Ms, 3),
    fixed(row.p999Ms, 3),
  ]);
  return [
    `Requests arriving at random (Poisson), from another process over a pipe as a server's requests come in, on one worker; each call timed from when its request reached the host, queueing included. First each strategy at ${fixed(100 * OPEN_LOOP_LOAD, 0)}% of its own side-by-side calls/s; then optimized and isolated with and without busy polling, both at ${fixed(100 * OPEN_LOOP_LOAD, 0)}% of the side-by-side calls/s without it, so both keep up and their latencies compare. The rows take turns (three rounds in a full run): the tails of one row vary several-fold from one run to the next here. Between arrivals the machine idles, so a VM's wake-up stalls show in the tail, and so does every isolated recycle (a new generation every 1,000 calls costs its next call about 3 ms).`,
    '',
    markdownTable(['', 'offered calls/s', 'calls', 'p50 ms', 'p99 ms', 'p99.9 ms'], rows),
  ].join('\n');
}
