import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionResult, PyExecError } from '../../src/index.js';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

describe.each(contractStrategies)('listeners and callbacks of the %s strategy', (strategy) => {
  it('runs a call issued from an end listener', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1, timeoutMs: 20_000 });
    const second = new Promise<ExecutionResult>((resolve, reject) => {
      executor.once('end', () => {
        executor.run('"second"').then(resolve, reject);
      });
    });
    expect((await executor.run('"first"')).value).toBe("'first'");
    expect(await second).toMatchObject({ status: 'ok', value: "'second'" });
  });

  it('runs calls issued from start, stdout and worker listeners', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    const nested: Promise<ExecutionResult>[] = [];
    executor.once('start', () => nested.push(executor.run('"from start"')));
    executor.once('stdout', () => nested.push(executor.run('"from stdout"')));
    executor.once('worker:spawn', () => nested.push(executor.run('"from spawn"')));
    expect((await executor.run('print("hi")')).status).toBe('ok');
    const results = await Promise.all(nested);
    expect(results.map((result) => result.value).sort()).toEqual(["'from spawn'", "'from start'", "'from stdout'"]);
  });

  it('keeps the result of a call whose onStdout and onStderr callbacks throw, and reports them on error', async () => {
    const executor = makeExecutor(strategy);
    const errors: PyExecError[] = [];
    executor.on('error', (error) => errors.push(error));
    const result = await executor.run('import sys\nprint("out")\nprint("err", file=sys.stderr)\n7', {
      onStdout: () => {
        throw new Error('stdout callback failed');
      },
      onStderr: () => {
        throw new Error('stderr callback failed');
      },
    });
    expect(result).toMatchObject({ status: 'ok', stdout: 'out\n', stderr: 'err\n', value: '7' });
    expect(errors.map((error) => error.code)).toEqual(['LISTENER_FAILED', 'LISTENER_FAILED']);
    expect(errors.map((error) => error.message).join()).toMatch(
      /onStdout.*stdout callback failed.*onStderr.*stderr callback failed/,
    );
    expect((await executor.run('1')).status).toBe('ok');
  });

  it('keeps results when start, end, stdout and worker listeners throw', async () => {
    const executor = makeExecutor(strategy);
    const errors: PyExecError[] = [];
    for (const event of ['start', 'end', 'stdout', 'worker:spawn'] as const) {
      executor.on(event, () => {
        throw new Error(`${event} listener failed`);
      });
    }
    executor.on('error', (error) => errors.push(error));
    expect(await executor.run('print("a")\n1')).toMatchObject({ status: 'ok', stdout: 'a\n', value: '1' });
    expect(await executor.run('print("b")\n2')).toMatchObject({ status: 'ok', stdout: 'b\n', value: '2' });
    const messages = errors.map((error) => error.message).join('\n');
    for (const event of ['start', 'end', 'stdout', 'worker:spawn'])
      expect(messages).toContain(`${event} listener failed`);
  });

  it('streams the whole output of a fast call, the tail that comes with the result included', async () => {
    const executor = makeExecutor(strategy);
    const callbackChunks: string[] = [];
    const eventChunks: string[] = [];
    const stderrChunks: string[] = [];
    executor.on('stdout', ({ text }) => eventChunks.push(text));
    const result = await executor.run('import sys\nprint("quick")\nsys.stderr.write("slow\\n")', {
      onStdout: (text) => callbackChunks.push(text),
      onStderr: (text) => stderrChunks.push(text),
    });
    expect(callbackChunks.join('')).toBe('quick\n');
    expect(eventChunks.join('')).toBe('quick\n');
    expect(stderrChunks.join('')).toBe('slow\n');
    expect(result.stdout).toBe('quick\n');
  });

  it('streams chunks that add up to the result when output is both streamed and in the result', async () => {
    const executor = makeExecutor(strategy);
    const chunks: string[] = [];
    const code = 'import time\nfor i in range(5):\n    print(i, flush=True)\n    time.sleep(0.04)\nprint("end")';
    const result = await executor.run(code, { onStdout: (text) => chunks.push(text) });
    expect(result.stdout).toBe('0\n1\n2\n3\n4\nend\n');
    expect(chunks.join('')).toBe(result.stdout);
  });

  it('emits stdout chunks only after their call has started, and end after all of them', async () => {
    const executor = makeExecutor(strategy);
    const seen: string[] = [];
    executor.on('start', () => seen.push('start'));
    executor.on('stdout', ({ text }) => seen.push(`stdout:${text}`));
    executor.on('end', () => seen.push('end'));
    await executor.run('print("x")');
    expect(seen).toEqual(['start', 'stdout:x\n', 'end']);
  });
});
