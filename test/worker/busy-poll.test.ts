import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, makeExecutor } from '../helpers/executors.js';

// What the worker's polling does is the harness's own test (python-runtime/tests/test_channel.py);
// what it costs and gains is measured by the benchmark. Here: the worker gets the window.
function harnessConfig(pid: number): Record<string, unknown> {
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  return JSON.parse(args[args.length - 2] as string) as Record<string, unknown>;
}

afterEach(closeAllExecutors);

describe.each(['optimized', 'isolated'] as const)('busyPollUs (%s)', (strategy) => {
  it.each([0, 250])('hands a window of %i µs to the worker', async (busyPollUs) => {
    const executor = makeExecutor(strategy, { busyPollUs });
    await executor.run('1');
    const pid = executor.status().workers[0]?.pid as number;
    // Isolated: the generation serving calls was forked from the process started with the config.
    const started = strategy === 'isolated' ? Number((await executor.run('import os; os.getppid()')).value) : pid;
    expect(harnessConfig(started).busyPollUs).toBe(busyPollUs);
  });
});
