import { afterEach, describe, expect, it } from 'vitest';
import type { PythonExecutor } from '../../src/index.js';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

describe.each(contractStrategies)('host functions with the %s strategy', (strategy) => {
  let executor: PythonExecutor;

  it('are called from Python with JSON values both ways; the last argument is an AbortSignal', async () => {
    const seen: unknown[][] = [];
    executor = makeExecutor(strategy, {
      functions: {
        echo: (...args: unknown[]) => {
          seen.push(args);
          return args.slice(0, -1);
        },
      },
    });
    const result = await executor.run(
      [
        'import pyexec_host',
        'from pyexec_host import echo, search',
        'print(echo(1, 2.5, "é", True, None, [1, {"k": "v"}]))',
        'print(echo("q", limit=3))',
        'print(search("cats"), pyexec_host.search("dogs"))',
      ].join('\n'),
      { functions: { search: async (query: string) => ({ hits: [query.toUpperCase()] }) } },
    );
    expect(result.status).toBe('ok');
    expect(result.stdout).toBe(
      "[1, 2.5, 'é', True, None, [1, {'k': 'v'}]]\n['q', {'limit': 3}]\n{'hits': ['CATS']} {'hits': ['DOGS']}\n",
    );
    expect(seen.map((args) => args.at(-1) instanceof AbortSignal)).toEqual([true, true]);
    expect(seen[1]?.slice(0, -1)).toEqual(['q', { limit: 3 }]);
  });

  it('raise HostFunctionError when the function throws, and say why values that are not JSON fail', async () => {
    executor = makeExecutor(strategy, {
      functions: {
        broken: () => Promise.reject(new Error('the database is down')),
        bytes: () => new Uint8Array([1, 2]),
        cyclic: () => {
          const loop: Record<string, unknown> = {};
          loop.self = loop;
          return loop;
        },
        nothing: () => undefined,
      },
    });
    const result = await executor.run(
      [
        'from pyexec_host import broken, bytes as give_bytes, cyclic, nothing, HostFunctionError',
        'for attempt in (lambda: broken(), lambda: give_bytes(), lambda: cyclic()):',
        '    try:',
        '        attempt()',
        '    except HostFunctionError as error:',
        '        print("HostFunctionError:", error)',
        'for bad in (b"raw", float("nan"), object()):',
        '    try:',
        '        nothing(bad)',
        '    except (TypeError, ValueError) as error:',
        '        print(type(error).__name__)',
        'print(nothing())',
      ].join('\n'),
    );
    expect(result.status).toBe('ok');
    expect(result.stdout.split('\n')).toEqual([
      'HostFunctionError: broken: the database is down',
      'HostFunctionError: bytes returned bytes, which do not cross to Python: values are JSON (give base64 text)',
      expect.stringMatching(/^HostFunctionError: cyclic returned a value that is not JSON: /) as string,
      'TypeError',
      'ValueError',
      'TypeError',
      'None',
      '',
    ]);
  });

  it('exist only as given to the call: another name fails listing the names there are', async () => {
    executor = makeExecutor(strategy, { functions: { shared: () => 1 } });
    const result = await executor.run(
      [
        'import pyexec_host',
        'try:',
        '    from pyexec_host import secret',
        'except ImportError as error:',
        '    print("ImportError:", error)',
        'try:',
        '    pyexec_host.constructor',
        'except AttributeError as error:',
        '    print("AttributeError:", error)',
        'print(sorted(dir(pyexec_host)))',
      ].join('\n'),
      { functions: { own: () => 2 } },
    );
    expect(result.stdout).toBe(
      [
        "ImportError: pyexec_host has no function 'secret'; this call has: own, shared",
        "AttributeError: pyexec_host has no function 'constructor'; this call has: own, shared",
        "['HostFunctionError', 'own', 'shared']",
        '',
      ].join('\n'),
    );
    const without = await makeExecutor(strategy).run('from pyexec_host import shared');
    expect(without.error?.message).toBe(
      "pyexec_host has no function 'shared'; this call has: none (the call was given no functions)",
    );
  });

  it('may be called from threads of the code, several in flight at once', async () => {
    let inFlight = 0;
    let most = 0;
    executor = makeExecutor(strategy, {
      functions: {
        slow: async (n: number) => {
          most = Math.max(most, ++inFlight);
          await new Promise((resolve) => setTimeout(resolve, 50));
          inFlight -= 1;
          return n * 10;
        },
      },
    });
    const result = await executor.run(
      [
        'import threading',
        'from pyexec_host import slow',
        'results = {}',
        'threads = [threading.Thread(target=lambda n=n: results.__setitem__(n, slow(n))) for n in range(6)]',
        'for thread in threads: thread.start()',
        'for thread in threads: thread.join()',
        'print(sorted(results.items()), slow(7))',
      ].join('\n'),
    );
    expect(result.stdout).toBe('[(0, 0), (1, 10), (2, 20), (3, 30), (4, 40), (5, 50)] 70\n');
    expect(most).toBeGreaterThan(1);
  });

  it('keep the call under its timeout while waiting, and abort the function once the call ends', async () => {
    let aborted: unknown;
    executor = makeExecutor(strategy, {
      functions: {
        hang: (signal: AbortSignal) =>
          new Promise((resolve) =>
            signal.addEventListener('abort', () => {
              aborted = signal.reason;
              resolve('too late');
            }),
          ),
      },
    });
    const result = await executor.run('from pyexec_host import hang\nhang()', { timeoutMs: 400 });
    expect(result.status).toBe('timeout');
    await expect.poll(() => aborted).toBeInstanceOf(Error);
    const next = await executor.run('1 + 1');
    expect(next.value).toBe('2');
  });
});

describe('host functions in a session', () => {
  it('are those of each call', async () => {
    const executor = makeExecutor('optimized', { functions: { base: () => 'base' } });
    const session = await executor.createSession();
    await session.run('import pyexec_host');
    expect((await session.run('pyexec_host.base()')).value).toBe("'base'");
    const own = await session.run('pyexec_host.extra()', { functions: { extra: () => 'extra' } });
    expect(own.value).toBe("'extra'");
    const gone = await session.run('pyexec_host.extra()');
    expect(gone.error?.type).toBe('AttributeError');
  });
});

describe('the functions option', () => {
  it('names a bad name or a value that is not a function', async () => {
    expect(() => makeExecutor('optimized', { functions: { 'not-python': () => 1 } })).toThrow(
      /`functions key` option to be a Python identifier.*"not-python"/,
    );
    const executor = makeExecutor('optimized');
    await expect(executor.run('1', { functions: { f: 'nope' as never } })).rejects.toThrow(
      /`functions\.f` option to be a function/,
    );
  });
});

describe.each(['optimized', 'forked'] as const)('a copy made by session.fork(), %s strategy', (strategy) => {
  it('displays, asks for input and calls host functions as its original does', async () => {
    const executor = makeExecutor(strategy, { functions: { double: (n: number) => n * 2 } });
    const session = await executor.createSession();
    await session.run('x = 21');
    const copy = await session.fork();
    const result = await copy.run('from pyexec_host import double\nanswer = input("? ")\ndisplay(double(x))\nanswer', {
      onInput: () => 'from the host',
    });
    expect(result.value).toBe("'from the host'");
    expect(result.outputs.filter((item) => item.type === 'display')).toEqual([
      { type: 'display', data: { 'text/plain': '42' }, metadata: {} },
    ]);
  });
});
