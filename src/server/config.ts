import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { messageOf, PyExecError } from '../core/errors.js';
import type { ExecutorOptions } from '../options/executor-options.js';
import { readTokensFile, type ServerOptions } from './server-options.js';

// Keys of a config file that are the server's; every other key is an executor option, taken
// verbatim (createExecutor validates it and names a bad one).
const SERVER_KEYS = new Set([
  'logLevel',
  'host',
  'port',
  'tokens',
  'tokensFile',
  'rateLimit',
  'maxConcurrentPerToken',
  'maxBodyBytes',
  'cors',
  'drainMs',
  'allowInstall',
  'playground',
]);

const FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  config: { type: 'string' },
  'tokens-file': { type: 'string' },
  strategy: { type: 'string' },
  'pool-size': { type: 'string' },
  sandbox: { type: 'boolean' },
  python: { type: 'string' },
  'timeout-ms': { type: 'string' },
  playground: { type: 'boolean' },
} as const;

/**
 * The options of `pyexec serve` from its flags, the environment (PYEXEC_HOST, PYEXEC_PORT,
 * PYEXEC_TOKENS comma-separated, PYEXEC_TOKENS_FILE, PYEXEC_CONFIG, PYEXEC_STRATEGY,
 * PYEXEC_POOL_SIZE, PYEXEC_TIMEOUT_MS, PYEXEC_SANDBOX) and a JSON config file, in that order of
 * precedence. A bad flag or file throws INVALID_OPTION naming it.
 */
export function serverOptionsFrom(argv: readonly string[], env: NodeJS.ProcessEnv): ServerOptions {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    throw new PyExecError('INVALID_OPTION', `pyexec serve: ${messageOf(error)}`);
  }
  const file = flags.config ?? env.PYEXEC_CONFIG;
  const server: Record<string, unknown> = {};
  const executor: Record<string, unknown> = {};
  if (file !== undefined)
    for (const [key, value] of Object.entries(readConfigFile(file)))
      (SERVER_KEYS.has(key) ? server : executor)[key] = value;
  const pick = (flag: string | boolean | undefined, variable: string | undefined) => flag ?? variable;
  const host = pick(flags.host, env.PYEXEC_HOST);
  if (host !== undefined) server.host = host;
  const port = pick(flags.port, env.PYEXEC_PORT);
  if (port !== undefined) server.port = integerFrom('--port', port);
  if (env.PYEXEC_TOKENS !== undefined) server.tokens = env.PYEXEC_TOKENS.split(',').map((token) => token.trim());
  const tokensFile = pick(flags['tokens-file'], env.PYEXEC_TOKENS_FILE) ?? server.tokensFile;
  delete server.tokensFile;
  if (tokensFile !== undefined) {
    if (typeof tokensFile !== 'string')
      throw new PyExecError('INVALID_OPTION', 'The `tokensFile` option must be a path');
    server.tokens = [...((server.tokens as string[] | undefined) ?? []), ...readTokensFile(tokensFile)];
  }
  const strategy = pick(flags.strategy, env.PYEXEC_STRATEGY);
  if (strategy !== undefined) executor.strategy = strategy;
  const poolSize = pick(flags['pool-size'], env.PYEXEC_POOL_SIZE);
  if (poolSize !== undefined) executor.poolSize = integerFrom('--pool-size', poolSize);
  const timeoutMs = pick(flags['timeout-ms'], env.PYEXEC_TIMEOUT_MS);
  if (timeoutMs !== undefined) executor.timeoutMs = integerFrom('--timeout-ms', timeoutMs);
  if (flags.python !== undefined) executor.python = flags.python;
  if (flags.playground !== undefined) server.playground = flags.playground;
  if (flags.sandbox === true || env.PYEXEC_SANDBOX === '1' || env.PYEXEC_SANDBOX === 'true') executor.sandbox = true;
  return { ...server, executor: executor as ExecutorOptions };
}

function parseFlags(argv: readonly string[]) {
  // allowNegative: --no-playground.
  return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false, allowNegative: true })
    .values;
}

function integerFrom(name: string, text: string | boolean): number {
  const value = Number(text);
  if (typeof text !== 'string' || !/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value))
    throw new PyExecError('INVALID_OPTION', `Expected \`${name}\` to be an integer, got ${JSON.stringify(text)}`);
  return value;
}

function readConfigFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new PyExecError('INVALID_OPTION', `Cannot read the config file ${JSON.stringify(path)}: ${messageOf(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new PyExecError('INVALID_OPTION', `The config file ${JSON.stringify(path)} must hold a JSON object`);
  return parsed as Record<string, unknown>;
}
