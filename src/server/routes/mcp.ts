import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createMcpServer, type McpSessions } from '../../mcp/mcp-server.js';
import { HttpError } from '../http-errors.js';
import { packageVersion } from '../package-version.js';
import type { Service } from '../service.js';

/**
 * The MCP server over Streamable HTTP at /mcp (stateless: a server and transport per request),
 * behind the same tokens. A caller's MCP sessions are its sessions: the REST routes reach them
 * too, and no other caller does.
 */
export function mcpRoutes(app: FastifyInstance, service: Service): void {
  app.post('/mcp', { schema: { hide: true } }, async (request, reply) => {
    const release = service.limits.take(request.caller); // an MCP request counts as a call of its caller
    const server = createMcpServer(service.executor, packageVersion(), callerSessions(service, request));
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

function callerSessions(service: Service, request: FastifyRequest): McpSessions {
  const { executor, owners } = service;
  const caller = request.caller;
  return {
    get: (id) => (owners.get(id) === caller ? executor.getSession(id) : undefined),
    create: async (id) => {
      const session = await executor.createSession({ id });
      owners.set(session.id, caller);
      return session;
    },
    list: () => executor.sessions().filter((info) => owners.get(info.id) === caller),
  };
}
