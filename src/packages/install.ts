import { createHash } from 'node:crypto';
import { mkdir, realpath } from 'node:fs/promises';
import { devNull, tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { PyExecError } from '../core/errors.js';
import type { InstalledDistribution } from '../core/results.js';
import { createEnvironment, describeInterpreter, environmentLockFile, tail } from './environment.js';
import { normalizeInstallOptions, type InstallOptions, type NormalizedInstallOptions } from './install-options.js';
import { serialized } from './install-queue.js';
import { runPythonTool } from './python-tool.js';
import { ownPrivateDirectory } from './shared-directory.js';
import { validateRequirements } from './requirements.js';

export type { InstalledDistribution };

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
  const { python, lockFile, targetArgs } = await prepareEnvironment(normalized);
  return serialized(lockFile, async () => {
    const cache = pipCache(normalized.onOutput);
    const args = [
      lockFile,
      'install',
      '--no-input',
      '--disable-pip-version-check',
      ...cache,
      ...targetArgs,
      ...sourceArgs(normalized),
      '--',
      ...checked,
    ];
    const result = await runPythonTool('locked_pip', {
      python,
      command: normalized.command,
      args,
      env: pipEnvironment(),
      timeoutMs: normalized.timeoutMs,
      signal: normalized.signal,
      onOutput: normalized.onOutput,
      timeoutCode: 'INSTALL_TIMEOUT',
    });
    if (result.exitCode !== 0) {
      throw new PyExecError('INSTALL_FAILED', describeFailure(checked, result.exitCode, result.log));
    }
    return {
      installed: parseInstalled(result.stdout),
      python,
      durationMs: performance.now() - started,
      log: result.log,
    };
  });
}

// Where pip installs, with which interpreter, and which lock file installs there take.
async function prepareEnvironment(
  options: NormalizedInstallOptions,
): Promise<{ python: string; lockFile: string; targetArgs: string[] }> {
  if (options.venv !== undefined) {
    const environment = await createEnvironment(options.venv, { python: options.python, command: options.command });
    return { python: environment.python, lockFile: environmentLockFile(environment.dir), targetArgs: [] };
  }
  if (options.target !== undefined) {
    const target = resolve(options.target);
    await mkdir(target, { recursive: true });
    // --upgrade: pip --target otherwise refuses to replace what an earlier install put there.
    return {
      python: options.python,
      lockFile: environmentLockFile(await realpath(target)),
      targetArgs: ['--target', target, '--upgrade'],
    };
  }
  const interpreter = await describeInterpreter(options.python, options.command);
  if (interpreter.externallyManaged) {
    throw new PyExecError(
      'INSTALL_FAILED',
      `\`${options.python}\` is externally managed (PEP 668: its packages belong to the system's package manager). ` +
        'Give `venv` (a virtual environment pyexec creates and fills) or `target` (a directory workers put on sys.path)',
    );
  }
  // The interpreter's own environment may not be ours to write a lock file in: one lock file per
  // environment (by its prefix) in a directory of this user's.
  const lockName = createHash('sha256').update(interpreter.prefix).digest('hex').slice(0, 16);
  return {
    python: interpreter.executable || options.python,
    lockFile: join(locksRoot(), `${lockName}.lock`),
    targetArgs: [],
  };
}

function locksRoot(): string {
  return ownPrivateDirectory(join(tmpdir(), `pyexec-install-locks-${uid()}`), 'the install lock directory');
}

function sourceArgs(options: NormalizedInstallOptions): string[] {
  const args: string[] = [];
  if (options.indexUrl !== undefined) args.push('--index-url', options.indexUrl);
  for (const url of options.extraIndexUrls) args.push('--extra-index-url', url);
  for (const link of options.findLinks) args.push('--find-links', link);
  if (options.noIndex) args.push('--no-index');
  return args;
}

// A cache pip can always write (HOME may be read-only, missing, or another user's), and only
// ours: a cache another user made first could hand us their wheels. Without one, no cache.
function pipCache(onOutput: ((text: string) => void) | undefined): string[] {
  try {
    return ['--cache-dir', ownPrivateDirectory(join(tmpdir(), `pyexec-pip-cache-${uid()}`), "pip's cache directory")];
  } catch (error) {
    onOutput?.(`pyexec: installing without a cache: ${(error as Error).message}\n`);
    return ['--no-cache-dir'];
  }
}

// Settings of pip's that add nothing to where packages come from: kept from the environment.
const PIP_SETTINGS_KEPT = new Set([
  'PIP_CERT',
  'PIP_CLIENT_CERT',
  'PIP_PROXY',
  'PIP_TIMEOUT',
  'PIP_DEFAULT_TIMEOUT',
  'PIP_RETRIES',
  'PIP_TRUSTED_HOST',
]);

/**
 * The environment pip runs with: the caller's sources are the only sources, so no configuration
 * file (/etc/pip.conf, ~/.config/pip/pip.conf) is read and no other PIP_* variable (an
 * index, find-links) is passed on.
 */
function pipEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && (!key.startsWith('PIP_') || PIP_SETTINGS_KEPT.has(key))) env[key] = value;
  }
  env.PIP_CONFIG_FILE = devNull;
  // Never installs into the user site (`--user`), and never asks anything.
  env.PIP_USER = '0';
  env.PIP_NO_INPUT = '1';
  return env;
}

// pip's own verdict first (its ERROR lines), then the end of its output without its retry
// warnings or the helper's own report line.
function describeFailure(requirements: string[], exitCode: number | null, log: string): string {
  const lines = log
    .split('\n')
    .filter((line) => !line.startsWith(INSTALLED_MARKER) && !/^WARNING: Retrying/.test(line));
  const errors = lines.filter((line) => line.startsWith('ERROR:'));
  const summary = errors.length > 0 ? errors.join('\n') : 'pip gave no error line';
  return `pip could not install \`${requirements.join(' ')}\` (exit code ${exitCode}): ${summary}\n\npip's output, last lines:\n${tail(lines.join('\n'))}`;
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
