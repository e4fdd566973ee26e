import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { StrategyName } from '../../src/index.js';
import { closeAllExecutors, makeExecutor } from '../helpers/executors.js';
import { procStatFields } from '../helpers/proc.js';

function processGroup(pid: number | string): number {
  return Number(procStatFields(pid)[2]);
}

// The processes of a process group: a worker's group holds the process the host started and,
// for isolated, the generation that serves the calls.
function groupPids(pgid: number): string[] {
  return readdirSync('/proc').filter((entry) => {
    try {
      return /^\d+$/.test(entry) && processGroup(entry) === pgid;
    } catch {
      return false; // the process ended while we looked
    }
  });
}

// Time (ms) these processes have spent running or ready to run (on a run queue), so far: a
// polling process counts its whole poll even while a busy machine gives its core to another.
function runnableMs(pids: readonly string[]): number {
  let nanoseconds = 0;
  for (const pid of pids) {
    const [running, waiting] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ');
    nanoseconds += Number(running) + Number(waiting);
  }
  return nanoseconds / 1e6;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// After a burst of back-to-back calls, how long the idle worker stays runnable in the next 300 ms.
async function idleTimeAfterBurst(strategy: StrategyName, busyPollUs: number): Promise<number> {
  const executor = makeExecutor(strategy, { busyPollUs });
  await executor.run('1');
  // Found before the burst: scanning /proc after it would delay the measurement past the poll.
  const pids = groupPids(processGroup(executor.status().workers[0]?.pid as number));
  for (let i = 0; i < 20; i++) expect((await executor.run('1 + 1')).value).toBe('2');
  const before = runnableMs(pids);
  await sleep(300);
  return runnableMs(pids) - before;
}

// On a busy machine (an isolated executor's spare starting on the other core), a call of the
// burst can come later than the window, and then, rightly, the worker does not poll after it.
async function longestIdleTime(strategy: StrategyName, busyPollUs: number, attempts: number): Promise<number> {
  let longest = 0;
  for (let i = 0; i < attempts && longest <= 4; i++) longest = Math.max(longest, await idleTimeAfterBurst(strategy, busyPollUs));
  return longest;
}

afterEach(closeAllExecutors);

describe.each(['optimized', 'isolated'] as const)('busyPollUs (%s)', (strategy) => {
  it('keeps an idle worker polling for the next call for the window it is given, then sleeping', async () => {
    // 10 ms, the largest window allowed: long enough to show in the worker's CPU time.
    const polling = await longestIdleTime(strategy, 10_000, 3);
    expect(polling).toBeGreaterThan(4);
    expect(polling).toBeLessThan(60);
  });

  it('lets an idle worker sleep at once when it is 0', async () => {
    expect(await idleTimeAfterBurst(strategy, 0)).toBeLessThan(3);
  });
});

// The host's CPU time (ms) while one call of `seconds` runs.
async function hostCpuDuringCall(busyPollUs: number, seconds: number): Promise<number> {
  const executor = makeExecutor('optimized', { busyPollUs });
  await executor.run('1');
  const before = process.cpuUsage();
  expect((await executor.run(`import time; time.sleep(${seconds})`)).status).toBe('ok');
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

describe('busyPollUs (host)', () => {
  it('keeps the event loop polling for a result for the window, then lets it sleep', async () => {
    // A 10 ms window in a 500 ms call: about 10 ms of CPU (more with GC and the previous
    // executors' cleanup on other threads), far from the 500 ms of a poll that never stops.
    const polling = await hostCpuDuringCall(10_000, 0.5);
    const sleeping = await hostCpuDuringCall(0, 0.5);
    expect(polling).toBeGreaterThan(sleeping + 3);
    expect(polling).toBeLessThan(sleeping + 200);
  });
});
