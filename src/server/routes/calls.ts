import type { FastifyInstance } from 'fastify';
import { execute, type Service } from '../service.js';
import { EXECUTE_BODY_SCHEMA } from '../wire.js';

/** One-shot calls: execute, stop, the calls running and queued. */
export function callRoutes(app: FastifyInstance, service: Service): void {
  const { executor } = service;
  app.post('/v1/execute', { schema: { body: EXECUTE_BODY_SCHEMA } }, (request, reply) =>
    execute(service, request, reply, (options) => executor.run((request.body as { code: string }).code, options)),
  );
  // A caller sees and stops its own calls only: another caller's id is as unknown as one that never ran.
  app.post<{ Params: { id: string } }>('/v1/executions/:id/stop', async (request) => ({
    stopped: service.calls.get(request.params.id) === request.caller && (await executor.stop(request.params.id)),
  }));
  app.get('/v1/executions', async (request) => {
    const own = (id: string) => service.calls.get(id) === request.caller;
    const status = executor.status();
    const running = status.running.filter((call) => own(call.executionId));
    const runningIds = new Set(running.map((call) => call.executionId));
    const queued = [...service.calls].filter(([id, caller]) => caller === request.caller && !runningIds.has(id)).length;
    return { running, queued };
  });
}
