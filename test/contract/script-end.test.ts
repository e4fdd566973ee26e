import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

// What python3 does when a script ends, each call does before its result.
describe.each(contractStrategies)('the end of a call with the %s strategy', (strategy) => {
  it('runs the atexit handlers the call registered, last first, their output in its result', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    const code =
      'import atexit\natexit.register(print, "first registered")\n@atexit.register\ndef last():\n    print("last registered")\nprint("body")';
    expect((await executor.run(code)).stdout).toBe('body\nlast registered\nfirst registered\n');
    expect(await executor.run('print("next")')).toMatchObject({ status: 'ok', stdout: 'next\n' });
  });

  it('reports a failing atexit handler on stderr and runs the others', async () => {
    const code = 'import atexit\natexit.register(print, "still runs")\natexit.register(lambda: 1 / 0)';
    const result = await makeExecutor(strategy).run(code);
    expect(result.status).toBe('ok');
    expect(result.stdout).toBe('still runs\n');
    expect(result.stderr).toContain('Exception ignored in atexit callback');
    expect(result.stderr).toContain('ZeroDivisionError');
  });

  it('joins the non-daemon threads the call started, their output in its result', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    const code =
      'import threading, time\ndef work():\n    time.sleep(0.3)\n    print("thread done")\nthreading.Thread(target=work).start()\nprint("main done")';
    expect((await executor.run(code)).stdout).toBe('main done\nthread done\n');
    expect(await executor.run('print("next")')).toMatchObject({ status: 'ok', stdout: 'next\n' });
  });

  it('ends a join that outlasts the timeout as a timeout', async () => {
    const code =
      'import threading, time\nthreading.Thread(target=time.sleep, args=(60,)).start()\nprint("started", flush=True)';
    const result = await makeExecutor(strategy, { interruptGraceMs: 200 }).run(code, { timeoutMs: 800 });
    expect(result).toMatchObject({ status: 'timeout', stdout: 'started\n' });
  });

  it('finalizes what the call created: an unclosed file is on disk when the call returns', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pyexec-finalize-')), 'out.txt');
    const result = await makeExecutor(strategy).run(`f = open(${JSON.stringify(path)}, "w")\nf.write("data")`);
    expect(result.status).toBe('ok');
    expect(readFileSync(path, 'utf8')).toBe('data');
  });

  it('runs __del__ of objects the call left, cycles included, within the call', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    const code =
      'class Noisy:\n    def __del__(self):\n        print("finalized", self.name)\nplain = Noisy(); plain.name = "plain"\ncycle = Noisy(); cycle.name = "cycle"; cycle.me = cycle';
    const result = await executor.run(code);
    expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual(['finalized cycle', 'finalized plain']);
    for (let i = 0; i < 5; i++) expect((await executor.run('x = [1] * 1000\nprint("clean")')).stdout).toBe('clean\n');
  });
});
