import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import { createMcpServer } from '../../mcp/mcp-server.js';
import { HttpError } from '../http-errors.js';
import { packageVersion } from '../package-version.js';
import { sessionsOf, type Service } from '../service.js';

/**
 * The MCP server over Streamable HTTP at /mcp (stateless: a server and transport per request),
 * behind the same tokens. A caller's MCP sessions are its sessions: the REST routes reach them
 * too, and no other caller does.
 */
export function mcpRoutes(app: FastifyInstance, service: Service): void {
  app.post('/mcp', { schema: { hide: true } }, async (request, reply) => {
    const release = service.limits.take(request.caller); // an MCP request counts as a call of its caller
    const sessions = sessionsOf(service, request.caller);
    const server = createMcpServer({
      executor: service.executor,
      version: packageVersion(),
      sessions: { get: sessions.get, create: (id) => sessions.create({ id }), list: sessions.list },
      installPolicy: service.installPolicy,
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.raw.on('close', () => {
      release();
      void transport.close();
      void server.close();
    });
    reply.hijack();
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  });
  const stateless = async (): Promise<never> => {
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'This MCP endpoint is stateless: POST only');
  };
  app.get('/mcp', { schema: { hide: true } }, stateless);
  app.delete('/mcp', { schema: { hide: true } }, stateless);
}
