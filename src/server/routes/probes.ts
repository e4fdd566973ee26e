import type { FastifyInstance } from 'fastify';
import { packageVersion } from '../package-version.js';
import type { Service } from '../service.js';

/** Liveness, readiness (for probes, without a token) and the service's status (with one). */
export function probeRoutes(app: FastifyInstance, service: Service): void {
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const { ready, draining } = service.state;
    const workers = service.executor.status().workers.length;
    if (ready && !draining && workers > 0) return { status: 'ready' };
    void reply.code(503).header('retry-after', '1');
    return { status: draining ? 'draining' : 'starting' };
  });
  app.get('/status', async () => ({
    version: packageVersion(),
    uptimeMs: Date.now() - service.state.startedAt,
    ready: service.state.ready && !service.state.draining,
    ...service.executor.status(),
    sessions: service.executor.sessions().length,
  }));
}
