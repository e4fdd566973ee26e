import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createExecutor, type PyExecError } from '../../src/index.js';
import { thrownBy } from '../helpers/errors.js';
import { closeAllExecutors, contractStrategies, makeExecutor, sandboxAvailable } from '../helpers/executors.js';

afterEach(closeAllExecutors);

describe('a misspelled option', () => {
  it.each([
    [{ timeOutMs: 5 }, 'Unknown option `timeOutMs`. Did you mean `timeoutMs`?'],
    [{ poolsize: 2 }, 'Unknown option `poolsize`. Did you mean `poolSize`?'],
    [{ limits: { memoryMB: 5 } }, 'Unknown option `limits.memoryMB`. Did you mean `limits.memoryMb`?'],
    [{ sandbox: { netwrok: true } }, 'Unknown option `sandbox.netwrok`. Did you mean `sandbox.network`?'],
  ])('%j names the nearest known option', (options, message) => {
    const error = thrownBy(() => createExecutor(options as never));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain(message);
  });

  it('far from every known option gets no guess', () => {
    expect(thrownBy(() => createExecutor({ zzzzzz: 1 } as never)).message).not.toContain('Did you mean');
  });
});

// Half of an emoji's surrogate pair: no UTF-8 can carry it to Python.
const LONE = 'ok \uD83D';

describe.each(contractStrategies)('a lone surrogate, with the %s strategy', (strategy) => {
  it('in code, env or argv is refused before anything runs, naming the field', async () => {
    const executor = makeExecutor(strategy);
    for (const [code, options, field] of [
      [`print("${LONE}")`, {}, '`code`'],
      ['1', { env: { GREETING: LONE } }, '`env.GREETING`'],
      ['1', { argv: ['fine', LONE] }, '`argv[1]`'],
    ] as const) {
      await expect(executor.run(code, options)).rejects.toMatchObject({
        code: 'INVALID_OPTION',
        message: expect.stringContaining(`${field} option to be well-formed Unicode`),
      });
    }
    // A whole pair is fine, and the worker serves on.
    expect((await executor.run('print("😀")')).stdout).toBe('😀\n');
  });
});

describe('code that is not a string', () => {
  it('a Buffer is named as one, with how to decode it', async () => {
    const executor = makeExecutor('optimized');
    await expect(executor.run(Buffer.from('print(1)') as unknown as string)).rejects.toThrow(
      "got a Buffer of 8 bytes (decode it first: `buffer.toString('utf8')`)",
    );
  });
});

describe.skipIf(!sandboxAvailable)('sandbox paths', () => {
  it('that do not exist are refused when the executor is made, naming the path', () => {
    const error = thrownBy(() => createExecutor({ sandbox: { readOnlyPaths: ['/srv/pyexec-no-such-data'] } }));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain(
      'Expected the `sandbox.readOnlyPaths` option to be paths that exist on this machine, got `"/srv/pyexec-no-such-data"`',
    );
  });

  it('gone by the time a worker starts: the error says what bubblewrap said', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyexec-vanishing-'));
    const executor = makeExecutor('optimized', { sandbox: { readOnlyPaths: [dir] } });
    rmSync(dir, { recursive: true });
    const failure = await executor.run('1').catch((error: PyExecError) => error);
    expect(failure).toMatchObject({
      code: 'SANDBOX_UNAVAILABLE',
      message: expect.stringContaining(`bubblewrap could not make the sandbox: Can't find source path ${dir}`),
    });
    expect((failure as PyExecError).message.length).toBeLessThan(300);
  });
});
