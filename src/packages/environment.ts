import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PyExecError } from '../core/errors.js';
import { serialized } from './install-queue.js';
import { runPythonTool } from './python-tool.js';

// `venv` installs pip with ensurepip: seconds, more on a busy machine.
const VENV_TIMEOUT_MS = 300_000;

export interface EnvironmentOptions {
  /** The interpreter the environment is made from. @default process.env.PYEXEC_PYTHON ?? 'python3' */
  python?: string;
  /** Let the environment see the interpreter's own packages too. @default false */
  systemSitePackages?: boolean;
  /** A launcher prefix, as the executor's `command` option: the environment is made through it. */
  command?: readonly string[];
}

export interface Environment {
  /** The environment's directory (absolute). */
  dir: string;
  /** Its interpreter: give it to an executor's `python` option, or to installPackages. */
  python: string;
}

/** What installPackages must know of an interpreter before installing into it. */
export interface InterpreterEnvironment {
  externallyManaged: boolean;
  virtual: boolean;
  prefix: string;
  executable: string;
}

export function defaultPython(): string {
  return process.env.PYEXEC_PYTHON || 'python3';
}

/** The interpreter inside virtual environment `dir`. */
export function environmentPython(dir: string): string {
  return join(resolve(dir), 'bin', 'python');
}

/**
 * Makes a virtual environment at `dir` with `python -m venv` (pip included), or returns the one
 * already there. Give its `python` to an executor, or install into it with installPackages.
 * @example
 * const env = await createEnvironment('/srv/envs/analysis');
 * await installPackages(['pandas==2.2.*'], { venv: env.dir });
 * const executor = createExecutor({ python: env.python });
 */
export async function createEnvironment(dir: string, options: EnvironmentOptions = {}): Promise<Environment> {
  if (typeof dir !== 'string' || dir.trim() === '') {
    throw new PyExecError('INVALID_OPTION', `Expected \`dir\` to be a directory path, got \`${String(dir)}\``);
  }
  const absolute = resolve(dir);
  const python = environmentPython(absolute);
  // Under the lock installs into it take (in this process, and across processes by the file
  // lock): concurrent calls never run two `venv` over one directory, nor install into a half-made one.
  return serialized(environmentLockFile(absolute), async () => {
    await mkdir(absolute, { recursive: true });
    const base = options.python ?? defaultPython();
    const made = await runPythonTool('locked_venv', {
      python: base,
      command: options.command,
      args: [
        environmentLockFile(absolute),
        absolute,
        ...(options.systemSitePackages ? ['--system-site-packages'] : []),
      ],
      timeoutMs: VENV_TIMEOUT_MS,
      timeoutCode: 'INSTALL_TIMEOUT',
    });
    if (made.exitCode !== 0) {
      const hint = /ensurepip|venv/.test(made.log) ? ' (on Debian: apt-get install python3-venv)' : '';
      throw new PyExecError(
        'INSTALL_FAILED',
        `Could not create a virtual environment at \`${absolute}\` with \`${base}\`${hint}:\n${tail(made.log)}`,
      );
    }
    return { dir: absolute, python };
  });
}

/** The lock file that installs into (and the creation of) the environment at `dir` take. */
export function environmentLockFile(dir: string): string {
  return join(dir, '.pyexec-install.lock');
}

/** Asks `python` (through `command`, if any) about its environment. */
export async function describeInterpreter(
  python: string,
  command?: readonly string[],
): Promise<InterpreterEnvironment> {
  const result = await runPythonTool('environment_info', {
    python,
    command,
    timeoutMs: 30_000,
    timeoutCode: 'WORKER_START_FAILED',
  });
  try {
    return JSON.parse(result.stdout) as InterpreterEnvironment;
  } catch {
    throw new PyExecError(
      'PYTHON_UNSUPPORTED',
      `\`${python}\` did not answer as a Python interpreter:\n${tail(result.log)}`,
    );
  }
}

/** The last lines of a tool's output, for an error message. */
export function tail(text: string, lines = 25): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
