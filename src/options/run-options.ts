import { randomUUID } from 'node:crypto';
import { PyExecError } from '../core/errors.js';
import { bytesOf, callFilesBytes, expectCallFiles, expectWithinInputLimit, type CallFiles } from './call-files.js';
import type { DisplayOutput, FigureFormat, UpdateOutput } from '../core/results.js';
import type { NormalizedExecutorOptions } from './executor-options.js';
import type { NormalizedLimits } from './limits.js';
import { expectFigureFormats } from './figure-formats.js';
import {
  expectHostFunctions,
  mergeHostFunctions,
  type HostFunction,
  type HostFunctions,
  type InputCallback,
} from './host-functions.js';
import {
  describeValue,
  expectBoolean,
  expectEnvironment,
  expectIntegerOrInfinity,
  expectNonEmptyString,
  expectPlainObject,
  expectWellFormed,
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
  /**
   * The name of the script file the code runs as (`__file__`, `sys.argv[0]`, tracebacks): a plain
   * file name ending in `.py`. @default 'main.py'
   */
  filename?: string;
  /** Arguments the code sees as `sys.argv[1:]`, as `python3 main.py ARGS…` would. @default [] */
  argv?: readonly string[];
  /**
   * What the code reads on standard input (`input()`, `sys.stdin`, fd 0 and so what it starts
   * reads), then end of file: text (as UTF-8) or bytes, up to `limits.maxInputBytes`.
   * @default nothing: stdin is at end of file
   */
  stdin?: string | Uint8Array;
  /**
   * Files written into the call's working directory before it runs: relative path → text (as
   * UTF-8) or bytes. Absolute paths, `..`, empty parts and NUL are refused (INVALID_OPTION).
   * Together with `stdin`, at most `limits.maxInputBytes`. In a session they stay, as anything
   * its calls write; an optimized call given files runs in a directory of its own.
   */
  files?: Readonly<Record<string, string | Uint8Array>>;
  /**
   * Receives each display (and update of one) while the code runs, in order with `onStdout` and
   * `onStderr`; the same items end up in `result.outputs`.
   */
  onDisplay?: (output: DisplayOutput | UpdateOutput) => void;
  /** Formats of this call's matplotlib figures. @default the executor's `figureFormats` */
  figureFormats?: readonly FigureFormat[];
  /**
   * Answers the call's input(), sys.stdin reads and getpass.getpass(), each with its prompt: the
   * line (or a promise of it), or null to end the input (EOFError). A callback that throws or
   * gives something else ends the input too, and is reported on the `error` event. The call
   * waits under its timeout, stop() and signal. Not with `stdin`.
   */
  onInput?: InputCallback;
  /** Host functions for this call, merged over the executor's `functions`. */
  functions?: Readonly<Record<string, HostFunction>>;
  /**
   * Report the files the call creates or changes in its working directory as `result.files`:
   * `true` with every file's contents, an array of globs (Python's fnmatch: `*` also matches
   * `/`; `[]` for none) with the contents of the files they match. Contents are bounded by
   * `limits.maxFileBytes` each and `limits.maxOutputFilesBytes` together.
   */
  collectFiles?: boolean | readonly string[];
  /** Give the result `usage` (see the executor's `measureUsage`). @default the executor's */
  measureUsage?: boolean;
}

export interface NormalizedRunOptions {
  readonly executionId: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly env: Readonly<Record<string, string | null>> | undefined;
  readonly onStdout: ((text: string) => void) | undefined;
  readonly onStderr: ((text: string) => void) | undefined;
  readonly filename: string | undefined;
  readonly argv: readonly string[] | undefined;
  readonly stdin: string | Uint8Array | undefined;
  readonly files: CallFiles | undefined;
  readonly onDisplay: ((output: DisplayOutput | UpdateOutput) => void) | undefined;
  readonly figureFormats: readonly FigureFormat[];
  readonly onInput: InputCallback | undefined;
  readonly functions: HostFunctions | undefined;
  /** undefined: no listing; without `patterns`, every file's contents. */
  readonly collectFiles: CollectFiles | undefined;
  readonly measureUsage: boolean;
}

const RUN_OPTION_KEYS = [
  'executionId',
  'timeoutMs',
  'signal',
  'env',
  'onStdout',
  'onStderr',
  'filename',
  'argv',
  'stdin',
  'files',
  'onDisplay',
  'figureFormats',
  'onInput',
  'functions',
  'collectFiles',
  'measureUsage',
] as const;
// A file name, never a path: the harness puts it in a directory of its own.
const SCRIPT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}\.py$/;

function expectCallback<T extends (...args: never[]) => unknown = (text: string) => void>(
  name: string,
  value: unknown,
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw invalidOption(name, 'a function', value);
  return value as T;
}

export function normalizeRunOptions(input: unknown, executor: NormalizedExecutorOptions): NormalizedRunOptions {
  const options = input === undefined ? {} : expectPlainObject('run options', input);
  rejectUnknownKeys('', options, RUN_OPTION_KEYS);
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidOption('signal', 'an AbortSignal', signal);
  return {
    executionId:
      options.executionId === undefined ? randomUUID() : expectNonEmptyString('executionId', options.executionId),
    timeoutMs:
      options.timeoutMs === undefined ? executor.timeoutMs : expectIntegerOrInfinity('timeoutMs', options.timeoutMs, 1),
    signal,
    env: options.env === undefined ? undefined : expectEnvironment('env', options.env, true),
    onStdout: expectCallback('onStdout', options.onStdout),
    onStderr: expectCallback('onStderr', options.onStderr),
    filename: options.filename === undefined ? undefined : expectScriptName(options.filename),
    argv: options.argv === undefined ? undefined : expectStringList('argv', options.argv),
    ...callInput(options.stdin, options.files, executor.limits.maxInputBytes),
    onDisplay: expectCallback('onDisplay', options.onDisplay),
    figureFormats:
      options.figureFormats === undefined
        ? executor.figureFormats
        : expectFigureFormats('figureFormats', options.figureFormats),
    onInput: expectInputCallback(options.onInput, options.stdin),
    functions: mergeHostFunctions(executor.functions, expectHostFunctions('functions', options.functions)),
    collectFiles: expectCollectFiles(options.collectFiles, executor.limits),
    measureUsage:
      options.measureUsage === undefined ? executor.measureUsage : expectBoolean('measureUsage', options.measureUsage),
  };
}

// What the call is given (stdin, files), within limits.maxInputBytes together.
function callInput(
  stdin: unknown,
  files: unknown,
  maxInputBytes: number,
): { stdin: string | Uint8Array | undefined; files: CallFiles | undefined } {
  if (stdin !== undefined && typeof stdin !== 'string' && !(stdin instanceof Uint8Array))
    throw invalidOption('stdin', 'a string or a Uint8Array', stdin);
  const given = {
    stdin: typeof stdin === 'string' ? expectWellFormed('stdin', stdin) : stdin,
    files: files === undefined ? undefined : expectCallFiles(files),
  };
  const bytes =
    (given.stdin === undefined ? 0 : bytesOf(given.stdin)) +
    (given.files === undefined ? 0 : callFilesBytes(given.files));
  const what = given.files === undefined ? '`stdin`' : given.stdin === undefined ? '`files`' : '`stdin` and `files`';
  expectWithinInputLimit(what, bytes, maxInputBytes);
  return given;
}

/** What the harness is asked to list and return (the run message's `collectFiles`). */
export interface CollectFiles {
  readonly patterns?: readonly string[];
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
}

function expectCollectFiles(value: unknown, limits: NormalizedLimits): CollectFiles | undefined {
  if (value === undefined || value === false) return undefined;
  const bounds = { maxFileBytes: limits.maxFileBytes, maxTotalBytes: limits.maxOutputFilesBytes };
  if (value === true) return bounds;
  if (!Array.isArray(value)) throw invalidOption('collectFiles', 'true, or an array of globs', value);
  return { ...bounds, patterns: expectStringList('collectFiles', value) };
}

function expectInputCallback(value: unknown, stdin: unknown): InputCallback | undefined {
  const callback = expectCallback<InputCallback>('onInput', value);
  if (callback !== undefined && stdin !== undefined)
    throw new PyExecError(
      'INVALID_OPTION',
      'The `onInput` and `stdin` options cannot be combined: stdin is either given or asked for',
    );
  return callback;
}

function expectScriptName(value: unknown): string {
  if (typeof value !== 'string' || !SCRIPT_NAME.test(value))
    throw invalidOption('filename', 'a file name ending in `.py` (no directories)', value);
  return value;
}

// Any strings, the empty one included (an argument may be empty).
function expectStringList(name: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    throw invalidOption(name, 'an array of strings', value);
  value.forEach((item: string, index) => expectWellFormed(`${name}[${index}]`, item));
  return Object.freeze([...value] as string[]);
}

/** The source passed as `run`'s first argument. */
export function expectCode(code: unknown): string {
  if (typeof code !== 'string') {
    const got =
      code instanceof Uint8Array
        ? `a ${Buffer.isBuffer(code) ? 'Buffer' : 'Uint8Array'} of ${code.byteLength} bytes (decode it first: \`buffer.toString('utf8')\`)`
        : describeValue(code);
    throw new PyExecError(
      'INVALID_OPTION',
      `Expected \`code\` (the first argument of run) to be a string of Python source, got ${got}`,
    );
  }
  return expectWellFormed('code', code);
}
