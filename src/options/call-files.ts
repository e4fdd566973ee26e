import { PyExecError } from '../core/errors.js';
import { expectPlainObject, expectWellFormed, invalidOption } from './validators.js';

/** Files a call is given: relative path in its working directory → text (as UTF-8) or bytes. */
export type CallFiles = Readonly<Record<string, string | Uint8Array>>;

// A relative path of plain names: no absolute path, no `.` or `..`, no empty part, no NUL.
const MAX_PATH_LENGTH = 4096;

/** `files` as given, checked: every name a relative path inside the working directory. */
export function expectCallFiles(value: unknown): CallFiles {
  const files = expectPlainObject('files', value);
  for (const [path, data] of Object.entries(files)) {
    const problem = pathProblem(path);
    if (problem !== undefined)
      throw new PyExecError(
        'INVALID_OPTION',
        `Expected \`files\` names to be relative paths inside the working directory: ${JSON.stringify(path)} ${problem}`,
      );
    if (typeof data !== 'string' && !(data instanceof Uint8Array))
      throw invalidOption(`files[${JSON.stringify(path)}]`, 'a string or a Uint8Array', data);
    if (typeof data === 'string') expectWellFormed(`files[${JSON.stringify(path)}]`, data);
  }
  return Object.freeze({ ...files }) as CallFiles;
}

/** Bytes `data` holds as it will be written (text as UTF-8). */
export function bytesOf(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

/** Bytes `files` hold, as they will be written. */
export function callFilesBytes(files: CallFiles): number {
  let total = 0;
  for (const data of Object.values(files)) total += bytesOf(data);
  return total;
}

/** Throws INVALID_OPTION naming `what` when `bytes` pass limits.maxInputBytes. */
export function expectWithinInputLimit(what: string, bytes: number, maxInputBytes: number): void {
  if (bytes > maxInputBytes)
    throw new PyExecError(
      'INVALID_OPTION',
      `Expected ${what} to hold at most limits.maxInputBytes (${maxInputBytes}) bytes, got ${bytes}`,
    );
}

/** `path` as a relative path inside a working directory; throws INVALID_OPTION naming `name`. */
export function expectRelativePath(name: string, path: unknown): string {
  if (typeof path !== 'string') throw invalidOption(name, 'a relative path (a string)', path);
  const problem = pathProblem(path);
  if (problem !== undefined)
    throw new PyExecError(
      'INVALID_OPTION',
      `Expected \`${name}\` to be a relative path inside the working directory: ${JSON.stringify(path)} ${problem}`,
    );
  return path;
}

function pathProblem(path: string): string | undefined {
  if (path.length === 0) return 'is empty';
  if (path.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  if (path.includes('\0')) return 'holds a NUL character';
  if (path.startsWith('/')) return 'is absolute';
  const parts = path.split('/');
  if (parts.some((part) => part === '..')) return 'climbs out with `..`';
  if (parts.some((part) => part === '' || part === '.')) return 'has an empty or `.` part';
  return undefined;
}
