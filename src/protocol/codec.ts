import { PyExecError } from '../core/errors.js';
import type { HarnessMessage, HostMessage } from './messages.js';
import { unpackTexts } from './packed-text.js';

type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array';
type Schema = Readonly<Record<string, { type: FieldType; optional?: boolean; oneOf?: readonly string[] }>>;

// One schema per harness message: what the host accepts. The shared examples are checked against it.
const HARNESS_SCHEMAS: Readonly<Record<HarnessMessage['type'], Schema>> = {
  hello: {
    protocol: { type: 'number' },
    python: { type: 'string' },
    pid: { type: 'number' },
    executable: { type: 'string' },
  },
  stream: { id: { type: 'string' }, name: { type: 'string', oneOf: ['stdout', 'stderr'] }, text: { type: 'string' } },
  result: {
    id: { type: 'string' },
    status: { type: 'string', oneOf: ['ok', 'error'] },
    stdout: { type: 'string' },
    stderr: { type: 'string' },
    value: { type: 'string', optional: true },
    error: { type: 'object', optional: true },
    figures: { type: 'array' },
    truncated: { type: 'boolean', optional: true },
    exiting: { type: 'boolean', optional: true },
    droppedBytes: { type: 'object', optional: true },
  },
  fault: { message: { type: 'string' }, id: { type: 'string', optional: true } },
  spoiled: { reason: { type: 'string' }, preload: { type: 'array', optional: true } },
  started: { id: { type: 'string' }, pid: { type: 'number' } },
  running: { id: { type: 'string' } },
  exited: {
    pid: { type: 'number' },
    code: { type: 'number', optional: true },
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
    (m.value === undefined || typeof m.value === 'string') &&
    // An `error` result always says which exception (ExecutionResult's union relies on it).
    (m.status === 'error' ? typeOf(m.error) === 'object' : m.error === undefined || typeOf(m.error) === 'object') &&
    (m.truncated === undefined || typeof m.truncated === 'boolean') &&
    (m.exiting === undefined || typeof m.exiting === 'boolean') &&
    (m.droppedBytes === undefined || isDroppedBytes(m.droppedBytes))
  );
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
  }
  if (fields.type === 'result' && fields.droppedBytes !== undefined && !isDroppedBytes(fields.droppedBytes)) {
    throw protocolError('field `droppedBytes` must hold the stdout and stderr counts', line);
  }
  return fields as unknown as HarnessMessage;
}

export function encodeHostMessage(message: HostMessage): string {
  return `${JSON.stringify(message)}\n`;
}
