import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  BaselineExecutor,
  createExecutor,
  ForkedExecutor,
  IsolatedExecutor,
  isStrategyName,
  OptimizedExecutor,
  PyExecError,
  STRATEGIES,
  type ExecutorOptions,
} from '../../src/index.js';
import { thrownBy } from '../helpers/errors.js';

function invalid(options: unknown): PyExecError {
  return thrownBy(() => createExecutor(options as never));
}

describe('executor options', () => {
  it.each([
    [{ poolSize: 0 }, 'Expected the `poolSize` option to be an integer >= 1, got `0` (number)'],
    [{ poolSize: 1.5 }, 'Expected the `poolSize` option to be an integer >= 1, got `1.5` (number)'],
    [{ timeoutMs: -1 }, 'Expected the `timeoutMs` option to be an integer >= 1 or Infinity, got `-1` (number)'],
    [{ maxQueue: '3' }, 'Expected the `maxQueue` option to be an integer >= 0 or Infinity, got `"3"` (string)'],
    [{ python: '' }, 'Expected the `python` option to be a non-empty string, got `""` (string)'],
    [
      { command: 'docker' },
      'Expected the `command` option to be an array of non-empty strings, got `"docker"` (string)',
    ],
    [{ env: { A: 1 } }, 'Expected the `env.A` option to be a string, got `1` (number)'],
    [{ limits: { memoryMb: 0 } }, 'Expected the `limits.memoryMb` option to be an integer >= 1, got `0` (number)'],
    [{ limits: { disk: 1 } }, 'Unknown option `limits.disk`'],
    [
      { strategy: 'turbo' },
      'Expected the `strategy` option to be one of baseline, optimized, isolated, forked, got `"turbo"` (string)',
    ],
    [{ poolsize: 2 }, 'Unknown option `poolsize`'],
    [{ spareWorkers: -1 }, 'Expected the `spareWorkers` option to be a non-negative integer, got `-1` (number)'],
    [
      { strategy: 'baseline', spareWorkers: 1.5 },
      'Expected the `spareWorkers` option to be a non-negative integer, got `1.5` (number)',
    ],
    [{ busyPollUs: -1 }, 'Expected the `busyPollUs` option to be an integer from 0 to 10000 (µs), got `-1` (number)'],
    [
      { busyPollUs: 20_000 },
      'Expected the `busyPollUs` option to be an integer from 0 to 10000 (µs), got `20000` (number)',
    ],
    [
      { busyPollUs: '100' },
      'Expected the `busyPollUs` option to be an integer from 0 to 10000 (µs), got `"100"` (string)',
    ],
    [
      { strategy: 'forked', busyPollUs: -5 },
      'Expected the `busyPollUs` option to be an integer from 0 to 10000 (µs), got `-5` (number)',
    ],
    [
      { strategy: 'baseline', resetHooks: ['  '] },
      'Expected the `resetHooks[0]` option to be Python code or a `module:function` reference',
    ],
  ])('refuses %j with a message naming the option and the value', (options, message) => {
    const error = invalid(options);
    expect(error).toBeInstanceOf(PyExecError);
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain(message);
  });

  it('fills every default once into a frozen object', () => {
    const executor = new OptimizedExecutor({ python: 'python3' });
    expect(Object.isFrozen(executor.options)).toBe(true);
    expect(Object.isFrozen(executor.options.limits)).toBe(true);
    expect(executor.options).toMatchObject({
      strategy: 'optimized',
      poolSize: 1,
      maxQueue: Number.POSITIVE_INFINITY,
      timeoutMs: 30_000,
      limits: { maxOutputBytes: 10 * 1024 * 1024 },
    });
  });

  it('takes the default interpreter from PYEXEC_PYTHON', () => {
    const saved = process.env.PYEXEC_PYTHON;
    process.env.PYEXEC_PYTHON = '/opt/custom/python';
    try {
      expect(new OptimizedExecutor().options.python).toBe('/opt/custom/python');
    } finally {
      if (saved === undefined) delete process.env.PYEXEC_PYTHON;
      else process.env.PYEXEC_PYTHON = saved;
    }
  });

  it.each([
    ['baseline', BaselineExecutor],
    ['optimized', OptimizedExecutor],
    ['isolated', IsolatedExecutor],
  ] as const)('builds the %s strategy from config, and its class directly', (strategy, ExecutorClass) => {
    const fromConfig = createExecutor({ strategy });
    expect(fromConfig).toBeInstanceOf(ExecutorClass);
    expect(fromConfig.strategy).toBe(strategy);
    expect(new ExecutorClass().strategy).toBe(strategy);
  });

  it('fills strategy-specific defaults for worker life', () => {
    expect(new IsolatedExecutor().options).toMatchObject({
      maxExecutions: 1000,
      gcInterval: 100,
      preload: [],
      resetHooks: [],
    });
    expect(new OptimizedExecutor().options).toMatchObject({ maxExecutions: Number.POSITIVE_INFINITY, gcInterval: 0 });
  });

  it('polls for back-to-back calls only where a core stays free for Node', () => {
    const cpus = availableParallelism();
    expect(new OptimizedExecutor({ poolSize: cpus }).options.busyPollUs).toBe(0);
    expect(new IsolatedExecutor({ poolSize: cpus + 1 }).options.busyPollUs).toBe(0);
    if (cpus > 1) expect(new IsolatedExecutor({ poolSize: cpus - 1 }).options.busyPollUs).toBe(100);
    expect(new OptimizedExecutor({ poolSize: cpus, busyPollUs: 50 }).options.busyPollUs).toBe(50);
    expect(new ForkedExecutor().options.busyPollUs).toBe(0);
    expect(new BaselineExecutor().options.busyPollUs).toBe(0);
  });

  it('refuses a strategy that contradicts the class it is given to', () => {
    expect(() => new OptimizedExecutor({ strategy: 'baseline' })).toThrow(/this executor is `optimized`/);
  });

  it('accepts a config valid for one strategy in every other, ignoring options that do not apply', () => {
    const config: ExecutorOptions = {
      preload: ['json'],
      resetHooks: ['pass'],
      maxExecutions: 5,
      gcInterval: 3,
      maxRssMb: 512,
      busyPollUs: 50,
      spareWorkers: 2,
    };
    const used = {
      preload: ['json'],
      resetHooks: ['pass'],
      maxExecutions: 5,
      gcInterval: 3,
      maxRssMb: 512,
      busyPollUs: 50,
      spareWorkers: 2,
    };
    const ignored = {
      preload: ['json'],
      resetHooks: [],
      maxExecutions: Number.POSITIVE_INFINITY,
      gcInterval: 0,
      maxRssMb: undefined,
      busyPollUs: 0,
    };
    for (const strategy of STRATEGIES) {
      const executor = createExecutor({ ...config, strategy });
      expect(executor.strategy).toBe(strategy);
      const persistent = strategy === 'optimized' || strategy === 'isolated';
      expect((executor as OptimizedExecutor).options).toMatchObject(persistent ? used : ignored);
      // Baseline keeps spares too; forked's template keeps its own next child instead.
      expect((executor as OptimizedExecutor).options.spareWorkers).toBe(strategy === 'forked' ? undefined : 2);
    }
  });

  it('tells strategy names from other values without a cast', () => {
    expect(STRATEGIES).toEqual(['baseline', 'optimized', 'isolated', 'forked']);
    for (const name of STRATEGIES) expect(isStrategyName(name)).toBe(true);
    for (const value of ['turbo', '', 'Optimized', 3, undefined, null, {}]) expect(isStrategyName(value)).toBe(false);
  });
});
