import type { NormalizedRunOptions } from '../options/run-options.js';
import type { RunMessage } from '../protocol/messages.js';

/** `data` (text as UTF-8, or bytes) as base64, as bytes cross the protocol. */
export function base64Of(data: string | Uint8Array): string {
  const bytes =
    typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return bytes.toString('base64');
}

/** Adds to a call's run message what its options ask of the harness (most calls: nothing). */
export function addOptionFields(message: RunMessage, options: NormalizedRunOptions): void {
  if (options.env) message.env = options.env;
  if (options.filename !== undefined) message.filename = options.filename;
  if (options.argv !== undefined) message.argv = options.argv;
  if (options.figureFormats.length !== 1 || options.figureFormats[0] !== 'png')
    message.figureFormats = options.figureFormats;
  if (options.onInput !== undefined) message.input = true;
  if (options.functions !== undefined) message.functions = Object.keys(options.functions);
  if (options.collectFiles !== undefined) message.collectFiles = options.collectFiles;
  if (options.measureUsage) message.usage = true;
  if (options.stdin !== undefined || options.files !== undefined) Object.assign(message, inputFields(options));
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
