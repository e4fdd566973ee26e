import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { StrategyName } from '../../src/index.js';
import { closeAllExecutors, makeExecutor } from '../helpers/executors.js';

function processGroup(pid: number | string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

// CPU time (ms) used so far by every process in a process group: a worker's group holds the
// process the host started and, for isolated, the generation that serves the calls.
function groupCpuMs(pgid: number): number {
  let nanoseconds = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (processGroup(entry) === pgid) nanoseconds += Number(readFileSync(`/proc/${entry}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the process ended while we looked
    }
  }
  return nanoseconds / 1e6;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// After a burst of back-to-back calls, how much CPU the idle worker uses in the next 300 ms.
async function idleCpuAfterBurst(strategy: StrategyName, busyPollUs: number): Promise<number> {
  const executor = makeExecutor(strategy, { busyPollUs });
  for (let i = 0; i < 20; i++) expect((await executor.run('1 + 1')).value).toBe('2');
  const pgid = processGroup(executor.status().workers[0]?.pid as number);
  const before = groupCpuMs(pgid);
  await sleep(300);
  return groupCpuMs(pgid) - before;
}

afterEach(closeAllExecutors);

describe.each(['optimized', 'isolated'] as const)('busyPollUs (%s)', (strategy) => {
  it('keeps an idle worker polling for the next call for the window it is given, then sleeping', async () => {
    // 10 ms, the largest window allowed: long enough to show in the worker's CPU time.
    const polling = await idleCpuAfterBurst(strategy, 10_000);
    expect(polling).toBeGreaterThan(4);
    expect(polling).toBeLessThan(60);
  });

  it('lets an idle worker sleep at once when it is 0', async () => {
    expect(await idleCpuAfterBurst(strategy, 0)).toBeLessThan(3);
  });
});
