/**
 * Large text fields may cross the channel as base64 of their bytes, where that is shorter than
 * their JSON escape (control characters escape to 6 bytes, emoji to 12; see codec.py): then the
 * channel carries at most about 4/3 of what maxOutputBytes lets through. `utf16le` carries text
 * holding lone surrogates, which UTF-8 cannot.
 */
// Where the harness may pack (codec.py's _PACKED_TEXTS). A Map: a message's type is the harness's word.
const PACKED_FIELDS: ReadonlyMap<unknown, readonly string[]> = new Map([
  ['result', ['stdout', 'stderr', 'value']],
  ['stream', ['text']],
]);
const PACKED_ERROR_FIELDS = ['message', 'traceback'] as const;

/** Replaces packed text fields of a harness message by their text; false if one is malformed. */
export function unpackTexts(fields: Record<string, unknown>): boolean {
  const names = PACKED_FIELDS.get(fields.type);
  if (names === undefined) return true;
  if (!unpackFields(fields, names)) return false;
  const error = fields.error;
  return !isObject(error) || unpackFields(error, PACKED_ERROR_FIELDS);
}

function unpackFields(holder: Record<string, unknown>, names: readonly string[]): boolean {
  for (const name of names) {
    const value = holder[name];
    if (value === undefined || typeof value === 'string') continue;
    const text = isObject(value) ? unpackText(value) : undefined;
    if (text === undefined) return false;
    holder[name] = text;
  }
  return true;
}

function unpackText(packed: Record<string, unknown>): string | undefined {
  if (typeof packed.utf8 === 'string') return Buffer.from(packed.utf8, 'base64').toString('utf8');
  if (typeof packed.utf16le === 'string') return Buffer.from(packed.utf16le, 'base64').toString('utf16le');
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
