import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type PyExecError } from '../core/errors.js';
import {
  expectPlainObject,
  expectStringArray,
  expectIntegerOrInfinity,
  rejectUnknownKeys,
} from '../options/validators.js';
import { createEnvironment, environmentPython } from './environment.js';
import { analyseImports } from './imports.js';
import {
  normalizePackageSource,
  SOURCE_KEYS,
  type NormalizedPackageSource,
  type PackageSource,
} from './install-options.js';
import { installPackages, type InstalledDistribution, type InstallResult } from './install.js';
import { normalizeDistributionName } from './requirements.js';

/** The executor's `autoInstall` option in object form. */
export interface AutoInstallOptions extends PackageSource {
  /**
   * Distributions that may be installed (PEP 503 names compare equal: `PyYAML` = `pyyaml`).
   * Without it, any import a call makes is installed: with model-written code, that is any
   * package the model names, typos and look-alikes of popular packages included.
   */
  allow?: readonly string[];
  /** Time limit of one install (ms), apart from the call's `timeoutMs`. @default 300000 */
  timeoutMs?: number;
}

export interface NormalizedAutoInstall extends NormalizedPackageSource {
  readonly allow: ReadonlySet<string> | undefined;
  readonly timeoutMs: number;
}

const AUTO_INSTALL_KEYS = [...SOURCE_KEYS, 'allow', 'timeoutMs'] as const;

export function normalizeAutoInstall(value: unknown): NormalizedAutoInstall | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true)
    return Object.freeze({ ...normalizePackageSource('autoInstall', {}), allow: undefined, timeoutMs: 300_000 });
  const options = expectPlainObject('autoInstall', value);
  rejectUnknownKeys('autoInstall', options, AUTO_INSTALL_KEYS);
  const source = normalizePackageSource('autoInstall', options);
  const allow =
    options.allow === undefined
      ? undefined
      : new Set(expectStringArray('autoInstall.allow', options.allow).map(normalizeDistributionName));
  const timeoutMs =
    options.timeoutMs === undefined ? 300_000 : expectIntegerOrInfinity('autoInstall.timeoutMs', options.timeoutMs, 1);
  return Object.freeze({
    ...source,
    venv: source.venv === undefined ? undefined : resolve(source.venv),
    target: source.target === undefined ? undefined : resolve(source.target),
    allow,
    timeoutMs,
  });
}

/** The interpreter workers run when `autoInstall.venv` is given: the environment's own. */
export function autoInstallPython(autoInstall: NormalizedAutoInstall | undefined): string | undefined {
  return autoInstall?.venv === undefined ? undefined : environmentPython(autoInstall.venv);
}

export interface AutoInstallEvents {
  started(requirements: string[]): void;
  ended(installed: InstalledDistribution[], error: PyExecError | undefined): void;
}

// A cheap look at the source: the top-level names after `import` / `from`, to skip the Python
// analysis when every one of them is known to be there already.
const IMPORT_STATEMENT = /^[ \t]*(?:import[ \t]+([\w. \t,]+)|from[ \t]+(\w[\w.]*)[ \t]+import\b)/gm;

function candidateModules(code: string): string[] {
  const names: string[] = [];
  for (const match of code.matchAll(IMPORT_STATEMENT)) {
    const listed = match[1] ?? match[2] ?? '';
    for (const part of listed.split(',')) names.push((part.trim().split(/[ \t.]/)[0] ?? '').trim());
  }
  return names.filter(Boolean);
}

/**
 * Installs what a call imports and its interpreter lacks, before the call runs (`autoInstall`).
 * Each install bumps `epoch`; workers refresh their import caches when a call brings a new one.
 */
export class AutoInstaller {
  epoch = 0;
  private readonly present = new Set<string>();
  private environment: Promise<unknown> | undefined;

  constructor(
    private readonly options: NormalizedAutoInstall,
    /** The interpreter workers run (the venv's, with `venv`). */
    private readonly python: string,
    /** The interpreter a `venv` is made from. */
    private readonly basePython: string,
    private readonly command: readonly string[],
  ) {}

  /** Makes the venv or target directory the workers need before the first one starts. */
  ensureEnvironment(): Promise<unknown> {
    this.environment ??= this.makeEnvironment();
    return this.environment;
  }

  private async makeEnvironment(): Promise<void> {
    const { venv, target } = this.options;
    if (venv !== undefined) await createEnvironment(venv, { python: this.basePython, command: this.command });
    else if (target !== undefined) await mkdir(target, { recursive: true });
  }

  // Workers find what was installed into `target` through PYTHONPATH; the analysis must too.
  private searchPaths(): string[] {
    return this.options.target === undefined ? [] : [this.options.target];
  }

  /** Installs what `code` needs; returns what was installed (empty when nothing was missing). */
  async prepare(
    code: string,
    signal: AbortSignal | undefined,
    events: AutoInstallEvents,
  ): Promise<InstalledDistribution[]> {
    await this.ensureEnvironment();
    if (candidateModules(code).every((name) => this.present.has(name))) return [];
    const { imports, missing } = await analyseImports(code, {
      python: this.python,
      command: this.command,
      searchPaths: this.searchPaths(),
    });
    // Only what the analysis looked up is known to be there: the quick look at the source also
    // matches `import x` inside a string, which nobody checked.
    const missingTops = new Set(missing.map(({ module }) => module.split('.')[0]));
    for (const name of imports) if (!missingTops.has(name)) this.present.add(name);
    const { allow } = this.options;
    const wanted = [...new Set(missing.map(({ distribution }) => distribution))].filter(
      (distribution) => allow === undefined || allow.has(normalizeDistributionName(distribution)),
    );
    if (wanted.length === 0) return [];
    return (await this.install(wanted, { signal }, events)).installed;
  }

  /**
   * Installs `requirements` where the workers import from (the venv, the target, or their
   * interpreter's own environment), from this installer's sources unless `options` name others;
   * bumps `epoch`, so that workers look at their import paths afresh.
   */
  async install(
    requirements: string[],
    options: ExecutorInstallOptions,
    events: AutoInstallEvents,
  ): Promise<InstallResult> {
    await this.ensureEnvironment();
    events.started(requirements);
    try {
      const result = await installPackages(requirements, {
        python: this.options.venv === undefined ? this.python : this.basePython,
        command: [...this.command],
        venv: this.options.venv,
        target: this.options.target,
        indexUrl: options.indexUrl ?? this.options.indexUrl,
        extraIndexUrls: options.extraIndexUrls ?? this.options.extraIndexUrls,
        findLinks: options.findLinks ?? this.options.findLinks,
        noIndex: options.noIndex ?? this.options.noIndex,
        timeoutMs: options.timeoutMs ?? this.options.timeoutMs,
        signal: options.signal,
      });
      this.epoch++;
      events.ended(result.installed, undefined);
      return result;
    } catch (error) {
      events.ended([], error as PyExecError);
      throw error;
    }
  }
}

/** `executor.installPackages`' options: where packages come from (they go where the workers import from). */
export interface ExecutorInstallOptions {
  indexUrl?: string;
  extraIndexUrls?: readonly string[];
  findLinks?: readonly string[];
  noIndex?: boolean;
  /** @default autoInstall.timeoutMs, else 300000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}
