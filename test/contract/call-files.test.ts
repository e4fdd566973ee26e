import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';
import { rejection } from '../helpers/errors.js';

afterEach(closeAllExecutors);

// A directory outside every working directory, removed after the test.
function outsideDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'pyexec-outside-'));
  onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

const READ_BACK =
  "import json, os\njson.dumps([open('data/input.csv').read(), list(open('raw.bin', 'rb').read()), sorted(os.listdir('.'))])";

describe.each(contractStrategies)('files given to a call with the %s strategy', (strategy) => {
  it('writes text and bytes, nested paths included, into the working directory before the code runs', async () => {
    const executor = makeExecutor(strategy);
    const result = await executor.run(READ_BACK, {
      files: { 'data/input.csv': 'a,b\n1,2\n', 'raw.bin': new Uint8Array([0, 1, 255]) },
    });
    expect(result.value).toBe('\'["a,b\\\\n1,2\\\\n", [0, 1, 255], ["data", "raw.bin"]]\'');
  });

  it('leaves nothing of them to the next call (each call of the pool runs in a directory of its own)', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    await executor.run('1', { files: { 'secret.txt': 'tenant A' } });
    const next = await executor.run("import os\n(os.path.exists('secret.txt'), os.listdir('.'))");
    expect(next.value).toBe('(False, [])');
  });

  it('keeps them in a session, as anything its calls write', async () => {
    const session = await makeExecutor(strategy).createSession();
    await session.run('1', { files: { 'notes/a.txt': 'kept' } });
    expect((await session.run("open('notes/a.txt').read()")).value).toBe("'kept'");
  });

  it('never writes through a symlink the code left where a file is to go', async () => {
    const outside = join(outsideDirectory(), 'target.txt');
    writeFileSync(outside, 'untouched');
    const session = await makeExecutor(strategy).createSession();
    await session.run(`import os\nos.symlink(${JSON.stringify(outside)}, 'link.txt')`);
    const result = await session.run('1', { files: { 'link.txt': 'overwritten?' } });
    expect(result.status).toBe('error');
    expect(result.error?.type).toBe('OSError');
    expect(readFileSync(outside, 'utf8')).toBe('untouched');
  });
});

describe('file names given to a call', () => {
  it.each([
    ['/etc/passwd', 'is absolute'],
    ['../up.txt', 'climbs out'],
    ['a/../../b', 'climbs out'],
    ['a//b', 'empty'],
    ['./a', '`.`'],
    ['', 'is empty'],
    ['a\0b', 'NUL'],
  ])('refuses %j before anything runs (INVALID_OPTION, naming it)', async (name, why) => {
    const executor = makeExecutor('optimized');
    const refused = await rejection(executor.run('open("ran", "w")', { files: { [name]: 'x' } }));
    expect(refused.code).toBe('INVALID_OPTION');
    expect(refused.message).toContain('`files`');
    expect(refused.message).toContain(why);
  });

  it('refuses contents that are not text or bytes, and more than limits.maxInputBytes with stdin', async () => {
    const executor = makeExecutor('optimized', { limits: { maxInputBytes: 10 } });
    const notData = await rejection(executor.run('1', { files: { 'a.txt': 5 as unknown as string } }));
    expect(notData.message).toContain('files["a.txt"]');
    const tooMuch = await rejection(executor.run('1', { stdin: '123456', files: { 'a.txt': '12345' } }));
    expect(tooMuch.message).toContain('`stdin` and `files`');
    expect(tooMuch.message).toContain('limits.maxInputBytes (10)');
  });
});
