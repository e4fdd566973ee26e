import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { messageOf, PyExecError } from '../core/errors.js';
import type { ExecutorOptions } from '../options/executor-options.js';
import { normalizeAllowInstall, type AllowInstallOptions, type InstallPolicy } from './install-policy.js';
import {
  expectBoolean,
  expectInteger,
  expectNonEmptyString,
  expectPlainObject,
  invalidOption,
  rejectUnknownKeys,
} from '../options/validators.js';

/** What `createServer` and `pyexec serve` take: the server's own options and the executor's, verbatim. */
export interface ServerOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 for any free port. @default 8000 */
  port?: number;
  /** Bearer tokens; required on every /v1 route when given, and to listen beyond loopback. */
  tokens?: readonly string[];
  /** Requests per token (or per address without tokens) per window. @default { max: 600, windowMs: 60000 } */
  rateLimit?: { max?: number; windowMs?: number } | false;
  /** Calls one token may have running or queued at once; one more answers 429. @default 16 */
  maxConcurrentPerToken?: number;
  /** Largest request body. @default 80 MiB (above limits.maxInputBytes' 64 MiB, as base64 grows it) */
  maxBodyBytes?: number;
  /** Allowed origins (`true`: any); CORS is off unless given. */
  cors?: boolean | readonly string[];
  /**
   * Lets callers install packages (`POST /v1/packages/install`, MCP `install_packages`) where the
   * workers import from: `true` for any, or `{ allow: [names], indexUrl, … }`. Off: 403.
   */
  allowInstall?: boolean | AllowInstallOptions;
  /** Serves the playground page at GET /. @default true when listening on loopback, else false */
  playground?: boolean;
  /** How long running calls may finish after SIGTERM before they are stopped. @default 10000 */
  drainMs?: number;
  /** pino's level for the one JSON line per request (never the code, never a token). @default PYEXEC_LOG_LEVEL or 'info' */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Options of the executor behind the service, as `createExecutor` takes them. */
  executor?: ExecutorOptions;
}

export interface NormalizedServerOptions {
  readonly host: string;
  readonly port: number;
  readonly tokens: readonly string[];
  readonly rateLimit: { readonly max: number; readonly windowMs: number } | undefined;
  readonly maxConcurrentPerToken: number;
  readonly maxBodyBytes: number;
  readonly cors: boolean | readonly string[];
  readonly drainMs: number;
  readonly allowInstall: InstallPolicy | undefined;
  readonly playground: boolean;
  readonly logLevel: string;
  readonly executor: ExecutorOptions;
}

const KEYS = [
  'host',
  'port',
  'tokens',
  'rateLimit',
  'maxConcurrentPerToken',
  'maxBodyBytes',
  'cors',
  'drainMs',
  'allowInstall',
  'playground',
  'logLevel',
  'executor',
] as const;

export function normalizeServerOptions(input: unknown): NormalizedServerOptions {
  const options = input === undefined ? {} : expectPlainObject('server options', input);
  rejectUnknownKeys('', options, KEYS);
  const host = options.host === undefined ? '127.0.0.1' : expectNonEmptyString('host', options.host);
  const tokens = options.tokens === undefined ? [] : expectTokens('tokens', options.tokens);
  if (tokens.length === 0 && !isLoopback(host))
    throw new PyExecError(
      'INVALID_OPTION',
      `The server refuses to listen on \`${host}\` without tokens: anyone who can reach it could run code. Give \`tokens\` (--tokens-file, PYEXEC_TOKENS) or listen on 127.0.0.1`,
    );
  return Object.freeze({
    host,
    port: options.port === undefined ? 8000 : expectPort(options.port),
    tokens,
    rateLimit: expectRateLimit(options.rateLimit),
    maxConcurrentPerToken:
      options.maxConcurrentPerToken === undefined
        ? 16
        : expectInteger('maxConcurrentPerToken', options.maxConcurrentPerToken, 1),
    maxBodyBytes:
      options.maxBodyBytes === undefined ? 80 * 1024 * 1024 : expectInteger('maxBodyBytes', options.maxBodyBytes, 1),
    cors: expectCors(options.cors),
    drainMs: options.drainMs === undefined ? 10_000 : expectInteger('drainMs', options.drainMs, 0),
    allowInstall: normalizeAllowInstall(options.allowInstall),
    playground: options.playground === undefined ? isLoopback(host) : expectBoolean('playground', options.playground),
    logLevel: expectLogLevel(options.logLevel ?? process.env.PYEXEC_LOG_LEVEL ?? 'info'),
    executor:
      options.executor === undefined ? {} : (expectPlainObject('executor', options.executor) as ExecutorOptions),
  });
}

/** Loopback addresses (and localhost): the only ones a server without tokens listens on. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function expectPort(value: unknown): number {
  const port = expectInteger('port', value, 0);
  if (port > 65535) throw invalidOption('port', 'an integer from 0 to 65535', value);
  return port;
}

function expectTokens(name: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((token) => typeof token === 'string' && /^[\x21-\x7e]{16,}$/.test(token)))
    throw invalidOption(
      name,
      'an array of tokens of 16 or more printable characters without spaces',
      '(tokens are never shown)',
    );
  return Object.freeze([...(value as string[])]);
}

/** Tokens from a file, one per line (blank lines and `#` comments skipped). */
export function readTokensFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PyExecError(
      'INVALID_OPTION',
      `Cannot read the \`tokensFile\` ${JSON.stringify(path)}: ${messageOf(error)}`,
    );
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

function expectRateLimit(value: unknown): NormalizedServerOptions['rateLimit'] {
  if (value === false) return undefined;
  const given = value === undefined ? {} : expectPlainObject('rateLimit', value);
  rejectUnknownKeys('rateLimit', given, ['max', 'windowMs']);
  return Object.freeze({
    max: given.max === undefined ? 600 : expectInteger('rateLimit.max', given.max, 1),
    windowMs: given.windowMs === undefined ? 60_000 : expectInteger('rateLimit.windowMs', given.windowMs, 1),
  });
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function expectLogLevel(value: unknown): string {
  if (typeof value !== 'string' || !LOG_LEVELS.includes(value))
    throw invalidOption('logLevel', `one of ${LOG_LEVELS.join(', ')}`, value);
  return value;
}

function expectCors(value: unknown): boolean | readonly string[] {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return expectBoolean('cors', value);
  if (Array.isArray(value) && value.every((origin) => typeof origin === 'string')) return Object.freeze([...value]);
  throw invalidOption('cors', 'a boolean or an array of origins', value);
}
