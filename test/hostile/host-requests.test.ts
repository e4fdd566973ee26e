import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, hostileVariants, makeExecutor } from '../helpers/executors.js';
import { writeOnChannel } from '../helpers/channel-attack.js';

afterEach(closeAllExecutors);

// Host functions and onInput answers are a tenant's own: another call must never reach them.
describe.each(hostileVariants)('requests to the host with the %s strategy, sandbox: %s', (strategy, sandbox) => {
  it('a forged request reaches only the functions given to that call, never Object.prototype', async () => {
    const calls: string[] = [];
    const executor = makeExecutor(strategy, { sandbox, poolSize: 1 });
    await executor.run('1', { functions: { secret: () => calls.push('secret') } });
    const forgeries = ['secret', 'constructor', 'toString', '__proto__', 'hasOwnProperty'].map((name, index) => ({
      type: 'request',
      id: 'forger',
      requestId: 1000 + index,
      kind: 'function',
      name,
      args: '[[],{}]',
    }));
    const result = await executor.run(forgeries.map(writeOnChannel).join('\n') + '\nimport time\ntime.sleep(0.3)', {
      executionId: 'forger',
      timeoutMs: 3000,
      functions: { own: () => calls.push('own') },
    });
    // (A forked child's lines also reach its template's socket, where the first byte reads as
    // "done": the template lets the child go, and the call ends at its timeout.)
    expect(result.status).toBe(strategy === 'forked' ? 'timeout' : 'ok');
    expect(calls).toEqual([]);
    const next = await executor.run('from pyexec_host import own\nown()', {
      functions: { own: () => 'still serving' },
    });
    expect(next.value).toBe("'still serving'");
  });

  it('a module planted on sys.path cannot stand in for pyexec_host', async () => {
    const executor = makeExecutor(strategy, { sandbox });
    const result = await executor.run(
      [
        'import os, sys, tempfile',
        'planted = tempfile.mkdtemp()',
        'with open(os.path.join(planted, "pyexec_host.py"), "w") as f:',
        '    f.write("def lookup(*args):\\n    return \\"planted\\"\\n")',
        'sys.path.insert(0, planted)',
        'import pyexec_host',
        'pyexec_host.lookup("x")',
      ].join('\n'),
      { functions: { lookup: () => 'from the host' } },
    );
    expect(result.value).toBe("'from the host'");
  });
});

describe.each(['optimized', 'isolated'] as const)('a thread an earlier call left running, %s strategy', (strategy) => {
  it("cannot call the next call's host functions nor read its input", async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    const reached: string[] = [];
    // The thread keeps asking for a while after its call ended (it would see the next call's
    // functions and answers, were it let through).
    const left = await executor.run(
      [
        'import threading, time',
        'def lurk():',
        '    end = time.monotonic() + 3',
        '    while time.monotonic() < end:',
        '        try:',
        '            import pyexec_host',
        '            pyexec_host.transfer("attacker", 1000)',
        '        except Exception:',
        '            pass',
        '        try:',
        '            input()',
        '        except BaseException:',
        '            pass',
        '        time.sleep(0.01)',
        'threading.Thread(target=lurk, daemon=True).start()',
      ].join('\n'),
    );
    expect(left.status).toBe('ok');
    const victim = await executor.run('import time\ntime.sleep(0.8)\n"done"', {
      functions: { transfer: (to: string) => reached.push(`transfer to ${to}`) },
      onInput: () => {
        reached.push('input read');
        return 'the password';
      },
    });
    expect(victim.value).toBe("'done'");
    expect(reached).toEqual([]);
  });
});

describe('a late answer', () => {
  it('never reaches the call that follows on the same worker: it gets its own', async () => {
    const executor = makeExecutor('optimized', { poolSize: 1 });
    const first = await executor.run('input()', {
      timeoutMs: 300,
      onInput: () => new Promise((resolve) => setTimeout(() => resolve('meant for the first call'), 600)),
    });
    expect(first.status).toBe('timeout');
    const second = await executor.run('input()', {
      onInput: () => new Promise((resolve) => setTimeout(() => resolve('meant for the second call'), 800)),
    });
    expect(second.value).toBe("'meant for the second call'");
  });
});

describe.each(['optimized', 'forked'] as const)('a forged display, %s strategy', (strategy) => {
  it('with data that is not a bundle gets its worker replaced; the next call runs', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    const forged = await executor.run(
      writeOnChannel({ type: 'display', id: 'forger', data: { 'text/html': 42 }, metadata: {} }) +
        '\nimport time\ntime.sleep(2)',
      { executionId: 'forger' },
    );
    expect(forged.status).toBe('crashed');
    expect((await executor.run('display("fine")\n1')).outputs[0]).toEqual({
      type: 'display',
      data: { 'text/plain': "'fine'" },
      metadata: {},
    });
  });
});
