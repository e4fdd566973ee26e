import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { harnessRuntimeDir } from '../worker/harness-location.js';

let version: string | undefined;

/** This package's version: its root holds python-runtime/ and package.json, from src/ and dist/ alike. */
export function packageVersion(): string {
  version ??= (
    JSON.parse(readFileSync(join(dirname(harnessRuntimeDir()), 'package.json'), 'utf8')) as { version: string }
  ).version;
  return version;
}
