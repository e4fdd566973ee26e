import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

// As IPython runs notebook and agent code that awaits at top level.
describe.each(contractStrategies)('top-level await with the %s strategy', (strategy) => {
  it('runs awaiting code on an event loop, the last expression value included', async () => {
    const code =
      'import asyncio\nasync def fetch(x):\n    await asyncio.sleep(0.01)\n    return x * 2\nprint("before")\nvalue = await fetch(20)\nawait fetch(value + 1)';
    expect(await makeExecutor(strategy).run(code)).toMatchObject({ status: 'ok', stdout: 'before\n', value: '82' });
  });

  it('reports an exception raised while awaiting with its traceback', async () => {
    const result = await makeExecutor(strategy).run(
      'import asyncio\nasync def boom():\n    raise KeyError("k")\nawait boom()',
    );
    expect(result).toMatchObject({ status: 'error', error: { type: 'KeyError' } });
    expect(result.error?.traceback).toContain('raise KeyError("k")');
  });

  it('cancels tasks left pending at the end of the call, and code without await runs as before', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    const code =
      'import asyncio\nasync def forever():\n    try:\n        await asyncio.sleep(60)\n    except asyncio.CancelledError:\n        print("cancelled")\n        raise\ntask = asyncio.ensure_future(forever())\nawait asyncio.sleep(0)';
    expect(await executor.run(code)).toMatchObject({ status: 'ok', stdout: 'cancelled\n' });
    expect(await executor.run('import asyncio\nasyncio.run(asyncio.sleep(0, "plain"))')).toMatchObject({
      status: 'ok',
      value: "'plain'",
    });
  });

  it('is interrupted by its timeout while awaiting', async () => {
    const result = await makeExecutor(strategy).run('import asyncio\nawait asyncio.sleep(60)', { timeoutMs: 500 });
    expect(result.status).toBe('timeout');
  });
});
