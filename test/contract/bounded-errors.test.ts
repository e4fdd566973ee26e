import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

// An exception is a result whatever its size: bounded by the output limit, reported promptly.
describe.each(contractStrategies)('bounded errors with the %s strategy', (strategy) => {
  it('cuts a huge exception message at the output limit and says so', async () => {
    const executor = makeExecutor(strategy, { limits: { maxOutputBytes: 1024 } });
    const result = await executor.run('raise ValueError("x" * 70_000_000)');
    expect(result).toMatchObject({ status: 'error', truncated: true, error: { type: 'ValueError' } });
    expect(result.error?.message.length).toBeLessThanOrEqual(1024);
    expect(result.error?.message).toContain('[pyexec: cut at 1024 of 70000000 bytes]');
    expect(result.error?.traceback.length).toBeLessThanOrEqual(1024);
    expect((await executor.run('1')).value).toBe('1');
  });

  it('reports runaway recursion as an error promptly, with the innermost frames', async () => {
    // 3.11+ recurse in Python frames only; older versions use the C stack, which a million would overflow.
    const code =
      'import sys\nsys.setrecursionlimit(10**6 if sys.version_info >= (3, 11) else 12000)\ndef down(n):\n    return down(n + 1)\ndown(0)';
    const result = await makeExecutor(strategy).run(code, { timeoutMs: 60_000 });
    expect(result).toMatchObject({ status: 'error', error: { type: 'RecursionError' } });
    expect(result.error?.traceback).toMatch(/^\[pyexec: \d+ frames; the outermost \d+ are not shown\]/);
    expect(result.error?.traceback).toContain('return down(n + 1)');
  });
});
