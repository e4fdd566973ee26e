import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

// As `python3 script.py` writing to a pipe with PYTHONUNBUFFERED=1 orders them: the order written.
describe.each(contractStrategies)('the order of output with the %s strategy', (strategy) => {
  it.each([
    ['os.write before print', 'import os\nos.write(1, b"raw\\n")\nprint("print", flush=True)', 'raw\nprint\n'],
    [
      'a child process between prints',
      'import subprocess\nprint("before", flush=True)\nsubprocess.run(["echo", "echo"])\nprint("after")',
      'before\necho\nafter\n',
    ],
    [
      'sys.stdout.buffer between fd writes',
      'import os, sys\nos.write(1, b"1\\n")\nsys.stdout.buffer.write(b"2\\n")\nos.write(1, b"3\\n")\nprint(4)',
      '1\n2\n3\n4\n',
    ],
    [
      'many interleaved writes',
      'import os\nfor i in range(200):\n    os.write(1, b"f%d\\n" % i)\n    print("p%d" % i)',
      Array.from({ length: 200 }, (_, i) => `f${i}\np${i}\n`).join(''),
    ],
  ])('keeps %s in order on stdout', async (_name, code, expected) => {
    const executor = makeExecutor(strategy);
    const chunks: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      chunks.length = 0;
      const result = await executor.run(code, { onStdout: (text) => chunks.push(text) });
      expect(result.stdout).toBe(expected);
      expect(chunks.join('')).toBe(expected);
    }
  });

  it('keeps fd-level and Python-level writes in order on stderr', async () => {
    const result = await makeExecutor(strategy).run(
      'import os, sys\nos.write(2, b"raw\\n")\nprint("print", file=sys.stderr)\nos.write(2, b"raw again\\n")',
    );
    expect(result.stderr).toBe('raw\nprint\nraw again\n');
  });
});
