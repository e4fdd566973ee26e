import { execa } from 'execa';
import { PyExecError } from '../core/errors.js';
import { launcherArgv, type CommandQuoting } from './launcher-argv.js';
import { inPrivateDirectory } from './private-directory.js';

/** The oldest Python the harness supports (also checked by HARNESS_BOOTSTRAP itself). */
export const MIN_PYTHON: readonly [number, number] = [3, 9];

const PROBE = 'import sys;sys.stdout.write("pyexec-probe %d.%d.%d\\n" % tuple(sys.version_info[:3]))';
const PROBE_TIMEOUT_MS = 10_000;

/**
 * A worker that never said hello: asks the same executable (through the same launcher) what it
 * is, so the error says "not a Python interpreter" or "Python 3.8 is too old" rather than what
 * the failed start happened to show (a JSON parse error, an AttributeError). Runs only on this
 * failure path. Returns `startError` when the interpreter is fine and the start failed otherwise.
 */
export async function explainStartFailure(
  python: string,
  command: readonly string[],
  startError: PyExecError,
  quoting: CommandQuoting = 'none',
): Promise<PyExecError> {
  const [file, args] = launcherArgv(command, quoting, python, ['-I', '-c', PROBE]);
  let output: string;
  try {
    // -I and a private directory: nothing on sys.path that anyone else could have put there.
    const probe = await inPrivateDirectory((cwd) =>
      execa(file, args, {
        reject: false,
        timeout: PROBE_TIMEOUT_MS,
        stdin: 'ignore',
        cwd,
      }),
    );
    output = `${probe.stdout}`;
    // Through a launcher, a probe that failed without a word may be the launcher failing (ssh
    // cannot connect, the container is gone): the start's own error says more than a guess.
    if (command.length > 0 && probe.exitCode !== 0 && !output.includes('pyexec-probe')) return startError;
  } catch {
    return startError;
  }
  const found = /pyexec-probe (\d+)\.(\d+)\.(\d+)/.exec(output);
  const shown = `\`${python}\`${command.length > 0 ? ` (through \`${command.join(' ')}\`)` : ''}`;
  if (found === null) {
    return new PyExecError(
      'PYTHON_UNSUPPORTED',
      `The \`python\` option names ${shown}, which is not a Python interpreter (set \`python\` or PYEXEC_PYTHON)`,
      {
        cause: startError,
      },
    );
  }
  const [major, minor] = [Number(found[1]), Number(found[2])];
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    return new PyExecError(
      'PYTHON_UNSUPPORTED',
      `${shown} is Python ${found[1]}.${found[2]}.${found[3]}; pyexec needs Python ${MIN_PYTHON.join('.')} or newer`,
      { cause: startError },
    );
  }
  return startError;
}
