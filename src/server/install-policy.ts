import type { ExecutorInstallOptions } from '../packages/auto-install.js';
import { normalizeDistributionName } from '../packages/requirements.js';
import { normalizePackageSource } from '../packages/install-options.js';
import {
  expectIntegerOrInfinity,
  expectPlainObject,
  expectStringArray,
  invalidOption,
  rejectUnknownKeys,
} from '../options/validators.js';

/** The server's `allowInstall`: which distributions callers may install, and from where. */
export interface AllowInstallOptions {
  /**
   * Distributions callers may install (PEP 503 names compare equal). Without it any package on
   * the index may be installed by any caller: give it whenever callers are not all trusted.
   */
  allow?: readonly string[];
  indexUrl?: string;
  extraIndexUrls?: readonly string[];
  findLinks?: readonly string[];
  noIndex?: boolean;
  /** Time limit of one install (ms). @default 300000 */
  timeoutMs?: number;
}

export interface InstallPolicy {
  /** Normalized names; undefined: any. */
  readonly allow: ReadonlySet<string> | undefined;
  /** Where packages come from (the executor's installPackages validates these). */
  readonly source: ExecutorInstallOptions;
}

const KEYS = ['allow', 'indexUrl', 'extraIndexUrls', 'findLinks', 'noIndex', 'timeoutMs'] as const;

/** undefined: installs are refused (403), the default. */
export function normalizeAllowInstall(value: unknown): InstallPolicy | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return Object.freeze({ allow: undefined, source: {} });
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidOption('allowInstall', 'a boolean or an object { allow, indexUrl, … }', value);
  const options = expectPlainObject('allowInstall', value);
  rejectUnknownKeys('allowInstall', options, KEYS);
  // Checked now: a bad index URL stops the server from starting, not the first install.
  const { indexUrl, extraIndexUrls, findLinks, noIndex } = normalizePackageSource('allowInstall', options);
  const source: ExecutorInstallOptions = { indexUrl, extraIndexUrls, findLinks, noIndex };
  if (options.timeoutMs !== undefined)
    source.timeoutMs = expectIntegerOrInfinity('allowInstall.timeoutMs', options.timeoutMs, 1);
  return Object.freeze({
    allow:
      options.allow === undefined
        ? undefined
        : new Set(expectStringArray('allowInstall.allow', options.allow).map(normalizeDistributionName)),
    source: Object.freeze(source),
  });
}
