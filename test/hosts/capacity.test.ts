import { afterEach, describe, expect, it } from 'vitest';
import { createExecutor, type PythonExecutor } from '../../src/index.js';
import { testPython } from '../helpers/executors.js';

// A host's capacity, when none is given, is the CPU count its own Python reports: two local
// "hosts" through `command` launchers, one of them pinned to a single CPU by taskset, which this
// side (with more) would not see.
const opened: PythonExecutor[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((executor) => executor.close()));
});

function hosts(options: Record<string, unknown> = {}): PythonExecutor {
  const executor = createExecutor({
    python: testPython,
    hosts: [
      { name: 'pinned', command: ['taskset', '-c', '0'] },
      { name: 'given', command: ['env'], capacity: 3 },
    ],
    ...options,
  });
  opened.push(executor);
  return executor;
}

async function cpusHere(): Promise<number> {
  const here = createExecutor({ python: testPython });
  opened.push(here);
  return Number((await here.run('import os\nlen(os.sched_getaffinity(0))')).value);
}

describe('a host given no capacity', () => {
  it('runs as many calls at once as the CPUs the host reports, once it said so', async () => {
    expect(await cpusHere()).toBeGreaterThan(1); // (else the pinned host would prove nothing)
    const executor = hosts();
    expect(executor.status().hosts?.map((host) => [host.name, host.capacity])).toEqual([
      ['pinned', 0], // not asked yet
      ['given', 3],
    ]);
    await executor.warmUp();
    expect(executor.status().hosts).toEqual([
      expect.objectContaining({ name: 'pinned', state: 'up', capacity: 1, workers: 1 }),
      expect.objectContaining({ name: 'given', state: 'up', capacity: 3, workers: 3 }),
    ]);
  });

  it('is sized by its first call when not warmed up, and the executor-wide poolSize overrides the count', async () => {
    const executor = hosts({ hosts: [{ name: 'pinned', command: ['taskset', '-c', '0'] }] });
    expect((await executor.run('6 * 7')).value).toBe('42');
    expect(executor.status().hosts?.[0]).toMatchObject({ capacity: 1 });
    const sized = hosts({ hosts: [{ name: 'pinned', command: ['taskset', '-c', '0'] }], poolSize: 2 });
    expect(sized.status().hosts?.[0]).toMatchObject({ capacity: 2 });
  });

  it('is down, naming why, when it cannot say how many CPUs it has', async () => {
    const executor = hosts({ hosts: [{ name: 'broken', command: ['sh', '-c', 'exit 7', '--'] }] });
    const down = new Promise((resolve) => executor.once('host:down', resolve));
    await expect(executor.run('1', { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'NO_HOST_AVAILABLE' });
    expect(await down).toMatchObject({
      name: 'broken',
      error: expect.objectContaining({ code: 'WORKER_START_FAILED', message: expect.stringMatching(/count the CPUs/) }),
    });
  });
});
