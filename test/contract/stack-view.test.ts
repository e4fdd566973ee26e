import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, contractStrategies, makeExecutor, testPython } from '../helpers/executors.js';

afterEach(closeAllExecutors);

// What `python3 script.py` prints for `code` (run from an empty directory, as the reference).
function underPython3(code: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pyexec-stack-'));
  writeFileSync(join(dir, 'main.py'), code);
  const run = spawnSync(testPython, ['main.py'], { cwd: dir, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return run.stdout;
}

const STACKS = `import inspect, sys, traceback
def names():
    return [frame.name for frame in traceback.extract_stack()][:-1]
def inner():
    print(names(), [info.function for info in inspect.stack()])
    print(sum("pyexec_harness" in line for line in traceback.format_stack()))
print(names(), [info.function for info in inspect.stack()], len(list(traceback.walk_stack(sys._getframe()))))
inner()
import atexit
atexit.register(lambda: print([frame.name for frame in traceback.extract_stack()]))
`;

const RECURSION = `import sys
def down(n):
    try:
        return down(n + 1)
    except RecursionError:
        return n
print(sys.getrecursionlimit(), down(0))
sys.setrecursionlimit(3000)
print(sys.getrecursionlimit(), down(0))
`;

// A call's stack starts at its own module frame, as a script's does (see stack_view.py).
describe.each(contractStrategies)('the stack a call sees with the %s strategy', (strategy) => {
  it('holds only its own frames, in traceback, inspect and atexit handlers', async () => {
    const result = await makeExecutor(strategy).run(STACKS);
    expect(result).toMatchObject({ status: 'ok', stderr: '' });
    expect(result.stdout).toBe(underPython3(STACKS));
  });

  it('lets the call recurse as deep as a script, under the limit it sees and sets', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    expect((await executor.run(RECURSION)).stdout).toBe(underPython3(RECURSION));
    const next = await executor.run('import sys\nsys.getrecursionlimit()');
    // Optimized keeps interpreter state between calls, as documented; the others start afresh.
    expect(next.value).toBe(strategy === 'optimized' ? '3000' : '1000');
  });
});
