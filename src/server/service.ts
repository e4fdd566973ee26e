import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { ExecutionResult, SessionInfo } from '../core/results.js';
import type { PythonExecutor } from '../executors/types.js';
import type { RunOptions } from '../options/run-options.js';
import type { SessionOptions } from '../options/session-options.js';
import type { Session } from '../sessions/session.js';
import type { CallerLimits } from './caller-limits.js';
import type { InstallPolicy } from './install-policy.js';
import { errorBody, httpErrorOf } from './http-errors.js';
import { EventStream } from './sse.js';
import { resultJson, runOptionsOf, type ExecuteBody } from './wire.js';

/** What the routes share: the executor, the callers' bounds, who owns which session, the state. */
export interface Service {
  readonly executor: PythonExecutor;
  readonly limits: CallerLimits;
  /** Session id → the caller that made it: no other caller reaches it. */
  readonly owners: Map<string, string>;
  /** Execution id of a call running or queued → its caller: only it lists or stops the call. */
  readonly calls: Map<string, string>;
  readonly state: { ready: boolean; draining: boolean; readonly startedAt: number };
  /** What callers may install (`allowInstall`); undefined: nothing. */
  readonly installPolicy: InstallPolicy | undefined;
}

/** The sessions one caller reaches: those it made or forked; another caller's are as unknown as none. */
export interface CallerSessions {
  get(id: string): Session | undefined;
  create(options: SessionOptions): Promise<Session>;
  list(): SessionInfo[];
  /** A session it made another way (a fork's copies) becomes its own too. */
  claim(session: Session): void;
}

export function sessionsOf(service: Service, caller: string): CallerSessions {
  const { executor, owners } = service;
  return {
    get: (id) => (owners.get(id) === caller ? executor.getSession(id) : undefined),
    create: async (options) => {
      const session = await executor.createSession(options);
      owners.set(session.id, caller);
      return session;
    },
    list: () => executor.sessions().filter((info) => owners.get(info.id) === caller),
    claim: (session) => void owners.set(session.id, caller),
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request (a token's number, or the address without tokens). */
    caller: string;
  }
}

/**
 * Runs an execute request with `run` (the executor's or a session's): the result as JSON, or,
 * for `Accept: text/event-stream`, `stdout`, `stderr` and `display` events then `result`. A
 * client that goes away stops its call (no work left running for nobody).
 */
export async function execute(
  service: Service,
  request: FastifyRequest,
  reply: FastifyReply,
  run: (options: RunOptions) => Promise<ExecutionResult>,
): Promise<unknown> {
  const release = service.limits.take(request.caller);
  const options: RunOptions = { ...runOptionsOf(request.body as ExecuteBody), signal: untilDisconnect(reply) };
  options.executionId ??= randomUUID();
  const executionId = options.executionId;
  if (!service.calls.has(executionId)) service.calls.set(executionId, request.caller);
  try {
    if (!wantsEvents(request)) return resultJson(await run(options));
    reply.hijack();
    const stream = new EventStream(reply.raw);
    options.onStdout = (text) => stream.send('stdout', { text });
    options.onStderr = (text) => stream.send('stderr', { text });
    options.onDisplay = (output) => stream.send('display', output);
    try {
      stream.end('result', resultJson(await run(options)));
    } catch (error) {
      stream.end('error', errorBody(httpErrorOf(error)).error);
    }
    return undefined;
  } finally {
    release();
    if (service.calls.get(executionId) === request.caller) service.calls.delete(executionId);
  }
}

/** A signal aborted when the client goes away before its answer is sent. */
export function untilDisconnect(reply: FastifyReply): AbortSignal {
  const gone = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) gone.abort(new Error('the client disconnected'));
  });
  return gone.signal;
}

function wantsEvents(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/event-stream');
}
