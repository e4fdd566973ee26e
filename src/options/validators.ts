import { PyExecError } from '../core/errors.js';

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
  return new PyExecError(
    'INVALID_OPTION',
    `Expected the \`${name}\` option to be ${expected}, got ${describeValue(value)}`,
  );
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

// Half of a UTF-16 surrogate pair (a string cut between the two halves of an emoji): no UTF-8
// encodes it, so Python could receive it only altered.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throws INVALID_OPTION naming `name` and where, when `text` holds a lone surrogate. */
export function expectWellFormed(name: string, text: string): string {
  const found = LONE_SURROGATE.exec(text);
  if (found !== null) {
    const code = (found[0].codePointAt(0) as number).toString(16).toUpperCase();
    throw new PyExecError(
      'INVALID_OPTION',
      `Expected the \`${name}\` option to be well-formed Unicode, but it holds a lone surrogate (U+${code}) at index ${found.index}: half of a surrogate pair, as when a string is cut inside an emoji`,
    );
  }
  return text;
}

// Environment maps: string values set a variable; in per-call env, `undefined`/`null` unsets it.
export function expectEnvironment(
  name: string,
  value: unknown,
  allowUnset: boolean,
): Readonly<Record<string, string | null>> {
  const entries = Object.entries(expectPlainObject(name, value));
  const result: Record<string, string | null> = {};
  for (const [key, entry] of entries) {
    if (key === '' || key.includes('=') || key.includes('\0'))
      throw invalidOption(`${name}`, 'variable names without `=` or NUL', key);
    expectWellFormed(`${name}`, key);
    if (typeof entry === 'string' && !entry.includes('\0')) result[key] = expectWellFormed(`${name}.${key}`, entry);
    else if (allowUnset && (entry === null || entry === undefined)) result[key] = null;
    else throw invalidOption(`${name}.${key}`, allowUnset ? 'a string, null or undefined' : 'a string', entry);
  }
  return Object.freeze(result);
}

export function rejectUnknownKeys(name: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const nearest = nearestName(key, known);
      const hint = nearest === undefined ? '' : ` Did you mean \`${name ? `${name}.` : ''}${nearest}\`?`;
      throw new PyExecError(
        'INVALID_OPTION',
        `Unknown option \`${name ? `${name}.` : ''}${key}\`.${hint} Known options: ${known.join(', ')}`,
      );
    }
  }
}

// The known name a misspelling most likely meant: case aside, within a third of its length in
// edits (Damerau-Levenshtein's restricted form: a swap of two letters is one edit).
function nearestName(typed: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(typed.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(typed.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[];
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}
