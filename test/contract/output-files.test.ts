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

describe.each(contractStrategies)('result.usage with the %s strategy', (strategy) => {
  it("counts the call's CPU, its children's, and the peak RSS of the process that ran it", async () => {
    const executor = makeExecutor(strategy, { measureUsage: true });
    expect((await executor.run('pass', { measureUsage: false })).usage).toBeUndefined();
    const idle = await executor.run('pass');
    expect(idle.usage).toEqual({
      cpuUserMs: expect.any(Number) as number,
      cpuSystemMs: expect.any(Number) as number,
      maxRssMb: expect.any(Number) as number,
    });
    const busy = await executor.run(
      [
        'import subprocess, sys, time',
        'end = time.process_time() + 0.3',
        'while time.process_time() < end: pass',
        'subprocess.run([sys.executable, "-c", "import time\\nend = time.process_time() + 0.3\\nwhile time.process_time() < end: pass"])',
        'grown = b"x" * (200 * 1024 * 1024)',
      ].join('\n'),
    );
    const used = busy.usage;
    // Its own 0.3 s and its child's 0.3 s at least (CPU time, not wall time: a busy machine does not change it).
    expect((used?.cpuUserMs ?? 0) + (used?.cpuSystemMs ?? 0)).toBeGreaterThanOrEqual(590);
    expect(used?.maxRssMb).toBeGreaterThanOrEqual(200);
    expect(idle.usage?.cpuUserMs).toBeLessThan(used?.cpuUserMs ?? 0);
  });
});

describe('files out on optimized', () => {
  it("run in a directory of the call's own: nothing an earlier call left is there, and nothing stays", async () => {
    const executor = makeExecutor('optimized', { poolSize: 1 });
    await executor.run('open("left-behind.txt", "w").write("earlier tenant")');
    const collected = await executor.run('import os\nopen("mine.txt", "w").write("x")\nsorted(os.listdir("."))', {
      collectFiles: true,
    });
    expect(collected.value).toBe("['mine.txt']");
    expect(collected.files?.map((file) => file.path)).toEqual(['mine.txt']);
    const after = await executor.run('import os\nsorted(os.listdir("."))');
    expect(after.value).toBe("['left-behind.txt']");
  });
});
