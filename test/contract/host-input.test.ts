import { afterEach, describe, expect, it } from 'vitest';
import type { PyExecError, PythonExecutor } from '../../src/index.js';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

describe.each(contractStrategies)('input() answered by onInput with the %s strategy', (strategy) => {
  let executor: PythonExecutor;
  const make = () => (executor = makeExecutor(strategy));

  it('asks with each prompt; input(), sys.stdin.readline() and getpass get the answers as lines', async () => {
    make();
    const asked: [string, boolean][] = [];
    const result = await executor.run(
      [
        'name = input("Name? ")',
        'import sys, getpass',
        'line = sys.stdin.readline()',
        'secret = getpass.getpass("Key: ")',
        'print("|", name, repr(line), secret)',
      ].join('\n'),
      {
        onInput: async (prompt, { password }) => {
          asked.push([prompt, password]);
          await new Promise((resolve) => setTimeout(resolve, 5)); // an answer that takes a while
          return password ? 's3cret' : prompt === '' ? 'a line' : 'Ada';
        },
      },
    );
    expect(result.status).toBe('ok');
    expect(asked).toEqual([
      ['Name? ', false],
      ['', false],
      ['Key: ', true],
    ]);
    // The prompt is printed where python3 prints it; the password prompt and answer are not.
    expect(result.stdout).toBe("Name? | Ada 'a line\\n' s3cret\n");
  });

  it('ends the input with EOFError on null, a throw or a non-string (reported on the error event)', async () => {
    make();
    const errors: PyExecError[] = [];
    executor.on('error', (error) => errors.push(error));
    const code = 'try:\n    input("? ")\nexcept EOFError:\n    print("eof")';
    const ended = await executor.run(code, { onInput: () => null });
    expect(ended.stdout).toBe('? eof\n');
    expect(errors).toEqual([]);
    const threw = await executor.run(code, {
      onInput: () => {
        throw new Error('no answers today');
      },
    });
    expect(threw.stdout).toBe('? eof\n');
    const wrong = await executor.run(code, { onInput: () => 42 as unknown as string });
    expect(wrong.stdout).toBe('? eof\n');
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringContaining('The `onInput` callback threw') as string,
      expect.stringContaining('The `onInput` callback gave no string') as string,
    ]);
    expect(errors[0]?.message).toContain('no answers today');
  });

  it('keeps a call waiting for input under its timeout, and the worker serves the next call', async () => {
    make();
    const waiting = await executor.run('input("forever? ")', { timeoutMs: 400, onInput: () => new Promise(() => {}) });
    expect(waiting.status).toBe('timeout');
    const next = await executor.run('input("again? ")', { onInput: () => 'yes' });
    expect(next.value).toBe("'yes'");
  });

  it('stops a call waiting for input on stop() and on its AbortSignal', async () => {
    make();
    let stopNow: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => (stopNow = resolve));
    const stopping = executor.run('input()', {
      executionId: 'waits-for-input',
      onInput: () => {
        stopNow();
        return new Promise(() => {});
      },
    });
    await asked;
    await executor.stop('waits-for-input');
    expect((await stopping).status).toBe('stopped');
    const controller = new AbortController();
    const aborting = executor.run('input()', {
      signal: controller.signal,
      onInput: () => {
        controller.abort();
        return new Promise(() => {});
      },
    });
    await expect(aborting).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('leaves input() at end of file without onInput', async () => {
    make();
    const result = await executor.run('try:\n    input()\nexcept EOFError:\n    print("eof")');
    expect(result.stdout).toBe('eof\n');
  });
});

describe('input() in a session', () => {
  it('asks the host call after call', async () => {
    const executor = makeExecutor('forked');
    const session = await executor.createSession();
    await session.run('answers = []');
    for (const answer of ['one', 'two']) await session.run('answers.append(input())', { onInput: () => answer });
    expect((await session.run('answers')).value).toBe("['one', 'two']");
  });
});

describe('onInput option', () => {
  it('cannot be combined with stdin, and must be a function', async () => {
    const executor = makeExecutor('optimized');
    await expect(executor.run('1', { stdin: 'x', onInput: () => 'y' })).rejects.toThrow(/`onInput` and `stdin`/);
    await expect(executor.run('1', { onInput: 'y' as never })).rejects.toThrow(/`onInput`.*a function/);
  });
});
