import { afterEach, describe, expect, it } from 'vitest';
import type { PythonExecutor, Session } from '../../src/index.js';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';
import { rejection } from '../helpers/errors.js';

afterEach(closeAllExecutors);

// Each behaviour holds for a call of every strategy and for a session's call.
const runners: [string, (strategy: (typeof contractStrategies)[number]) => Promise<PythonExecutor | Session>][] = [
  ['a call', (strategy) => Promise.resolve(makeExecutor(strategy))],
  ['a session’s call', (strategy) => makeExecutor(strategy).createSession()],
];

describe.each(contractStrategies)('stdin and structured values with the %s strategy', (strategy) => {
  describe.each(runners)('in %s', (_, make) => {
    it('gives input() and sys.stdin the `stdin` text, line by line, then EOFError', async () => {
      const runner = await make(strategy);
      const code =
        'first = input("name? ")\nsecond = input()\ntry:\n    input()\nexcept EOFError:\n    end = "EOF"\n(first, second, end)';
      const result = await runner.run(code, { stdin: 'Ada\nLovelace\n' });
      expect(result.value).toBe("('Ada', 'Lovelace', 'EOF')");
      expect(result.stdout).toBe('name? ');
    });

    it('gives `stdin` bytes as they are, and to the processes the code starts', async () => {
      const runner = await make(strategy);
      const bytes = await runner.run('import sys\nsys.stdin.buffer.read()', { stdin: new Uint8Array([0, 255, 10]) });
      expect(bytes.value).toBe("b'\\x00\\xff\\n'");
      const child = await runner.run('import subprocess\nsubprocess.run(["cat"], capture_output=True).stdout', {
        stdin: 'to the child\n',
      });
      expect(child.value).toBe("b'to the child\\n'");
    });

    it('leaves stdin at end of file for a call given none, after one that was given some', async () => {
      const runner = await make(strategy);
      await runner.run('import sys\nsys.stdin.read(1)', { stdin: 'x'.repeat(100_000) });
      const after = await runner.run('import sys, os\n(sys.stdin.read(), os.read(0, 10))');
      expect(after.value).toBe("('', b'')");
    });

    it('gives the last value as JSON when it is plain data, and none when it is not', async () => {
      const runner = await make(strategy);
      const plain = await runner.run('{"rows": [1, 2.5, "x", True, None], "nested": {"k": []}}');
      expect(plain.valueJson).toEqual({ rows: [1, 2.5, 'x', true, null], nested: { k: [] } });
      expect((await runner.run('"text"')).valueJson).toBe('text');
      for (const code of [
        'float("nan")',
        '{1: "int key"}',
        '(1, 2)',
        '{1, 2}',
        '2 ** 60',
        'class Point:\n    pass\nPoint()',
        'loop = []\nloop.append(loop)\nloop',
        'class Tricky(dict):\n    pass\nTricky(a=1)',
      ]) {
        const result = await runner.run(code);
        expect(result.status, code).toBe('ok');
        expect(result.value, code).toBeDefined();
        expect(result.valueJson, code).toBeUndefined();
      }
      // What the code prints is never taken for its value.
      const printed = await runner.run('print(\'{"forged": true}\')');
      expect(printed.valueJson).toBeUndefined();
    });
  });

  it('refuses stdin that is not text or bytes, or past limits.maxInputBytes, naming it', async () => {
    const executor = makeExecutor(strategy, { limits: { maxInputBytes: 4 } });
    expect((await rejection(executor.run('1', { stdin: 42 as unknown as string }))).message).toContain('`stdin`');
    const tooLong = await rejection(executor.run('1', { stdin: 'éé!' }));
    expect(tooLong.code).toBe('INVALID_OPTION');
    expect(tooLong.message).toContain('limits.maxInputBytes (4)');
    expect((await executor.run('input()', { stdin: 'ok\n' })).value).toBe("'ok'");
  });
});
