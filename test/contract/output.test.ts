import { afterEach, describe, expect, it } from 'vitest';
import type { OutputEvent } from '../../src/index.js';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

describe.each(contractStrategies)('output of the %s strategy', (strategy) => {
  it('streams output while the code runs, through events and per-call callbacks', async () => {
    const executor = makeExecutor(strategy);
    const events: OutputEvent[] = [];
    const callbackChunks: string[] = [];
    let settled = false;
    let settledAtFirstChunk: boolean | undefined;
    executor.on('stdout', (event) => events.push(event));
    const pending = executor.run('import time\nprint("first", flush=True)\ntime.sleep(0.5)\nprint("second")', {
      executionId: 'streaming',
      onStdout: (text) => {
        settledAtFirstChunk ??= settled;
        callbackChunks.push(text);
      },
    });
    void pending.then(() => (settled = true));
    const result = await pending;
    expect(settledAtFirstChunk).toBe(false);
    expect(callbackChunks[0]).toBe('first\n');
    expect(events[0]).toEqual({ executionId: 'streaming', text: 'first\n' });
    expect(result.stdout).toBe('first\nsecond\n');
  });

  // Forked children start their output thread from a SIGALRM (see spawn_watch.py): a call that
  // takes SIGALRM for itself must still not block on a full pipe until its timeout.
  it('captures a child process writing more than a pipe holds after the call took SIGALRM', async () => {
    const executor = makeExecutor(strategy);
    const code =
      "import signal, subprocess\nsignal.signal(signal.SIGALRM, lambda *args: None)\nsubprocess.run(['head', '-c', '300000', '/dev/zero'])";
    const result = await executor.run(code, { timeoutMs: 20_000 });
    expect(result.status).toBe('ok');
    expect(result.stdout.length).toBe(300_000);
  });

  it('streams stderr separately', async () => {
    const executor = makeExecutor(strategy);
    const chunks: string[] = [];
    const result = await executor.run('import sys, time\nsys.stderr.write("warn\\n")\ntime.sleep(0.3)', {
      onStderr: (text) => chunks.push(text),
    });
    expect(chunks.join('')).toBe('warn\n');
    expect(result.stderr).toBe('warn\n');
  });

  it('keeps the head and the tail of output past limits.maxOutputBytes, saying what it dropped where', async () => {
    const executor = makeExecutor(strategy, { limits: { maxOutputBytes: 1000 } });
    const result = await executor.run(
      'print("x" * 5000)\nimport os, sys\nos.write(1, b"y" * 5000)\nsys.stderr.write("the error at the end\\n")',
    );
    const note =
      '\n[pyexec: 9001 bytes of stdout dropped here (limits.maxOutputBytes keeps the first and last part)]\n';
    expect(result.stdout).toBe('x'.repeat(500) + note + 'y'.repeat(500));
    expect(result.stderr).toBe('the error at the end\n');
    expect(result).toMatchObject({ truncated: true, droppedBytes: { stdout: 9001, stderr: 0 } });
    const small = await executor.run('print("ok")');
    expect(small.truncated).toBeUndefined();
    expect(small.droppedBytes).toBeUndefined();
  });

  // Control characters JSON-escape to 6 bytes and emoji to 12: such texts cross packed (codec.py).
  it('delivers text that JSON escapes many times over exactly, streamed, in the value and in an exception', async () => {
    const executor = makeExecutor(strategy);
    const chunk = '\x01"\\😀é\n'.repeat(20_000);
    const streamed: string[] = [];
    const code = `import sys, time\nchunk = ${JSON.stringify(chunk)}\nsys.stdout.write(chunk)\nsys.stderr.write(chunk)\nsys.stdout.flush()\ntime.sleep(0.2)\nsys.stdout.write(chunk)\n"😀" * 30_000`;
    const result = await executor.run(code, { onStdout: (text) => streamed.push(text) });
    expect(result).toMatchObject({
      status: 'ok',
      stdout: chunk + chunk,
      stderr: chunk,
      value: `'${'😀'.repeat(30_000)}'`,
    });
    expect(streamed.join('')).toBe(chunk + chunk);
    // Lone surrogates in an exception's message cross too (as UTF-16), as a short message does.
    const failing = (times: number) => executor.run(`raise ValueError("\\udc80\\x01" * ${times})`);
    const [short, long] = [await failing(1), await failing(40_000)];
    expect(short.error?.message).toBe('\udc80\x01');
    expect(long.error?.message).toBe('\udc80\x01'.repeat(40_000));
  });

  it('cuts the value at limits.maxOutputBytes UTF-8 bytes, never mid-character', async () => {
    const executor = makeExecutor(strategy, { limits: { maxOutputBytes: 1000 } });
    const result = await executor.run('"😀" * 1000');
    expect(result).toMatchObject({ status: 'ok', truncated: true, value: `'${'😀'.repeat(249)}` });
  });

  it.each([
    ['print() lines', 'while True:\n    print("line of output")'],
    ['writes without newlines', 'import sys\nwhile True:\n    sys.stdout.write("z")'],
    ['os.write floods', 'import os\nwhile True:\n    os.write(1, b"w" * 65536)'],
  ])('bounds endless output (%s) and keeps its first and last bytes until the timeout', async (_name, code) => {
    // A grace long enough for a loaded machine: the tail comes with the harness's own answer to
    // the interrupt, and a worker killed after the grace has no answer to give.
    const executor = makeExecutor(strategy, {
      limits: { maxOutputBytes: 20_000 },
      timeoutMs: 1000,
      interruptGraceMs: 5000,
    });
    const result = await executor.run(code);
    expect(result.status).toBe('timeout');
    const [head, tail] = result.stdout.split(
      /\n\[pyexec: \d+ bytes of stdout dropped here \(limits.maxOutputBytes keeps the first and last part\)\]\n/,
    );
    expect(Buffer.byteLength(head as string)).toBe(10_000);
    expect(Buffer.byteLength(tail as string)).toBe(10_000);
    expect(result.droppedBytes?.stdout).toBeGreaterThan(0);
    expect(result.truncated).toBe(true);
  });
});
