import { randomUUID } from 'node:crypto';
import type { NormalizedExecutorOptions } from './executor-options.js';
import {
  expectEnvironment,
  expectIntegerOrInfinity,
  expectNonEmptyString,
  expectPlainObject,
  invalidOption,
  rejectUnknownKeys,
} from './validators.js';

/** Options of one `run` call. */
export interface RunOptions {
  /** Id used by `stop`, events and status. Must be unique among pending calls. @default a random UUID */
  executionId?: string;
  /** Time limit of this call in ms (Infinity for none). @default the executor's `timeoutMs` */
  timeoutMs?: number;
  /** Aborting it stops the call and rejects `run` with an `AbortError`. */
  signal?: AbortSignal;
  /** Variables set (string) or unset (null/undefined) in `os.environ` for this call only. */
  env?: Readonly<Record<string, string | null | undefined>>;
  /** Receives stdout text while the code runs. */
  onStdout?: (text: string) => void;
  /** Receives stderr text while the code runs. */
  onStderr?: (text: string) => void;
}

export interface NormalizedRunOptions {
  readonly executionId: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly env: Readonly<Record<string, string | null>> | undefined;
  readonly onStdout: ((text: string) => void) | undefined;
  readonly onStderr: ((text: string) => void) | undefined;
}

const RUN_OPTION_KEYS = ['executionId', 'timeoutMs', 'signal', 'env', 'onStdout', 'onStderr'] as const;

function expectCallback(name: string, value: unknown): ((text: string) => void) | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw invalidOption(name, 'a function', value);
  return value as (text: string) => void;
}

export function normalizeRunOptions(input: unknown, executor: NormalizedExecutorOptions): NormalizedRunOptions {
  const options = input === undefined ? {} : expectPlainObject('run options', input);
  rejectUnknownKeys('', options, RUN_OPTION_KEYS);
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidOption('signal', 'an AbortSignal', signal);
  return {
    executionId: options.executionId === undefined ? randomUUID() : expectNonEmptyString('executionId', options.executionId),
    timeoutMs: options.timeoutMs === undefined ? executor.timeoutMs : expectIntegerOrInfinity('timeoutMs', options.timeoutMs, 1),
    signal,
    env: options.env === undefined ? undefined : expectEnvironment('env', options.env, true),
    onStdout: expectCallback('onStdout', options.onStdout),
    onStderr: expectCallback('onStderr', options.onStderr),
  };
}

export function expectCode(code: unknown): string {
  if (typeof code !== 'string') throw invalidOption('code', 'a string of Python source', code);
  return code;
}
