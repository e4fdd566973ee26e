import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, realpath } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { PyExecError } from '../errors.js';
import { createEnvironment, describeInterpreter, tail } from './environment.js';
import { normalizeInstallOptions, type InstallOptions, type NormalizedInstallOptions } from './install-options.js';
import { serialized } from './install-queue.js';
import { runPythonTool } from './python-tool.js';
import { validateRequirements } from './requirements.js';

export interface InstalledDistribution {
  name: string;
  version: string;
}

export interface InstallResult {
  /** What this install put in place (already satisfied requirements are not listed). */
  installed: InstalledDistribution[];
  /** The interpreter that ran pip: the venv's when `venv` was given. */
  python: string;
  durationMs: number;
  /** pip's whole output. */
  log: string;
}

/**
 * Installs `requirements` with pip of the chosen interpreter (`python -m pip`, never a shell or
 * sudo), into `venv` (created when missing), into `target`, or into the interpreter's own
 * environment when it is not externally managed (PEP 668). Requirements are validated before
 * pip runs; installs into one environment take turns, across processes too.
 * @example
 * await installPackages(['requests==2.*'], { venv: '/srv/envs/agents', timeoutMs: 120_000 });
 */
export async function installPackages(requirements: string[], options?: InstallOptions): Promise<InstallResult> {
  const normalized = normalizeInstallOptions(options);
  const checked = validateRequirements(requirements, { allowUrls: normalized.allowUrls });
  const started = performance.now();
  const { python, lockDir, targetArgs } = await prepareEnvironment(normalized);
  const environmentKey = resolve(lockDir);
  return serialized(environmentKey, async () => {
    const lockFile = join(lockDir, '.pyexec-install.lock');
    const args = [lockFile, 'install', '--no-input', '--disable-pip-version-check', '--cache-dir', pipCacheDir(), ...targetArgs, ...sourceArgs(normalized), '--', ...checked];
    const result = await runPythonTool('locked_pip', {
      python,
      command: normalized.command,
      args,
      cwd: tmpdir(),
      env: pipEnvironment(),
      timeoutMs: normalized.timeoutMs,
      signal: normalized.signal,
      onOutput: normalized.onOutput,
      timeoutCode: 'INSTALL_TIMEOUT',
    });
    if (result.exitCode !== 0) {
      throw new PyExecError('INSTALL_FAILED', `pip could not install \`${checked.join(' ')}\` (exit code ${result.exitCode}):\n${tail(result.log)}`);
    }
    return { installed: parseInstalled(result.stdout), python, durationMs: performance.now() - started, log: result.log };
  });
}

// Where pip installs, with which interpreter, and where its lock lives.
async function prepareEnvironment(options: NormalizedInstallOptions): Promise<{ python: string; lockDir: string; targetArgs: string[] }> {
  if (options.venv !== undefined) {
    const environment = await createEnvironment(options.venv, { python: options.python, command: options.command });
    return { python: environment.python, lockDir: environment.dir, targetArgs: [] };
  }
  if (options.target !== undefined) {
    const target = resolve(options.target);
    await mkdir(target, { recursive: true });
    // --upgrade: pip --target otherwise refuses to replace what an earlier install put there.
    return { python: options.python, lockDir: await realpath(target), targetArgs: ['--target', target, '--upgrade'] };
  }
  const interpreter = await describeInterpreter(options.python, options.command);
  if (interpreter.externallyManaged) {
    throw new PyExecError(
      'INSTALL_FAILED',
      `\`${options.python}\` is externally managed (PEP 668: its packages belong to the system's package manager). ` +
        'Give `venv` (a virtual environment pyexec creates and fills) or `target` (a directory workers put on sys.path)',
    );
  }
  const lockDir = join(tmpdir(), `pyexec-install-locks-${uid()}`);
  mkdirSync(lockDir, { recursive: true, mode: 0o700 });
  const lockName = createHash('sha256').update(interpreter.prefix).digest('hex').slice(0, 16);
  return { python: interpreter.executable || options.python, lockDir: join(lockDir, lockName), targetArgs: [] };
}

function sourceArgs(options: NormalizedInstallOptions): string[] {
  const args: string[] = [];
  if (options.indexUrl !== undefined) args.push('--index-url', options.indexUrl);
  for (const url of options.extraIndexUrls) args.push('--extra-index-url', url);
  for (const link of options.findLinks) args.push('--find-links', link);
  if (options.noIndex) args.push('--no-index');
  return args;
}

// A cache pip can always write: HOME may be read-only, missing, or another user's.
function pipCacheDir(): string {
  const dir = join(tmpdir(), `pyexec-pip-cache-${uid()}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function pipEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  // Never installs into the user site (`--user`), and never asks anything.
  env.PIP_USER = '0';
  env.PIP_NO_INPUT = '1';
  return env;
}

function uid(): string {
  try {
    return String(userInfo().uid);
  } catch {
    return 'user';
  }
}

// tools/locked_pip.py ends with one line naming what changed, as the metadata spells the names.
const INSTALLED_MARKER = 'pyexec-installed ';

export function parseInstalled(stdout: string): InstalledDistribution[] {
  const line = stdout.split('\n').find((text) => text.startsWith(INSTALLED_MARKER));
  if (line === undefined) return [];
  try {
    return JSON.parse(line.slice(INSTALLED_MARKER.length)) as InstalledDistribution[];
  } catch {
    return [];
  }
}
