import { afterEach, describe, expect, it } from 'vitest';
import type { OutputFile } from '../../src/index.js';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

const text = (file: OutputFile | undefined): string => Buffer.from(file?.data ?? []).toString('utf8');

describe.each(contractStrategies)('files out (collectFiles) with the %s strategy', (strategy) => {
  it('lists what the call created or changed, with contents, text and binary, and a symlink unfollowed', async () => {
    const executor = makeExecutor(strategy);
    const before = Date.now();
    const result = await executor.run(
      [
        'import os',
        'os.makedirs("out", exist_ok=True)',
        'open("out/report.csv", "w").write("a,b\\n1,2\\n")',
        'open("out/image.png", "wb").write(bytes(range(256)))',
        'open("given.txt", "a").write(" and more")',
        'os.symlink("/etc/passwd", "out/link")',
      ].join('\n'),
      { files: { 'given.txt': 'given', 'untouched.txt': 'left as it was' }, collectFiles: true },
    );
    expect(result.status).toBe('ok');
    const files = result.files ?? [];
    expect(files.map((file) => [file.path, file.type])).toEqual([
      ['given.txt', 'file'],
      ['out/image.png', 'file'],
      ['out/link', 'symlink'],
      ['out/report.csv', 'file'],
    ]);
    expect(text(files[0])).toBe('given and more');
    expect([...(files[1]?.data ?? [])]).toEqual([...Array(256).keys()]);
    expect(files[2]).toEqual(expect.objectContaining({ target: '/etc/passwd' }));
    expect(files[2]?.data).toBeUndefined();
    expect(text(files[3])).toBe('a,b\n1,2\n');
    expect(files[3]?.size).toBe(8);
    expect(files[3]?.modifiedAt).toBeGreaterThanOrEqual(before - 1000);
  });

  it('returns the contents the globs match, and lists the rest; [] lists without contents', async () => {
    const executor = makeExecutor(strategy);
    const code = 'open("a.png", "wb").write(b"png")\nopen("b.txt", "w").write("txt")';
    const globbed = await executor.run(code, { collectFiles: ['*.png'] });
    expect(globbed.files?.map((file) => [file.path, file.data === undefined])).toEqual([
      ['a.png', false],
      ['b.txt', true],
    ]);
    const listed = await executor.run(code, { collectFiles: [] });
    expect(listed.files?.every((file) => file.data === undefined)).toBe(true);
    expect((await executor.run(code)).files).toBeUndefined();
  });

  it('keeps within limits.maxFileBytes and maxOutputFilesBytes, marking what it left out', async () => {
    const executor = makeExecutor(strategy, { limits: { maxFileBytes: 1000, maxOutputFilesBytes: 1500 } });
    const result = await executor.run(
      [
        'open("big", "w").write("x" * 2000)',
        'open("one", "w").write("y" * 900)',
        'open("two", "w").write("z" * 900)',
      ].join('\n'),
      { collectFiles: true },
    );
    const byPath = Object.fromEntries((result.files ?? []).map((file) => [file.path, file]));
    expect(byPath.big).toEqual(expect.objectContaining({ size: 2000, truncated: true }));
    expect(byPath.one?.data?.length).toBe(900);
    expect(byPath.two).toEqual(expect.objectContaining({ truncated: true }));
    expect(result.truncated).toBe(true);
  });
});

describe('files out in a session', () => {
  it('lists what each call changed, not what earlier calls wrote', async () => {
    const executor = makeExecutor('optimized');
    const session = await executor.createSession();
    await session.run('open("first.txt", "w").write("1")');
    const second = await session.run('open("second.txt", "w").write("2")', { collectFiles: true });
    expect(second.files?.map((file) => file.path)).toEqual(['second.txt']);
  });
});

describe('the collectFiles option', () => {
  it('names a bad value', async () => {
    const executor = makeExecutor('optimized');
    await expect(executor.run('1', { collectFiles: '*.png' as never })).rejects.toThrow(
      /`collectFiles` option to be true, or an array of globs/,
    );
  });
});
