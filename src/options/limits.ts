import {
  expectInteger,
  expectIntegerOrInfinity,
  expectPlainObject,
  expectPositiveNumber,
  rejectUnknownKeys,
} from './validators.js';

/** Resource limits applied to every Python process that runs user code. */
export interface ResourceLimits {
  /**
   * Memory in MiB. Each process gets it as RLIMIT_AS (address space: allocations past it raise
   * MemoryError; virtual memory counts, so allow for BLAS reservations). Where the host may make
   * cgroups (root, or a delegated subtree), the worker's whole process tree is also bound by a
   * memory cgroup: past it the kernel kills a process of the tree (the call ends `crashed`).
   */
  memoryMb?: number;
  /** CPU seconds one call may use (RLIMIT_CPU, re-armed per call); past it the call fails. */
  cpuSeconds?: number;
  /**
   * Bytes kept per stream (stdout and stderr each) per call: past it the stream keeps its first
   * and last halves, with a line saying how many bytes were dropped between them, and the result
   * says `truncated: true` and `droppedBytes`. Also bounds `value`.
   * @default 10485760 (10 MiB)
   */
  maxOutputBytes?: number;
  /**
   * Processes and threads a worker's calls may add to its tree at once: through a pids cgroup
   * where the host may make one (exact, root included); elsewhere RLIMIT_NPROC, which counts all
   * of the user's processes and which Linux does not apply to root.
   */
  maxProcesses?: number;
  /** Largest file user code may write, in MiB (RLIMIT_FSIZE); bigger writes raise OSError. */
  maxFileSizeMb?: number;
  /**
   * Bytes a call may be given (its `stdin`): more is refused with INVALID_OPTION before anything
   * runs. @default 67108864 (64 MiB)
   */
  maxInputBytes?: number;
  /** Largest file whose contents `collectFiles` returns (bigger ones are listed, marked truncated). @default 10485760 (10 MiB) */
  maxFileBytes?: number;
  /** Contents `collectFiles` returns per call, all files together. @default 67108864 (64 MiB) */
  maxOutputFilesBytes?: number;
}

export interface NormalizedLimits {
  readonly memoryMb: number | undefined;
  readonly cpuSeconds: number | undefined;
  readonly maxOutputBytes: number;
  readonly maxProcesses: number | undefined;
  readonly maxFileSizeMb: number | undefined;
  readonly maxInputBytes: number;
  readonly maxFileBytes: number;
  readonly maxOutputFilesBytes: number;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_OUTPUT_FILES_BYTES = 64 * 1024 * 1024;
const LIMIT_KEYS = [
  'memoryMb',
  'cpuSeconds',
  'maxOutputBytes',
  'maxProcesses',
  'maxFileSizeMb',
  'maxInputBytes',
  'maxFileBytes',
  'maxOutputFilesBytes',
] as const;

// Optional limits stay undefined (no limit); only the output and input limits have a default.
export function normalizeLimits(value: unknown): NormalizedLimits {
  const limits = value === undefined ? {} : expectPlainObject('limits', value);
  rejectUnknownKeys('limits', limits, LIMIT_KEYS);
  const optional = <T>(key: string, check: (name: string, v: unknown) => T): T | undefined =>
    limits[key] === undefined ? undefined : check(`limits.${key}`, limits[key]);
  return Object.freeze({
    memoryMb: optional('memoryMb', (n, v) => expectInteger(n, v, 1)),
    cpuSeconds: optional('cpuSeconds', (n, v) => expectInteger(n, v, 1)),
    maxOutputBytes: optional('maxOutputBytes', (n, v) => expectIntegerOrInfinity(n, v, 1)) ?? DEFAULT_MAX_OUTPUT_BYTES,
    maxProcesses: optional('maxProcesses', (n, v) => expectInteger(n, v, 1)),
    maxFileSizeMb: optional('maxFileSizeMb', expectPositiveNumber),
    maxInputBytes: optional('maxInputBytes', (n, v) => expectInteger(n, v, 0)) ?? DEFAULT_MAX_INPUT_BYTES,
    maxFileBytes: optional('maxFileBytes', (n, v) => expectInteger(n, v, 0)) ?? DEFAULT_MAX_FILE_BYTES,
    maxOutputFilesBytes:
      optional('maxOutputFilesBytes', (n, v) => expectInteger(n, v, 0)) ?? DEFAULT_MAX_OUTPUT_FILES_BYTES,
  });
}
