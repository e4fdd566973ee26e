import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionResult, Output } from '../../src/index.js';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';
import { hasMatplotlib, matplotlibPython } from '../helpers/matplotlib.js';

afterEach(closeAllExecutors);

// stdout, stderr, value, figures and error are views of result.outputs: the same text and items.
function expectViewsOfOutputs(result: ExecutionResult): void {
  const streamText = (name: 'stdout' | 'stderr') =>
    result.outputs
      .filter((item): item is Extract<Output, { type: 'stream' }> => item.type === 'stream' && item.name === name)
      .map((item) => item.text)
      .join('');
  expect(streamText('stdout')).toBe(result.stdout);
  expect(streamText('stderr')).toBe(result.stderr);
  const value = result.outputs.find((item) => item.type === 'value');
  expect(value?.data['text/plain']).toBe(result.value);
  const figures = result.outputs.filter((item) => item.type === 'display');
  expect(figures.map((item) => item.data['image/png'])).toEqual(result.figures.map((figure) => figure.data));
  const error = result.outputs.find((item) => item.type === 'error');
  expect(error?.error).toEqual(result.error);
}

const INTERLEAVED = [
  'import os, sys',
  "print('out 1')",
  "print('err 1', file=sys.stderr)",
  "os.write(1, b'out 2\\n')",
  "sys.stderr.write('err 2\\n')",
  "print('out 3')",
  '6 * 7',
].join('\n');

const IN_ORDER: Output[] = [
  { type: 'stream', name: 'stdout', text: 'out 1\n' },
  { type: 'stream', name: 'stderr', text: 'err 1\n' },
  { type: 'stream', name: 'stdout', text: 'out 2\n' },
  { type: 'stream', name: 'stderr', text: 'err 2\n' },
  { type: 'stream', name: 'stdout', text: 'out 3\n' },
  { type: 'value', data: { 'text/plain': '42' } },
];

describe.each(contractStrategies)('the ordered outputs of a call with the %s strategy', (strategy) => {
  it('keeps stdout and stderr in the order they were written, the value after them', async () => {
    const executor = makeExecutor(strategy);
    const result = await executor.run(INTERLEAVED);
    expect(result.outputs).toEqual(IN_ORDER);
    expectViewsOfOutputs(result);
  });

  it('gives the same outputs when its output is streamed to a listener as it comes', async () => {
    const executor = makeExecutor(strategy);
    const chunks: string[] = [];
    const result = await executor.run(INTERLEAVED, { onStderr: (text) => chunks.push(text) });
    expect(result.outputs).toEqual(IN_ORDER);
    expect(chunks.join('')).toBe('err 1\nerr 2\n');
    expectViewsOfOutputs(result);
  });

  it('ends with the error a call raised, after what it printed', async () => {
    const executor = makeExecutor(strategy);
    const result = await executor.run("print('before')\nraise ValueError('bad')");
    expect(result.outputs.map((item) => item.type)).toEqual(['stream', 'error']);
    expect(result.outputs[1]).toMatchObject({ type: 'error', error: { type: 'ValueError', message: 'bad' } });
    expectViewsOfOutputs(result);
  });

  it('keeps what a crashed call printed, then the crash', async () => {
    const executor = makeExecutor(strategy);
    const result = await executor.run(
      "import os, signal\nprint('alive', flush=True)\nos.kill(os.getpid(), signal.SIGKILL)",
    );
    expect(result.status).toBe('crashed');
    expect(result.outputs.at(-1)).toMatchObject({ type: 'error', error: { type: 'WorkerCrash' } });
    expectViewsOfOutputs(result);
  });

  it.skipIf(!hasMatplotlib)('shows figures as image/png displays after the value', async () => {
    const executor = makeExecutor(strategy, { python: matplotlibPython });
    const result = await executor.run("import matplotlib.pyplot as plt\nprint('plotting')\nplt.plot([1, 2])\n'done'");
    expect(result.outputs.map((item) => item.type)).toEqual(['stream', 'value', 'display']);
    expect(result.outputs[2]).toMatchObject({ type: 'display', metadata: {} });
    expectViewsOfOutputs(result);
  });
});
