import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SessionOptions } from '../../options/session-options.js';
import type { Session } from '../../sessions/session.js';
import { HttpError } from '../http-errors.js';
import { execute, sessionsOf, type Service } from '../service.js';
import { EXECUTE_BODY_SCHEMA } from '../wire.js';

type WithId = { Params: { id: string } };
type WithPath = { Params: { id: string; '*': string } };

const SESSION_BODY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200 },
    idleTimeoutMs: { type: 'integer', minimum: 1 },
    maxLifetimeMs: { type: 'integer', minimum: 1 },
    maxRssMb: { type: 'integer', minimum: 1 },
    env: { type: 'object', additionalProperties: { type: ['string', 'null'] } },
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

/**
 * Sessions over HTTP: each belongs to the caller that made it (another caller's id answers 404,
 * as one that never existed); a lost one answers 410 SESSION_LOST.
 */
export function sessionRoutes(app: FastifyInstance, service: Service): void {
  const own = (request: FastifyRequest & { params: { id: string } }): Session => {
    const session = sessionsOf(service, request.caller).get(request.params.id);
    if (session === undefined)
      throw new HttpError(404, 'SESSION_NOT_FOUND', `No session ${JSON.stringify(request.params.id)}`);
    return session;
  };

  app.post('/v1/sessions', { schema: { body: SESSION_BODY_SCHEMA } }, async (request, reply) => {
    const session = await sessionsOf(service, request.caller).create((request.body ?? {}) as SessionOptions);
    void reply.code(201);
    return session.info();
  });
  app.get('/v1/sessions', async (request) => ({ sessions: sessionsOf(service, request.caller).list() }));
  app.get<WithId>('/v1/sessions/:id', async (request) => own(request).info());
  app.delete<WithId>('/v1/sessions/:id', async (request, reply) => {
    await own(request).close();
    void reply.code(204);
  });
  app.post<WithId>('/v1/sessions/:id/execute', { schema: { body: EXECUTE_BODY_SCHEMA } }, (request, reply) => {
    const session = own(request);
    return execute(service, request, reply, (options) => session.run((request.body as { code: string }).code, options));
  });
  app.post<WithId & { Body: { count?: number } | undefined }>(
    '/v1/sessions/:id/fork',
    {
      schema: {
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { count: { type: 'integer', minimum: 1, maximum: 64 } },
        },
      },
    },
    async (request, reply) => {
      const session = own(request);
      const count = request.body?.count;
      const copies = count === undefined ? [await session.fork()] : await session.fork({ count });
      for (const copy of copies) sessionsOf(service, request.caller).claim(copy);
      void reply.code(201);
      return { sessions: copies.map((copy) => copy.info()) };
    },
  );
  app.post<WithId>('/v1/sessions/:id/restart', async (request) => {
    const session = own(request);
    await session.restart();
    return session.info();
  });
  app.put<WithPath>('/v1/sessions/:id/files/*', async (request, reply) => {
    const data = request.body;
    if (!(data instanceof Buffer))
      throw new HttpError(
        400,
        'INVALID_OPTION',
        'A file is sent as the body, with Content-Type: application/octet-stream',
      );
    await own(request).writeFile(request.params['*'], data);
    void reply.code(204);
  });
  app.get<WithPath>('/v1/sessions/:id/files/*', async (request, reply) => {
    const session = own(request);
    const path = request.params['*'];
    if (path === '' || path.endsWith('/')) return { entries: await session.listFiles(path.replace(/\/$/, '')) };
    void reply.type('application/octet-stream');
    return Buffer.from(await session.readFile(path));
  });
  app.delete<WithPath>('/v1/sessions/:id/files/*', async (request, reply) => {
    await own(request).removeFile(request.params['*']);
    void reply.code(204);
  });
}
