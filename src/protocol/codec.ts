import { PyExecError } from '../core/errors.js';
import type { HarnessMessage, HostMessage } from './messages.js';
import { unpackTexts } from './packed-text.js';

type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array';
interface FieldRule {
  readonly type: FieldType;
  readonly optional?: boolean;
  readonly oneOf?: readonly string[];
  /** What the value must be beyond its JSON type (to full depth), and how to say it. */
  readonly valid?: (value: unknown) => boolean;
  readonly expected?: string;
}
type Schema = Readonly<Record<string, FieldRule>>;

const INTEGER = { type: 'number', valid: Number.isSafeInteger, expected: 'an integer' } as const;

// One schema per harness message: what the host accepts, to full depth (a Python error, a figure
// and a count are what the result's types say they are). The shared examples are checked against
// it, and python-runtime's protocol.py against the same field lists (test/protocol).
export const HARNESS_SCHEMAS: Readonly<Record<HarnessMessage['type'], Schema>> = {
  hello: {
    protocol: INTEGER,
    python: { type: 'string' },
    pid: INTEGER,
    executable: { type: 'string' },
  },
  stream: { id: { type: 'string' }, name: { type: 'string', oneOf: ['stdout', 'stderr'] }, text: { type: 'string' } },
  result: {
    id: { type: 'string' },
    status: { type: 'string', oneOf: ['ok', 'error'] },
    stdout: { type: 'string' },
    stderr: { type: 'string' },
    value: { type: 'string', optional: true },
    error: {
      type: 'object',
      optional: true,
      valid: isPythonError,
      expected: 'a {type, message, traceback} of strings',
    },
    figures: { type: 'array', valid: areBundles, expected: 'a list of MIME bundles' },
    truncated: { type: 'boolean', optional: true },
    exiting: { type: 'boolean', optional: true },
    droppedBytes: { type: 'object', optional: true, valid: isDroppedBytes, expected: 'the stdout and stderr counts' },
    valueJson: { type: 'string', optional: true },
    valueBundle: { type: 'object', optional: true, valid: isBundle, expected: 'MIME types mapped to strings' },
    files: {
      type: 'array',
      optional: true,
      valid: areFileEntries,
      expected: 'a list of {path, type, size, modifiedAt}',
    },
    usage: {
      type: 'object',
      optional: true,
      valid: isUsage,
      expected: 'cpuUserMs, cpuSystemMs and maxRssMb as numbers',
    },
  },
  request: {
    id: { type: 'string' },
    requestId: INTEGER,
    kind: { type: 'string', oneOf: ['input', 'function'] },
    prompt: { type: 'string', optional: true },
    password: { type: 'boolean', optional: true },
    name: { type: 'string', optional: true },
    args: { type: 'string', optional: true },
  },
  display: {
    id: { type: 'string' },
    data: { type: 'object', valid: isBundle, expected: 'MIME types mapped to strings' },
    metadata: { type: 'object' },
    displayId: { type: 'string', optional: true },
    update: { type: 'boolean', optional: true },
    figure: { type: 'boolean', optional: true },
  },
  fault: { message: { type: 'string' }, id: { type: 'string', optional: true } },
  spoiled: {
    reason: { type: 'string' },
    preload: { type: 'array', optional: true, valid: areStrings, expected: 'a list of module names' },
  },
  started: { id: { type: 'string' }, pid: INTEGER },
  running: { id: { type: 'string' } },
  exited: {
    pid: INTEGER,
    code: { ...INTEGER, optional: true },
    signal: { type: 'string', optional: true },
  },
};

function typeOf(value: unknown): FieldType | 'other' {
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  if (type === 'object') return value === null ? 'other' : 'object';
  return type === 'string' || type === 'number' || type === 'boolean' ? type : 'other';
}

function protocolError(detail: string, line: string): PyExecError {
  return new PyExecError(
    'PROTOCOL_ERROR',
    `Invalid message from the Python harness (${detail}): ${line.slice(0, 200)}`,
  );
}

// The per-call message, checked field by field without walking its schema (the hot path).
function isPlainResult(m: Record<string, unknown>): boolean {
  return (
    m.type === 'result' &&
    typeof m.id === 'string' &&
    (m.status === 'ok' || m.status === 'error') &&
    typeof m.stdout === 'string' &&
    typeof m.stderr === 'string' &&
    Array.isArray(m.figures) &&
    m.figures.length === 0 &&
    m.valueBundle === undefined &&
    m.files === undefined &&
    (m.usage === undefined || isUsage(m.usage)) &&
    (m.value === undefined || typeof m.value === 'string') &&
    // An `error` result always says which exception (ExecutionResult's union relies on it).
    (m.status === 'error' ? isPythonError(m.error) : m.error === undefined || isPythonError(m.error)) &&
    (m.truncated === undefined || typeof m.truncated === 'boolean') &&
    (m.exiting === undefined || typeof m.exiting === 'boolean') &&
    (m.droppedBytes === undefined || isDroppedBytes(m.droppedBytes)) &&
    (m.valueJson === undefined || typeof m.valueJson === 'string')
  );
}

function isPythonError(value: unknown): boolean {
  if (typeOf(value) !== 'object') return false;
  const error = value as Record<string, unknown>;
  return typeof error.type === 'string' && typeof error.message === 'string' && typeof error.traceback === 'string';
}

function isUsage(value: unknown): boolean {
  if (typeOf(value) !== 'object') return false;
  const usage = value as Record<string, unknown>;
  return ['cpuUserMs', 'cpuSystemMs', 'maxRssMb'].every(
    (key) => typeof usage[key] === 'number' && (usage[key] as number) >= 0,
  );
}

function areFileEntries(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every((entry: unknown) => {
      if (typeOf(entry) !== 'object') return false;
      const fields = entry as Record<string, unknown>;
      return (
        typeof fields.path === 'string' &&
        (fields.type === 'file' || fields.type === 'symlink') &&
        Number.isSafeInteger(fields.size) &&
        Number.isSafeInteger(fields.modifiedAt) &&
        ['target', 'base64'].every((key) => fields[key] === undefined || typeof fields[key] === 'string') &&
        (fields.truncated === undefined || typeof fields.truncated === 'boolean')
      );
    })
  );
}

function areBundles(value: unknown): boolean {
  return Array.isArray(value) && value.every(isBundle);
}

function isBundle(value: unknown): boolean {
  return typeOf(value) === 'object' && Object.values(value as object).every((item) => typeof item === 'string');
}

function areStrings(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

// Counts of the bytes of each stream the harness dropped between their head and tail.
function isDroppedBytes(value: unknown): boolean {
  if (typeOf(value) !== 'object') return false;
  const counts = value as Record<string, unknown>;
  return (
    Object.keys(counts).length === 2 &&
    ['stdout', 'stderr'].every((name) => Number.isSafeInteger(counts[name]) && (counts[name] as number) >= 0)
  );
}

function parse(line: string): Record<string, unknown> {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch (error) {
    throw protocolError(`not JSON: ${(error as Error).message}`, line);
  }
  if (typeOf(message) !== 'object') throw protocolError('not an object', line);
  return message as Record<string, unknown>;
}

// Parses and checks one line; a harness that speaks anything else is broken, not trusted.
export function decodeHarnessMessage(line: string): HarnessMessage {
  const fields = parse(line);
  if (!unpackTexts(fields)) throw protocolError('a packed text field is malformed', line);
  if (isPlainResult(fields)) return fields as unknown as HarnessMessage;
  const schema = HARNESS_SCHEMAS[fields.type as HarnessMessage['type']];
  if (schema === undefined || !Object.hasOwn(HARNESS_SCHEMAS, fields.type as string)) {
    throw protocolError(`unknown type ${JSON.stringify(fields.type)}`, line);
  }
  for (const [name, rule] of Object.entries(schema)) {
    const value = fields[name];
    if (value === undefined && rule.optional) continue;
    if (typeOf(value) !== rule.type) throw protocolError(`field \`${name}\` must be ${rule.type}`, line);
    if (rule.oneOf && !rule.oneOf.includes(value as string))
      throw protocolError(`field \`${name}\` is ${String(value)}`, line);
    if (rule.valid && !rule.valid(value)) throw protocolError(`field \`${name}\` must be ${rule.expected}`, line);
  }
  if (fields.type === 'result' && fields.status === 'error' && fields.error === undefined) {
    throw protocolError('an error result must say which exception (`error`)', line);
  }
  return fields as unknown as HarnessMessage;
}

export function encodeHostMessage(message: HostMessage): string {
  return `${JSON.stringify(message)}\n`;
}
