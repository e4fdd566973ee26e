import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createExecutor,
  type ForkedExecutor,
  type IsolatedExecutor,
  isStrategyName,
  type OptimizedExecutor,
  type ExecutionResult,
  type ExecutorOptions,
  type PythonError,
  type PythonExecutor,
  type StrategyName,
} from '../../src/index.js';

// Checked by `tsc --noEmit` (part of npm test): each line below fails to compile if the public
// types regress. The runtime assertions only keep vitest from reporting an empty test.
describe('the public surface', () => {
  it('exports what users use: the classes, createExecutor, errors and the packages functions', async () => {
    const exported = Object.keys(await import('../../src/index.js')).sort();
    expect(exported).toEqual([
      'BaselineExecutor',
      'ForkedExecutor',
      'IsolatedExecutor',
      'OptimizedExecutor',
      'PyExecError',
      'STRATEGIES',
      'createEnvironment',
      'createExecutor',
      'detectImports',
      'findMissingModules',
      'installPackages',
      'isStrategyName',
    ]);
  });

  it('gives every executor warmUp() and its options through PythonExecutor', () => {
    const any = (name: StrategyName): PythonExecutor => createExecutor({ strategy: name });
    expectTypeOf(any).returns.toHaveProperty('warmUp');
    expectTypeOf(any).returns.toHaveProperty('options');
    expect(typeof any).toBe('function');
  });

  it("tells each executor's capabilities, as its strategy's registry line declares them", () => {
    const levels = Object.fromEntries(
      (['baseline', 'optimized', 'isolated', 'forked'] as const).map((name) => [
        name,
        createExecutor({ strategy: name }).capabilities.isolation,
      ]),
    );
    expect(levels).toEqual({ baseline: 'process', optimized: 'globals', isolated: 'interpreter', forked: 'process' });
    expect(createExecutor({ strategy: 'isolated' }).capabilities.resetHooks).toBe(true);
  });
});

describe('the public types', () => {
  it('give createExecutor the class of a literal strategy, so its own methods type-check', () => {
    const isolated = createExecutor({ strategy: 'isolated' });
    expectTypeOf(isolated).toEqualTypeOf<IsolatedExecutor>();
    expectTypeOf(isolated.addResetHook).toBeFunction();
    expectTypeOf(isolated.warmUp).toBeFunction();
    expectTypeOf(createExecutor()).toEqualTypeOf<OptimizedExecutor>();
    expectTypeOf(createExecutor({ strategy: 'forked' })).toEqualTypeOf<ForkedExecutor>();
    const configured = (name: StrategyName) => createExecutor({ strategy: name });
    expectTypeOf(configured).returns.toMatchTypeOf<PythonExecutor>();
    const fromConfigFile = (options: ExecutorOptions) => createExecutor(options);
    expectTypeOf(fromConfigFile).returns.toMatchTypeOf<PythonExecutor>();
    expect(isolated.strategy).toBe('isolated');
  });

  it('narrow a strategy read from the environment without a cast', () => {
    const fromEnvironment: string | undefined = 'isolated';
    if (isStrategyName(fromEnvironment)) expectTypeOf(fromEnvironment).toEqualTypeOf<StrategyName>();
    expect(isStrategyName(fromEnvironment)).toBe(true);
  });

  it('discriminate results by status', () => {
    const describe = (result: ExecutionResult): string => {
      switch (result.status) {
        case 'error':
          expectTypeOf(result.error).toEqualTypeOf<PythonError>();
          return result.error.type;
        case 'crashed':
          return result.error.message;
        case 'ok':
          expectTypeOf(result.error).toEqualTypeOf<undefined>();
          return result.value ?? '';
        default:
          expectTypeOf(result.status).toEqualTypeOf<'timeout' | 'stopped'>();
          return result.error?.type ?? result.status;
      }
    };
    const error = { type: 'ValueError', message: 'x', traceback: '' };
    expect(
      describe({
        executionId: 'a',
        status: 'error',
        error,
        stdout: '',
        stderr: '',
        figures: [],
        outputs: [],
        durationMs: 1,
      }),
    ).toBe('ValueError');
  });
});
