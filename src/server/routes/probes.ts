import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { harnessRuntimeDir } from '../../worker/harness-location.js';
import type { Service } from '../service.js';

// The package's root holds python-runtime/ and package.json, from the sources and from dist/.
const VERSION = (
  JSON.parse(readFileSync(join(dirname(harnessRuntimeDir()), 'package.json'), 'utf8')) as { version: string }
).version;

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
    version: VERSION,
    uptimeMs: Date.now() - service.state.startedAt,
    ready: service.state.ready && !service.state.draining,
    ...service.executor.status(),
    sessions: service.executor.sessions().length,
  }));
}
