import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import {
  expectBoolean,
  expectEnvironment,
  expectPlainObject,
  expectStringArray,
  invalidOption,
  rejectUnknownKeys,
} from '../options/validators.js';

/** What sandboxed code may reach beyond Python itself; see docs/SECURITY.md. */
export interface SandboxOptions {
  /** Reach the host's network (otherwise only a loopback of its own). @default false */
  network?: boolean;
  /** Host paths (absolute) the code may read, mounted read-only at the same place. @default [] */
  readOnlyPaths?: readonly string[];
  /** Host paths (absolute) the code may write, mounted read-write at the same place. @default [] */
  writablePaths?: readonly string[];
  /** Variables of the sandboxed environment, beside PATH, HOME and LANG (nothing of Node's is passed). @default {} */
  env?: Readonly<Record<string, string>>;
}

export interface NormalizedSandbox {
  readonly network: boolean;
  readonly readOnlyPaths: readonly string[];
  readonly writablePaths: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

const SANDBOX_KEYS = ['network', 'readOnlyPaths', 'writablePaths', 'env'] as const;

export function normalizeSandbox(value: unknown): NormalizedSandbox | undefined {
  if (value === undefined || value === false) return undefined;
  const options = value === true ? {} : expectPlainObject('sandbox', value);
  rejectUnknownKeys('sandbox', options, SANDBOX_KEYS);
  return Object.freeze({
    network: options.network === undefined ? false : expectBoolean('sandbox.network', options.network),
    readOnlyPaths: absolutePaths('sandbox.readOnlyPaths', options.readOnlyPaths),
    writablePaths: absolutePaths('sandbox.writablePaths', options.writablePaths),
    env:
      options.env === undefined
        ? Object.freeze({})
        : (expectEnvironment('sandbox.env', options.env, false) as Record<string, string>),
  });
}

function absolutePaths(name: string, value: unknown): readonly string[] {
  if (value === undefined) return Object.freeze([]);
  const paths = expectStringArray(name, value);
  const relative = paths.find((path) => !isAbsolute(path));
  if (relative !== undefined) throw invalidOption(name, 'absolute paths', relative);
  // bubblewrap refuses to start without them, and would say so only from the first worker.
  const missing = paths.find((path) => !existsSync(path));
  if (missing !== undefined) throw invalidOption(name, 'paths that exist on this machine', missing);
  return paths;
}
