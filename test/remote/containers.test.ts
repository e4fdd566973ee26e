import { afterAll, describe, expect, it } from 'vitest';
import { createExecutor, type PythonExecutor } from '../../src/index.js';
import { startTestContainer } from '../helpers/containers.js';
import { eventually } from '../helpers/executors.js';

// The hosts contract against a container (the docker/podman preset), where an engine can run one
// on this machine; otherwise the suite says why it is skipped (in its name and on the console).
const started = startTestContainer();
const skipped = 'skipped' in started ? started.skipped : undefined;
// .ci/run installs docker and starts its daemon: under CI a container that cannot run fails.
if (skipped !== undefined && process.env.CI) throw new Error(`CI needs a container engine: ${skipped}`);
if (skipped !== undefined) console.warn(`container tests skipped: ${skipped}`);
const executors: PythonExecutor[] = [];

afterAll(async () => {
  await Promise.all(executors.map((executor) => executor.close()));
  if (!('skipped' in started)) started.remove();
});

function inContainer(options: Record<string, unknown> = {}): PythonExecutor {
  if ('skipped' in started) throw new Error(started.skipped);
  const executor = createExecutor({
    python: 'python3',
    hosts: [{ name: 'box', [started.engine]: { container: started.container }, capacity: 2 }],
    ...options,
  });
  executors.push(executor);
  return executor;
}

describe.skipIf(skipped !== undefined)(
  `workers in a container${skipped === undefined ? '' : ` (skipped: ${skipped})`}`,
  () => {
    it('runs calls and a session there with the harness shipped in, and leaves nothing after close()', async () => {
      if ('skipped' in started) return;
      const executor = inContainer({ strategy: 'forked' });
      const results = await Promise.all([executor.run('6 * 7'), executor.run('import os\nos.getpid() > 0')]);
      expect(results.map((result) => result.value)).toEqual(['42', 'True']);
      const session = await executor.createSession();
      await session.run('kept = 41');
      expect((await session.run('kept + 1')).value).toBe('42');
      expect(executor.sessions()).toEqual([expect.objectContaining({ id: session.id, host: 'box' })]);
      expect(started.processesNaming('pyexec_harness').length).toBeGreaterThan(0);
      await executor.close();
      await eventually(() => started.processesNaming('pyexec_harness').length === 0, 20_000);
    });

    it('ends a timed-out call and what it started inside the container', async () => {
      if ('skipped' in started) return;
      const executor = inContainer({ timeoutMs: 1500 });
      const marker = `${Math.random()}`.slice(2, 8);
      const result = await executor.run(
        `import subprocess, time\nsubprocess.Popen(["sleep", "96.${marker}"], start_new_session=True)\ntime.sleep(60)`,
      );
      expect(result.status).toBe('timeout');
      await eventually(() => started.processesNaming(`96.${marker}`).length === 0, 20_000);
      expect((await executor.run('6 * 7')).value).toBe('42');
    });

    it('marks the container down when it stops (its call crashed, naming it), and up once it runs again', async () => {
      if ('skipped' in started) return;
      const executor = inContainer({ timeoutMs: 30_000 });
      const events: string[] = [];
      executor.on('host:down', ({ name }) => events.push(`down:${name}`));
      executor.on('host:up', ({ name }) => events.push(`up:${name}`));
      await executor.warmUp();
      const running = executor.run('import time\ntime.sleep(30)');
      await eventually(() => executor.status().running.length === 1);
      started.kill();
      const result = await running;
      expect(result.status).toBe('crashed');
      expect(result.error?.message).toContain('on host box');
      await eventually(() => events.includes('down:box'), 30_000);
      started.start();
      await eventually(() => events.includes('up:box'), 40_000);
      expect((await executor.run('6 * 7')).value).toBe('42');
    }, 120_000);
  },
);
