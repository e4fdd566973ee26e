import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { AddressInfo } from 'node:net';
import { createExecutor } from '../create-executor.js';
import type { PythonExecutor } from '../executors/types.js';
import { TokenCheck } from './auth.js';
import { CallerLimits } from './caller-limits.js';
import { errorBody, HttpError, httpErrorOf } from './http-errors.js';
import { serviceMetrics } from './metrics.js';
import { packageVersion } from './package-version.js';
import { callRoutes } from './routes/calls.js';
import { packageRoutes } from './routes/packages.js';
import { mcpRoutes } from './routes/mcp.js';
import { playgroundRoutes, PLAYGROUND_PATHS } from './routes/playground.js';
import { probeRoutes } from './routes/probes.js';
import { sessionRoutes } from './routes/sessions.js';
import { normalizeServerOptions, type ServerOptions } from './server-options.js';
import type { Service } from './service.js';

/** A running pyexec service: `listen()` once, `close()` drains it. */
export interface PyexecServer {
  /** Starts the executor's workers and listens; resolves with the address it listens on. */
  listen(): Promise<AddressInfo>;
  /**
   * Drains: `/ready` answers 503 and new calls 503 at once, running calls get `drainMs` to end
   * (then they are stopped), sessions are closed, the workers end, the socket closes.
   */
  close(): Promise<void>;
  /** Where it listens (after listen()). */
  readonly address: AddressInfo | undefined;
  readonly executor: PythonExecutor;
  /** The Fastify application (for inject() in tests, or more routes). */
  readonly app: FastifyInstance;
}

const DEFAULT_MAX_QUEUE = 256;

// Probes answer without a token and without counting against a rate limit.
const PROBES = new Set(['/health', '/ready']);
const noPaths = new Set<string>();

/** The engine as an HTTP service (Fastify): see the README's "Serve". */
export function createServer(input: ServerOptions = {}): PyexecServer {
  const options = normalizeServerOptions(input);
  // A service never lets calls wait without bound: past this queue, 503 with Retry-After.
  const executor = createExecutor({ maxQueue: DEFAULT_MAX_QUEUE, ...options.executor });
  const tokens = new TokenCheck(options.tokens);
  // The playground's page and script answer without a token (the page asks for one).
  const open = options.playground ? PLAYGROUND_PATHS : noPaths;
  const service: Service = {
    executor,
    limits: new CallerLimits(options.maxConcurrentPerToken),
    owners: new Map(),
    calls: new Map(),
    state: { ready: false, draining: false, startedAt: Date.now() },
    installPolicy: options.allowInstall,
  };
  // A closed session's id may be taken again, by anyone: it is nobody's any more.
  executor.on('session:end', ({ id, reason }) => {
    if (reason === 'closed' || reason === 'executor-closed') service.owners.delete(id);
  });
  const app = Fastify({
    bodyLimit: options.maxBodyBytes,
    logger: { level: options.logLevel },
    // One line per request (onResponse below) instead of Fastify's two; never the body (code) or a token.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: true, // close() runs after the drain: what is left open then is cut
    // A field of the wrong type or an unknown one is a 400 naming it, never coerced or dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });
  const logsRequests = ['info', 'debug', 'trace'].includes(options.logLevel);
  // Hooks with `done` rather than async ones: every request runs them, and a promise each shows.
  app.addHook('onResponse', (request, reply, done) => {
    if (logsRequests)
      request.log.info(
        {
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
          caller: request.caller,
        },
        'request',
      );
    done();
  });
  app.decorateRequest('caller', '');
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  // CORS first: a preflight carries no token.
  if (options.cors !== false) app.addHook('onRequest', corsHook(options.cors));
  app.addHook('onRequest', (request, _reply, done) => {
    const path = request.url.split('?')[0] ?? '';
    if (PROBES.has(path) || open.has(path)) return done();
    try {
      request.caller = tokens.callerOf(request.headers.authorization, request.ip);
    } catch (error) {
      return done(error as HttpError);
    }
    if (service.state.draining && path.startsWith('/v1/'))
      return done(new HttpError(503, 'DRAINING', 'The server is shutting down', { 'retry-after': '1' }));
    done();
  });
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const answer = fastifyError(error) ?? httpErrorOf(error);
    void reply.code(answer.status).headers(answer.headers).send(errorBody(answer));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody(new HttpError(404, 'NOT_FOUND', `No route ${request.method} ${request.url}`)));
  });
  let registered: Promise<void> | undefined;
  const register = async (): Promise<void> => {
    // Before the routes: it documents every route registered after it.
    await app.register(swagger, {
      openapi: {
        info: { title: 'pyexec', version: packageVersion(), description: 'Python execution as a service' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        security: [{ bearer: [] }],
      },
    });
    if (options.rateLimit !== undefined)
      await app.register(rateLimit, {
        max: options.rateLimit.max,
        timeWindow: options.rateLimit.windowMs,
        enableDraftSpec: true, // RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After
        allowList: (request) => PROBES.has(request.url.split('?')[0] ?? ''),
        keyGenerator: (request) => request.caller || request.ip,
        errorResponseBuilder: (_request, context) =>
          Object.assign(
            new HttpError(429, 'RATE_LIMITED', `Rate limit reached: ${context.max} requests per ${context.after}`),
            { statusCode: 429 },
          ),
      });
    probeRoutes(app, service);
    callRoutes(app, service);
    packageRoutes(app, service);
    sessionRoutes(app, service);
    mcpRoutes(app, service);
    if (options.playground) playgroundRoutes(app);
    const metrics = serviceMetrics(executor);
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      void reply.type(metrics.contentType);
      return metrics.metrics();
    });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  };
  let address: AddressInfo | undefined;
  return {
    get address() {
      return address;
    },
    executor,
    app,
    async listen() {
      registered ??= register();
      await registered;
      await app.listen({ host: options.host, port: options.port });
      address = app.server.address() as AddressInfo;
      void executor.warmUp().then(
        () => (service.state.ready = true),
        (error: unknown) => app.log.error({ err: error }, 'the workers did not start'),
      );
      return address;
    },
    async close() {
      service.state.draining = true;
      await drainCalls(executor, options.drainMs);
      // Calls still running are stopped (their clients get a `stopped` result), then the socket closes.
      await executor.close();
      await app.close();
    },
  };
}

// Running and queued calls get `drainMs` to end by themselves; then close() stops the rest.
async function drainCalls(executor: PythonExecutor, drainMs: number): Promise<void> {
  const deadline = Date.now() + drainMs;
  while (Date.now() < deadline) {
    const status = executor.status();
    if (status.running.length === 0 && status.queued === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Fastify's own errors (a body too large, bad JSON, a schema the body fails) as ours.
function fastifyError(error: FastifyError): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error.validation !== undefined) {
    const [first] = error.validation;
    const field =
      (first?.params as { missingProperty?: string; additionalProperty?: string } | undefined)?.missingProperty ??
      (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty ??
      first?.instancePath.replace(/^\//, '').replaceAll('/', '.');
    return new HttpError(
      400,
      'INVALID_OPTION',
      `Invalid request ${error.validationContext ?? 'body'}: \`${field}\` ${first?.message ?? 'is invalid'}`,
    );
  }
  if (error.statusCode === 413) return new HttpError(413, 'BODY_TOO_LARGE', error.message);
  if (error.statusCode === 429) return new HttpError(429, 'RATE_LIMITED', error.message);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
    return new HttpError(error.statusCode, 'INVALID_REQUEST', error.message);
  return undefined;
}

function corsHook(allowed: true | readonly string[]) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || (allowed !== true && !allowed.includes(origin))) return;
    void reply.header('access-control-allow-origin', origin);
    void reply.header('vary', 'Origin');
    void reply.header('access-control-allow-headers', 'authorization, content-type, accept');
    void reply.header('access-control-allow-methods', 'GET, POST, PUT, DELETE');
    if (request.method === 'OPTIONS') await reply.code(204).send();
  };
}
