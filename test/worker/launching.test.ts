import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, countingPythonShim, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

describe('launching workers', () => {
  it('resolves a shim to the real interpreter once, so replacements skip the shim', async () => {
    const shim = countingPythonShim();
    const executor = makeExecutor('optimized', { python: shim.path });
    expect((await executor.run('import os, signal; os.kill(os.getpid(), signal.SIGKILL)')).status).toBe('crashed');
    expect((await executor.run('import os, signal; os.kill(os.getpid(), signal.SIGKILL)')).status).toBe('crashed');
    expect((await executor.run('import sys; sys.executable')).status).toBe('ok');
    expect(shim.starts()).toBe(1);
  });

  it.each([
    ['env', ['env', 'PYEXEC_THROUGH_LAUNCHER=yes']],
    ['sh -c exec', ['sh', '-c', 'exec "$@"', 'sh']],
  ])('starts the harness through a launcher prefix (%s) and speaks over its stdio', async (_name, command) => {
    const executor = makeExecutor('optimized', { command });
    const result = await executor.run('import os\nprint("via launcher")\nos.environ.get("PYEXEC_THROUGH_LAUNCHER")');
    expect(result.status).toBe('ok');
    expect(result.stdout).toBe('via launcher\n');
    if (command[0] === 'env') expect(result.value).toBe("'yes'");
    expect((await executor.run('import time\nwhile True: time.sleep(0.01)', { timeoutMs: 300 })).status).toBe(
      'timeout',
    );
  });

  it('reports PYTHON_NOT_FOUND when the launcher cannot find the interpreter', async () => {
    const executor = makeExecutor('optimized', { command: ['env'], python: 'no-such-python-here' });
    await expect(executor.run('1')).rejects.toMatchObject({
      code: 'PYTHON_NOT_FOUND',
      message: expect.stringContaining('no-such-python-here'),
    });
  });

  it('passes the executor env to workers on top of the parent environment', async () => {
    const executor = makeExecutor('optimized', { env: { PYEXEC_TEST_VAR: 'set' } });
    const result = await executor.run(
      'import os\n(os.environ["PYEXEC_TEST_VAR"], "PATH" in os.environ, os.environ["MPLBACKEND"])',
    );
    expect(result.value).toBe("('set', True, 'Agg')");
  });
});
