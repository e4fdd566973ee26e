import { execa } from 'execa';
import { PyExecError } from '../core/errors.js';
import { inPrivateDirectory } from '../worker/private-directory.js';

/** Where an interpreter lives on the host: what a sandbox must show it, read-only. */
export interface PythonLayout {
  /** The interpreter itself (not a launcher shim, which the sandbox would not show). */
  readonly executable: string;
  /** Its prefixes (standard library, site-packages; a venv's and its base's) and its real directory. */
  readonly directories: readonly string[];
}

const PROBE = [
  'import json, os, sys',
  'real = os.path.realpath(sys.executable)',
  'print(json.dumps([sys.executable, sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, os.path.dirname(real)]))',
].join(';');

// Run once per executor, outside the sandbox, before its first worker starts.
export async function probePythonLayout(python: string): Promise<PythonLayout> {
  // From a private empty directory: `-c` puts the working directory first on sys.path, and Node's
  // may hold a json.py. (No -I: the layout must be the one workers get, PYTHONHOME included.)
  const probe = await inPrivateDirectory((cwd) =>
    execa(python, ['-c', PROBE], { reject: false, timeout: 60_000, cwd }),
  );
  if (
    (probe.failed && (probe.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') ||
    probe.exitCode === 127
  ) {
    throw new PyExecError(
      'PYTHON_NOT_FOUND',
      `Python executable not found: \`${python}\` (set the \`python\` option or PYEXEC_PYTHON)`,
    );
  }
  if (probe.exitCode !== 0) {
    throw new PyExecError(
      'WORKER_START_FAILED',
      `Could not ask \`${python}\` where it lives for the sandbox: ${probe.stderr || probe.shortMessage}`,
    );
  }
  const [executable, ...directories] = JSON.parse(probe.stdout) as string[];
  return Object.freeze({ executable: executable as string, directories: Object.freeze([...new Set(directories)]) });
}
