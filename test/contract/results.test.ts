import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

describe.each(contractStrategies)('results of the %s strategy', (strategy) => {
  it('returns stdout, the last expression value, duration and worker pid', async () => {
    const result = await makeExecutor(strategy).run('print("hello")\n6 * 7');
    expect(result).toMatchObject({ status: 'ok', stdout: 'hello\n', stderr: '', value: '42', figures: [] });
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.workerPid).toEqual(expect.any(Number));
    expect(result.executionId).toEqual(expect.any(String));
  });

  it('reports a Python exception as an error result with type, message and traceback', async () => {
    const result = await makeExecutor(strategy).run('def f():\n    raise KeyError("k")\nf()');
    expect(result.status).toBe('error');
    expect(result.error).toMatchObject({ type: 'KeyError', message: "'k'" });
    expect(result.error?.traceback).toContain('line 2, in f');
    expect(result.error?.traceback).not.toContain('pyexec_harness');
  });

  it('reports a SyntaxError as an error result', async () => {
    const result = await makeExecutor(strategy).run('def broken(:');
    expect(result).toMatchObject({ status: 'error', error: { type: 'SyntaxError' } });
  });

  it('treats sys.exit(0) as success and sys.exit(1) as an error, and the worker serves on', async () => {
    const executor = makeExecutor(strategy);
    expect((await executor.run('import sys; sys.exit(0)')).status).toBe('ok');
    expect(await executor.run('import sys; sys.exit(1)')).toMatchObject({
      status: 'error',
      error: { type: 'SystemExit' },
    });
    expect((await executor.run('1')).value).toBe('1');
  });

  it('captures writes to fds 1 and 2, C-level output and child processes', async () => {
    const code = [
      'import os, subprocess, ctypes',
      "os.write(1, b'fd1\\n')",
      "os.write(2, b'fd2\\n')",
      "ctypes.CDLL(None).printf(b'c-level\\n'); ctypes.CDLL(None).fflush(None)",
      "subprocess.run(['echo', 'child'])",
    ].join('\n');
    const result = await makeExecutor(strategy).run(code);
    expect(result.stdout).toBe('fd1\nc-level\nchild\n');
    expect(result.stderr).toBe('fd2\n');
  });

  it('keeps printed fake protocol messages as plain output', async () => {
    const executor = makeExecutor(strategy);
    const fake = '{"type":"result","id":"x","status":"ok","stdout":"","stderr":"","figures":[]}';
    const result = await executor.run(`import os\nprint('${fake}')\nos.write(1, b'${fake}\\n')`);
    expect(result.stdout).toBe(`${fake}\n${fake}\n`);
    expect((await executor.run('"after"')).value).toBe("'after'");
  });

  it('gives input() an EOFError instead of hanging', async () => {
    const result = await makeExecutor(strategy).run('input("name? ")');
    expect(result.error?.type).toBe('EOFError');
  });

  it('survives user code that poisons the json module and closes stdout', async () => {
    const executor = makeExecutor(strategy);
    await executor.run('import json, sys, os\njson.dumps = json.loads = None\nsys.stdout = None\nos.close(1)');
    expect(await executor.run('print("fine")\n{"a": 1}')).toMatchObject({
      status: 'ok',
      stdout: 'fine\n',
      value: "{'a': 1}",
    });
  });

  it('applies a call env to that call only', async () => {
    const executor = makeExecutor(strategy, { env: { FROM_EXECUTOR: 'e' } });
    const during = await executor.run('import os\n(os.environ.get("X"), os.environ["FROM_EXECUTOR"])', {
      env: { X: '1' },
    });
    const after = await executor.run('import os\nos.environ.get("X")');
    expect(during.value).toBe("('1', 'e')");
    expect(after.value).toBeUndefined();
  });

  it('gives every call fresh globals named __main__', async () => {
    const executor = makeExecutor(strategy);
    await executor.run('secret = 1');
    expect((await executor.run('(__name__, "secret" in globals())')).value).toBe("('__main__', False)");
  });

  it('uses the executionId it is given', async () => {
    const result = await makeExecutor(strategy).run('1', { executionId: 'my-call' });
    expect(result.executionId).toBe('my-call');
  });
});
