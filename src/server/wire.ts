import type { ExecutionResult, OutputFile } from '../core/results.js';
import type { RunOptions } from '../options/run-options.js';

/** The body of an execute request (JSON); bytes cross as base64. */
export interface ExecuteBody {
  code: string;
  executionId?: string;
  timeoutMs?: number;
  env?: Record<string, string | null>;
  stdin?: string;
  stdinBase64?: string;
  files?: Record<string, string | { base64: string }>;
  collectFiles?: boolean | string[];
  filename?: string;
  argv?: string[];
  figureFormats?: ('png' | 'svg' | 'pdf')[];
  measureUsage?: boolean;
}

const FILE_VALUE = {
  anyOf: [
    { type: 'string' },
    { type: 'object', required: ['base64'], additionalProperties: false, properties: { base64: { type: 'string' } } },
  ],
};

/** JSON Schema of ExecuteBody: Fastify validates it, and a bad field answers 400 naming it. */
export const EXECUTE_BODY_SCHEMA = {
  type: 'object',
  required: ['code'],
  additionalProperties: false,
  properties: {
    code: { type: 'string' },
    executionId: { type: 'string', minLength: 1, maxLength: 200 },
    timeoutMs: { type: 'integer', minimum: 1 },
    env: { type: 'object', additionalProperties: { type: ['string', 'null'] } },
    stdin: { type: 'string' },
    stdinBase64: { type: 'string' },
    files: { type: 'object', additionalProperties: FILE_VALUE },
    collectFiles: { anyOf: [{ type: 'boolean' }, { type: 'array', items: { type: 'string' } }] },
    filename: { type: 'string' },
    argv: { type: 'array', items: { type: 'string' } },
    figureFormats: { type: 'array', items: { enum: ['png', 'svg', 'pdf'] } },
    measureUsage: { type: 'boolean' },
  },
} as const;

/** The library's run options for a request body (validated by the library as any call's). */
export function runOptionsOf(body: ExecuteBody): RunOptions {
  const options: RunOptions = {};
  if (body.executionId !== undefined) options.executionId = body.executionId;
  if (body.timeoutMs !== undefined) options.timeoutMs = body.timeoutMs;
  if (body.env !== undefined) options.env = body.env;
  if (body.stdin !== undefined) options.stdin = body.stdin;
  if (body.stdinBase64 !== undefined) options.stdin = new Uint8Array(Buffer.from(body.stdinBase64, 'base64'));
  if (body.files !== undefined)
    options.files = Object.fromEntries(
      Object.entries(body.files).map(([path, value]) => [
        path,
        typeof value === 'string' ? value : new Uint8Array(Buffer.from(value.base64, 'base64')),
      ]),
    );
  if (body.collectFiles !== undefined) options.collectFiles = body.collectFiles;
  if (body.filename !== undefined) options.filename = body.filename;
  if (body.argv !== undefined) options.argv = body.argv;
  if (body.figureFormats !== undefined) options.figureFormats = body.figureFormats;
  if (body.measureUsage !== undefined) options.measureUsage = body.measureUsage;
  return options;
}

/** A result as JSON: file contents as base64 (`data`). */
export function resultJson(result: ExecutionResult): unknown {
  if (result.files === undefined) return result;
  return { ...result, files: result.files.map(fileJson) };
}

function fileJson(file: OutputFile): unknown {
  if (file.data === undefined) return file;
  return {
    ...file,
    data: Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength).toString('base64'),
  };
}
