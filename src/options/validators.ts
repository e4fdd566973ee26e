import { PyExecError } from '../errors.js';

// Describes a bad value the way messages quote it: `-1` (number).
export function describeValue(value: unknown): string {
  let shown: string;
  try {
    shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    shown = Object.prototype.toString.call(value);
  }
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `\`${shown}\` (${type})`;
}

export function invalidOption(name: string, expected: string, value: unknown): PyExecError {
  return new PyExecError('INVALID_OPTION', `Expected the \`${name}\` option to be ${expected}, got ${describeValue(value)}`);
}

export function expectInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalidOption(name, min === 0 ? 'a non-negative integer' : `an integer >= ${min}`, value);
  }
  return value;
}

// Accepts Infinity as "no bound", for queue sizes and timeouts.
export function expectIntegerOrInfinity(name: string, value: unknown, min: number): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalidOption(name, `an integer >= ${min} or Infinity`, value);
  }
  return value;
}

export function expectPositiveNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidOption(name, 'a positive number', value);
  }
  return value;
}

export function expectBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidOption(name, 'true or false', value);
  return value;
}

export function expectNonEmptyString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidOption(name, 'a non-empty string', value);
  return value;
}

export function expectStringArray(name: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.length > 0)) {
    throw invalidOption(name, 'an array of non-empty strings', value);
  }
  return Object.freeze([...value]);
}

export function expectPlainObject(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidOption(name, 'an object', value);
  }
  return value as Record<string, unknown>;
}

// Environment maps: string values set a variable; in per-call env, `undefined`/`null` unsets it.
export function expectEnvironment(name: string, value: unknown, allowUnset: boolean): Readonly<Record<string, string | null>> {
  const entries = Object.entries(expectPlainObject(name, value));
  const result: Record<string, string | null> = {};
  for (const [key, entry] of entries) {
    if (key === '' || key.includes('=') || key.includes('\0')) throw invalidOption(`${name}`, 'variable names without `=` or NUL', key);
    if (typeof entry === 'string' && !entry.includes('\0')) result[key] = entry;
    else if (allowUnset && (entry === null || entry === undefined)) result[key] = null;
    else throw invalidOption(`${name}.${key}`, allowUnset ? 'a string, null or undefined' : 'a string', entry);
  }
  return Object.freeze(result);
}

export function rejectUnknownKeys(name: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new PyExecError('INVALID_OPTION', `Unknown option \`${name ? `${name}.` : ''}${key}\`; known options: ${known.join(', ')}`);
    }
  }
}
