import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';

afterEach(closeAllExecutors);

// sys.stdout and sys.stderr offer what python3's do (io.TextIOWrapper), with its error handlers.
describe.each(contractStrategies)('the standard streams of a call with the %s strategy', (strategy) => {
  it('can be reconfigured, as real scripts do first', async () => {
    const result = await makeExecutor(strategy).run(
      'import sys\nsys.stdout.reconfigure(encoding="utf-8")\nsys.stderr.reconfigure(line_buffering=True)\nprint("é")',
    );
    expect(result).toMatchObject({ status: 'ok', stdout: 'é\n' });
  });

  it('have the attributes of a TextIOWrapper', async () => {
    const code =
      'import sys\n(sys.stdout.encoding, sys.stdout.errors, sys.stderr.errors, sys.stdout.line_buffering, sys.stdout.isatty(), sys.stdout.fileno(), sys.stderr.fileno(), hasattr(sys.stdout.buffer, "write"))';
    expect((await makeExecutor(strategy).run(code)).value).toBe(
      "('utf-8', 'surrogateescape', 'backslashreplace', False, False, 1, 2, True)",
    );
  });

  it('encode lone surrogates as python3 does: escaped bytes on stdout, backslashes on stderr', async () => {
    const result = await makeExecutor(strategy).run(
      'import sys\nprint("a\\udcffb")\nprint("a\\udcffb", file=sys.stderr)',
    );
    expect(result.stdout).toBe('a\ufffdb\n');
    expect(result.stderr).toBe('a\\udcffb\n');
  });

  it('raise as python3 does under errors="strict", and the next call gets the defaults back', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    const strict = await executor.run('import sys\nsys.stdout.reconfigure(errors="strict")\nprint("\\udcff")');
    expect(strict).toMatchObject({ status: 'error', error: { type: 'UnicodeEncodeError' } });
    expect((await executor.run('import sys\nsys.stdout.errors')).value).toBe("'surrogateescape'");
  });

  it('can be detached and wrapped anew', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    const code =
      'import io, os, sys\nsys.stdout = io.TextIOWrapper(sys.stdout.detach(), encoding="utf-8", line_buffering=True)\nos.write(1, b"fd\\n")\nprint("wrapped")';
    expect((await executor.run(code)).stdout).toBe('fd\nwrapped\n');
    expect(await executor.run('print("next")')).toMatchObject({ status: 'ok', stdout: 'next\n' });
  });
});
