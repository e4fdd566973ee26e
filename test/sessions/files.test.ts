import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { closeAllExecutors, hostileVariants, makeExecutor } from '../helpers/executors.js';
import { rejection } from '../helpers/errors.js';

afterEach(closeAllExecutors);

// A directory outside every working directory, removed after the test.
function outsideDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'pyexec-outside-'));
  onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

describe.each(hostileVariants)('a session’s files, with the %s strategy, sandbox: %s', (strategy, sandbox) => {
  it('writes, reads, lists and removes files of its working directory, in the order of its calls', async () => {
    const session = await makeExecutor(strategy, { sandbox }).createSession();
    const running = session.run("import time\ntime.sleep(0.2)\nopen('from-code.txt', 'w').write('code')");
    await session.writeFile('data/input.csv', 'a,b\n1,2\n');
    await running;
    await session.writeFile('raw.bin', new Uint8Array([0, 255]));
    const seen = await session.run(
      "import os\nos.chdir('data')\n(open('input.csv').read(), open('../raw.bin', 'rb').read())",
    );
    expect(seen.value).toBe("('a,b\\n1,2\\n', b'\\x00\\xff')");
    // Paths stay relative to the working directory, wherever the code's current directory is.
    expect(Buffer.from(await session.readFile('from-code.txt')).toString()).toBe('code');
    expect((await session.listFiles()).map((entry) => [entry.name, entry.type])).toEqual([
      ['data', 'directory'],
      ['from-code.txt', 'file'],
      ['raw.bin', 'file'],
    ]);
    expect(await session.listFiles('data')).toEqual([
      expect.objectContaining({ name: 'input.csv', type: 'file', size: 8, modifiedAt: expect.any(Number) }),
    ]);
    await session.removeFile('raw.bin');
    expect((await session.run("import os\nos.path.exists('../raw.bin')")).value).toBe('False');
    const missing = await rejection(session.readFile('raw.bin'));
    expect(missing.code).toBe('SESSION_FILE_ERROR');
    expect(missing.message).toContain('FileNotFoundError');
  });

  it('never follows a symlink the code left, on the way or at the end, and refuses paths that climb out', async () => {
    const outside = outsideDirectory();
    writeFileSync(join(outside, 'secret.txt'), 'host secret');
    const session = await makeExecutor(strategy, { sandbox }).createSession();
    await session.run(
      `import os\nfor name, target in (('dir', ${JSON.stringify(outside)}), ('file', ${JSON.stringify(join(outside, 'secret.txt'))})):\n    os.symlink(target, name)`,
    );
    for (const attempt of [
      session.readFile('dir/secret.txt'),
      session.readFile('file'),
      session.writeFile('dir/planted.txt', 'x'),
      session.writeFile('file', 'overwritten'),
      session.listFiles('dir'),
    ])
      expect((await rejection(attempt)).code).toBe('SESSION_FILE_ERROR');
    expect(readdirSync(outside)).toEqual(['secret.txt']);
    expect((await session.listFiles()).map((entry) => [entry.name, entry.type])).toEqual([
      ['dir', 'symlink'],
      ['file', 'symlink'],
    ]);
    for (const path of ['../x', '/etc/passwd', 'a/../../b', ''])
      expect((await rejection(session.readFile(path))).code).toBe('INVALID_OPTION');
  });
});

describe('a session’s files around a restart', () => {
  it('waits for restart() and works on the new interpreter’s directory', async () => {
    const session = await makeExecutor('optimized').createSession();
    await session.writeFile('old.txt', 'before');
    const restarting = session.restart();
    const written = session.writeFile('new.txt', 'after');
    await Promise.all([restarting, written]);
    expect(session.state).toBe('idle');
    expect((await session.listFiles()).map((entry) => entry.name)).toEqual(['new.txt']);
  });
});

describe('a session’s files past the limits', () => {
  it('refuses to write more than limits.maxInputBytes, and to read more than limits.maxOutputBytes', async () => {
    const session = await makeExecutor('optimized', {
      limits: { maxInputBytes: 8, maxOutputBytes: 16 },
    }).createSession();
    expect((await rejection(session.writeFile('big.txt', '123456789'))).message).toContain('limits.maxInputBytes (8)');
    await session.run("open('big.txt', 'w').write('x' * 17)");
    const tooBig = await rejection(session.readFile('big.txt'));
    expect(tooBig.code).toBe('SESSION_FILE_ERROR');
    expect(tooBig.message).toContain('limits.maxOutputBytes');
  });
});
