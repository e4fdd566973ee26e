import { PyExecError } from '../core/errors.js';
import {
  expectIntegerOrInfinity,
  expectNonEmptyString,
  expectPlainObject,
  expectStringArray,
  rejectUnknownKeys,
} from '../options/validators.js';

/** Where packages go and where they come from; shared by installPackages and `autoInstall`. */
export interface PackageSource {
  /** A virtual environment directory: created when missing, packages go there. */
  venv?: string;
  /** Or a plain directory (`pip --target`) that workers put on `sys.path`. */
  target?: string;
  /** The package index (PEP 503 simple API). @default pip's own (PyPI, or pip.conf) */
  indexUrl?: string;
  extraIndexUrls?: readonly string[];
  /** Directories or URLs of wheels and sdists (`pip --find-links`). */
  findLinks?: readonly string[];
  /** Use no index at all (only `findLinks`). @default false */
  noIndex?: boolean;
  /** Allow `name @ https://…` requirements. @default false */
  allowUrls?: boolean;
}

export interface InstallOptions extends PackageSource {
  /** Interpreter whose environment receives the packages (a `venv` is made from it). @default PYEXEC_PYTHON ?? 'python3' */
  python?: string;
  /** Launcher prefix pip runs through, as the executor's `command` option. */
  command?: readonly string[];
  /** Time limit of the whole install (ms); past it, INSTALL_TIMEOUT and nothing of pip is left. @default 300000 */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Receives pip's output as it comes. */
  onOutput?: (text: string) => void;
}

export const SOURCE_KEYS = [
  'venv',
  'target',
  'indexUrl',
  'extraIndexUrls',
  'findLinks',
  'noIndex',
  'allowUrls',
] as const;
const INSTALL_KEYS = [...SOURCE_KEYS, 'python', 'command', 'timeoutMs', 'signal', 'onOutput'] as const;

/** A package source with every default filled in. */
export interface NormalizedPackageSource {
  readonly venv: string | undefined;
  readonly target: string | undefined;
  readonly indexUrl: string | undefined;
  readonly extraIndexUrls: readonly string[];
  readonly findLinks: readonly string[];
  readonly noIndex: boolean;
  readonly allowUrls: boolean;
}

export interface NormalizedInstallOptions extends NormalizedPackageSource {
  readonly python: string;
  readonly command: readonly string[];
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly onOutput: ((text: string) => void) | undefined;
}

/** Validates a package source (installPackages' options, or the object form of `autoInstall`). */
export function normalizePackageSource(name: string, source: Record<string, unknown>): NormalizedPackageSource {
  const at = (key: string) => (name ? `${name}.${key}` : key);
  if (source.venv !== undefined && source.target !== undefined) {
    throw new PyExecError('INVALID_OPTION', `Give \`${at('venv')}\` or \`${at('target')}\`, not both`);
  }
  const url = (key: string, value: unknown) => {
    const text = expectNonEmptyString(key, value);
    if (!/^https?:\/\/[^\s]+$/.test(text))
      throw new PyExecError('INVALID_OPTION', `Expected the \`${key}\` option to be an http(s) URL, got \`${text}\``);
    return text;
  };
  const noIndex = source.noIndex;
  if (noIndex !== undefined && typeof noIndex !== 'boolean')
    throw new PyExecError(
      'INVALID_OPTION',
      `Expected the \`${at('noIndex')}\` option to be a boolean, got \`${String(noIndex)}\``,
    );
  const allowUrls = source.allowUrls;
  if (allowUrls !== undefined && typeof allowUrls !== 'boolean')
    throw new PyExecError(
      'INVALID_OPTION',
      `Expected the \`${at('allowUrls')}\` option to be a boolean, got \`${String(allowUrls)}\``,
    );
  return {
    venv: source.venv === undefined ? undefined : expectNonEmptyString(at('venv'), source.venv),
    target: source.target === undefined ? undefined : expectNonEmptyString(at('target'), source.target),
    indexUrl: source.indexUrl === undefined ? undefined : url(at('indexUrl'), source.indexUrl),
    extraIndexUrls:
      source.extraIndexUrls === undefined
        ? []
        : expectStringArray(at('extraIndexUrls'), source.extraIndexUrls).map((value, i) =>
            url(at(`extraIndexUrls[${i}]`), value),
          ),
    findLinks: source.findLinks === undefined ? [] : [...expectStringArray(at('findLinks'), source.findLinks)],
    noIndex: noIndex === true,
    allowUrls: allowUrls === true,
  };
}

export function normalizeInstallOptions(input: unknown): NormalizedInstallOptions {
  const options = input === undefined ? {} : expectPlainObject('options', input);
  rejectUnknownKeys('', options, INSTALL_KEYS);
  const source = normalizePackageSource('', options);
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new PyExecError('INVALID_OPTION', 'Expected the `signal` option to be an AbortSignal');
  const onOutput = options.onOutput;
  if (onOutput !== undefined && typeof onOutput !== 'function')
    throw new PyExecError('INVALID_OPTION', 'Expected the `onOutput` option to be a function');
  return {
    ...source,
    python:
      options.python === undefined
        ? process.env.PYEXEC_PYTHON || 'python3'
        : expectNonEmptyString('python', options.python),
    command: options.command === undefined ? [] : expectStringArray('command', options.command),
    timeoutMs: options.timeoutMs === undefined ? 300_000 : expectIntegerOrInfinity('timeoutMs', options.timeoutMs, 1),
    signal: signal as AbortSignal | undefined,
    onOutput: onOutput as ((text: string) => void) | undefined,
  };
}
