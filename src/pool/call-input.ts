import type { NormalizedRunOptions } from '../options/run-options.js';
import type { RunMessage } from '../protocol/messages.js';

/** `data` (text as UTF-8, or bytes) as base64, as bytes cross the protocol. */
export function base64Of(data: string | Uint8Array): string {
  const bytes =
    typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return bytes.toString('base64');
}

/** The run message's fields for what a call is given: its `stdin` and `files` (text as is, bytes as base64). */
export function inputFields(
  given: Pick<NormalizedRunOptions, 'stdin' | 'files'>,
): Pick<RunMessage, 'stdin' | 'stdinBase64' | 'files'> {
  const fields: Pick<RunMessage, 'stdin' | 'stdinBase64' | 'files'> = {};
  const { stdin, files } = given;
  if (typeof stdin === 'string') fields.stdin = stdin;
  else if (stdin !== undefined) fields.stdinBase64 = base64Of(stdin);
  if (files !== undefined)
    fields.files = Object.entries(files).map(([path, data]) =>
      typeof data === 'string' ? { path, text: data } : { path, base64: base64Of(data) },
    );
  return fields;
}
