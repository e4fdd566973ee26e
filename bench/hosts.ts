// `npm run bench:hosts [-- --quick]`: calls/s through an SSH host (an sshd on a loopback port,
// started here with keys made for it, as the tests do) against the same strategy run locally,
// for optimized and forked, in one run, in alternated slices. Needs /usr/sbin/sshd
// (apt-get install openssh-server). Writes bench/results/hosts{,-quick}.{json,md}.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createExecutor, type PythonExecutor } from '../src/index.js';
import { hasSshd, startSshHost } from '../test/helpers/sshd.js';
import { callsPerSecond } from './call-slice.js';

const quick = process.argv.includes('--quick');
const SLICE_MS = quick ? 500 : 2000;
const ROUNDS = quick ? 2 : 5;
const CODE = 'x = 1 + 1';
const STRATEGIES = ['optimized', 'forked'] as const;
const log = (line: string) => process.stdout.write(`[bench:hosts] ${line}\n`);

interface Row {
  strategy: string;
  localCallsPerSec: number;
  sshCallsPerSec: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function compare(
  strategy: (typeof STRATEGIES)[number],
  ssh: PythonExecutor,
  local: PythonExecutor,
): Promise<Row> {
  await Promise.all([ssh.warmUp(), local.warmUp()]);
  await callsPerSecond(() => ssh.run(CODE), 200);
  await callsPerSecond(() => local.run(CODE), 200);
  const through: number[] = [];
  const here: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    through.push(await callsPerSecond(() => ssh.run(CODE), SLICE_MS));
    here.push(await callsPerSecond(() => local.run(CODE), SLICE_MS));
  }
  return { strategy, localCallsPerSec: median(here), sshCallsPerSec: median(through) };
}

async function main(): Promise<void> {
  if (!hasSshd) throw new Error('bench:hosts needs /usr/sbin/sshd (apt-get install openssh-server)');
  const host = await startSshHost();
  const python = process.env.PYEXEC_PYTHON || 'python3';
  const rows: Row[] = [];
  try {
    for (const strategy of STRATEGIES) {
      const ssh = createExecutor({ strategy, python, hosts: [{ name: 'loopback', ssh: host.ssh, capacity: 1 }] });
      const local = createExecutor({ strategy, python, poolSize: 1 });
      try {
        const row = await compare(strategy, ssh, local);
        log(
          `${strategy}: local ${row.localCallsPerSec.toFixed(0)} calls/s, through ssh ${row.sshCallsPerSec.toFixed(0)} calls/s (${(row.sshCallsPerSec / row.localCallsPerSec).toFixed(2)}x)`,
        );
        rows.push(row);
      } finally {
        await Promise.all([ssh.close(), local.close()]);
      }
    }
  } finally {
    await host.stop();
  }
  const markdown = [
    `# Calls through an SSH host${quick ? ' (quick)' : ''}`,
    '',
    `Sequential \`${CODE}\`, one worker each, medians of ${ROUNDS} alternated slices of ${SLICE_MS} ms; the SSH host is an sshd on a loopback port of this machine (its network cost is loopback's; a real network adds its round trip to every call).`,
    '',
    '| strategy | local calls/s | through ssh calls/s | ratio |',
    '|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.strategy} | ${row.localCallsPerSec.toFixed(0)} | ${row.sshCallsPerSec.toFixed(0)} | ${(row.sshCallsPerSec / row.localCallsPerSec).toFixed(2)}x |`,
    ),
    '',
  ].join('\n');
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const name = quick ? 'hosts-quick' : 'hosts';
  writeFileSync(
    join(dir, `${name}.json`),
    `${JSON.stringify({ date: new Date().toISOString(), quick, rows }, null, 2)}\n`,
  );
  writeFileSync(join(dir, `${name}.md`), markdown);
}

await main();
