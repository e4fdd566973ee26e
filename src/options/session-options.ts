import { randomUUID } from 'node:crypto';
import {
  expectEnvironment,
  expectInteger,
  expectIntegerOrInfinity,
  expectNonEmptyString,
  expectPlainObject,
  expectWellFormed,
  invalidOption,
  rejectUnknownKeys,
} from './validators.js';

/** How long a session lives and how much memory it may hold: per session, or for all (`sessionDefaults`). */
export interface SessionLifeOptions {
  /** Closed after this long without a call (never during one); 0 = never. @default 600_000 */
  idleTimeoutMs?: number;
  /** Closed this long after creation, once the call in progress (if any) has ended. @default none */
  maxLifetimeMs?: number;
  /** Ended when its resident memory passes this after a call. @default the executor's maxRssMb */
  maxRssMb?: number;
}

/** What `executor.createSession` takes. */
export interface SessionOptions extends SessionLifeOptions {
  /** A name of your own; a duplicate rejects SESSION_EXISTS. @default a random UUID */
  id?: string;
  /** Variables set (a string) or unset (null) for the session's whole life, on top of the executor's `env`. */
  env?: Record<string, string | null>;
  /** Returned by `executor.sessions()`, for the application's own bookkeeping. */
  metadata?: Record<string, string>;
}

export interface NormalizedSessionLife {
  readonly idleTimeoutMs: number;
  readonly maxLifetimeMs: number;
  readonly maxRssMb: number | undefined;
}

export interface NormalizedSessionOptions extends NormalizedSessionLife {
  readonly id: string;
  readonly env: Readonly<Record<string, string | null>>;
  readonly metadata: Readonly<Record<string, string>>;
}

const LIFE_KEYS = ['idleTimeoutMs', 'maxLifetimeMs', 'maxRssMb'] as const;
const SESSION_KEYS = ['id', 'env', 'metadata', ...LIFE_KEYS] as const;
const MAX_ID_LENGTH = 200;
const DEFAULT_IDLE_MS = 600_000;

/** `sessionDefaults` of the executor's options, on top of `fallback`. */
export function normalizeSessionLife(
  name: string,
  input: unknown,
  fallback: NormalizedSessionLife,
): NormalizedSessionLife {
  if (input === undefined) return fallback;
  const options = expectPlainObject(name, input);
  rejectUnknownKeys(name, options, LIFE_KEYS);
  return readLife(`${name}.`, options, fallback);
}

// The life fields of `options` (their names shown with `prefix`), `fallback` for those not given.
function readLife(
  prefix: string,
  options: Record<string, unknown>,
  fallback: NormalizedSessionLife,
): NormalizedSessionLife {
  const { idleTimeoutMs, maxLifetimeMs, maxRssMb } = options;
  return Object.freeze({
    idleTimeoutMs:
      idleTimeoutMs === undefined
        ? fallback.idleTimeoutMs
        : expectIntegerOrInfinity(`${prefix}idleTimeoutMs`, idleTimeoutMs, 0),
    maxLifetimeMs:
      maxLifetimeMs === undefined
        ? fallback.maxLifetimeMs
        : expectIntegerOrInfinity(`${prefix}maxLifetimeMs`, maxLifetimeMs, 1),
    maxRssMb: maxRssMb === undefined ? fallback.maxRssMb : expectInteger(`${prefix}maxRssMb`, maxRssMb, 1),
  });
}

/** The life every session gets unless `sessionDefaults` or its own options say otherwise. */
export function defaultSessionLife(executorMaxRssMb: number | undefined): NormalizedSessionLife {
  return Object.freeze({
    idleTimeoutMs: DEFAULT_IDLE_MS,
    maxLifetimeMs: Number.POSITIVE_INFINITY,
    maxRssMb: executorMaxRssMb,
  });
}

/** Validates `createSession`'s options; names the option and the bad value when one is wrong. */
export function normalizeSessionOptions(input: unknown, defaults: NormalizedSessionLife): NormalizedSessionOptions {
  const options = input === undefined ? {} : expectPlainObject('session options', input);
  rejectUnknownKeys('', options, SESSION_KEYS);
  const life = readLife('', options, defaults);
  let id: string = randomUUID();
  if (options.id !== undefined) {
    id = expectWellFormed('id', expectNonEmptyString('id', options.id));
    if (id.length > MAX_ID_LENGTH) throw invalidOption('id', `at most ${MAX_ID_LENGTH} characters`, id);
  }
  const metadata: Record<string, string> = {};
  if (options.metadata !== undefined) {
    for (const [key, value] of Object.entries(expectPlainObject('metadata', options.metadata))) {
      if (typeof value !== 'string') throw invalidOption(`metadata.${key}`, 'a string', value);
      metadata[key] = value;
    }
  }
  return Object.freeze({
    ...life,
    id,
    env: options.env === undefined ? Object.freeze({}) : expectEnvironment('env', options.env, true),
    metadata: Object.freeze(metadata),
  });
}
