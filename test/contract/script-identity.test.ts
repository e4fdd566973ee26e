import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

// A call runs as `python3 main.py` would: from a real file, with its identity.
describe.each(contractStrategies)('the script identity of a call with the %s strategy', (strategy) => {
  it('has __file__ naming a real file holding its source, and sys.argv[0] naming it too', async () => {
    const code =
      'import sys\nsource = open(__file__).read()\n(__file__.endswith("/main.py"), sys.argv[0] == __file__, source.startswith("import sys"))';
    expect((await makeExecutor(strategy).run(code)).value).toBe('(True, True, True)');
  });

  it('takes a script name and arguments per call, as argparse sees them', async () => {
    const code =
      'import argparse\nparser = argparse.ArgumentParser()\nparser.add_argument("--n", type=int)\nargs = parser.parse_args()\n(parser.format_usage().strip(), args.n)';
    const result = await makeExecutor(strategy).run(code, { filename: 'analysis.py', argv: ['--n', '3'] });
    expect(result.value).toBe("('usage: analysis.py [-h] [--n N]', 3)");
  });

  it('shows source lines in tracebacks, and inspect finds the source of its classes', async () => {
    const failing = await makeExecutor(strategy).run('def inner():\n    raise ValueError("bad")\ninner()');
    expect(failing.status).toBe('error');
    expect(failing.error?.traceback).toContain('    raise ValueError("bad")');
    const inspected = await makeExecutor(strategy).run(
      'import inspect\nclass Shape:\n    sides = 4\ninspect.getsource(Shape)',
    );
    expect(inspected.value).toBe("'class Shape:\\n    sides = 4\\n'");
  });

  it.each(['spawn', 'forkserver'])('runs multiprocessing with the %s start method', async (method) => {
    const code = [
      'import multiprocessing as mp',
      'from concurrent.futures import ProcessPoolExecutor',
      'def square(x):',
      '    return x * x',
      'if __name__ == "__main__":',
      `    context = mp.get_context("${method}")`,
      '    with context.Pool(1) as pool:',
      '        print(pool.map(square, [1, 2, 3]))',
      '    with ProcessPoolExecutor(1, mp_context=context) as executor:',
      '        print(list(executor.map(square, [4, 5])))',
    ].join('\n');
    const result = await makeExecutor(strategy).run(code, { timeoutMs: 20_000 });
    expect(result).toMatchObject({ status: 'ok', stdout: '[1, 4, 9]\n[16, 25]\n' });
  });

  it('has module-level __annotations__, and runs a source that starts with a byte-order mark', async () => {
    const executor = makeExecutor(strategy);
    expect((await executor.run('"__annotations__" in dir()')).value).toBe('True');
    expect((await executor.run('x: int = 1\n__annotations__')).value).toBe("{'x': <class 'int'>}");
    expect(await executor.run('\ufeffprint("bom")')).toMatchObject({ status: 'ok', stdout: 'bom\n' });
  });

  it('refuses a script name that is a path, naming the option', async () => {
    await expect(makeExecutor(strategy).run('1', { filename: '../evil.py' })).rejects.toThrow('`filename`');
  });
});
