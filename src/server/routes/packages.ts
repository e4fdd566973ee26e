import type { FastifyInstance } from 'fastify';
import { analyseImports } from '../../packages/imports.js';
import { installAllowed } from '../installs.js';
import { untilDisconnect, type Service } from '../service.js';

/** What code imports and lacks; installs, when the server's `allowInstall` permits them. */
export function packageRoutes(app: FastifyInstance, service: Service): void {
  const { executor } = service;
  app.post<{ Body: { code: string } }>(
    '/v1/imports',
    {
      schema: {
        body: {
          type: 'object',
          required: ['code'],
          additionalProperties: false,
          properties: { code: { type: 'string' } },
        },
      },
    },
    async (request) => {
      const { python, command } = executor.options;
      const analysis = await analyseImports(request.body.code, { python, command });
      return { imports: analysis.imports, missing: analysis.missing };
    },
  );
  app.post<{ Body: { requirements: string[] } }>(
    '/v1/packages/install',
    {
      schema: {
        body: {
          type: 'object',
          required: ['requirements'],
          additionalProperties: false,
          properties: {
            requirements: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1 } },
          },
        },
      },
    },
    async (request, reply) => {
      // A client that goes away stops pip (installs take turns: it would hold the others up).
      const signal = untilDisconnect(reply);
      const release = service.limits.take(request.caller);
      try {
        const { installed, durationMs } = await installAllowed(
          executor,
          service.installPolicy,
          request.body.requirements,
          signal,
        );
        return { installed, durationMs };
      } finally {
        release();
      }
    },
  );
}
