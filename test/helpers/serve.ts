import { createServer, type PyexecServer, type ServerOptions } from '../../src/server/index.js';
import { testPython } from './executors.js';

// The service over a real listening socket (no inject()): what a client sees.
export const TOKEN = 'test-token-0123456789abcdef';
export const OTHER = 'other-token-0123456789abcdef';
const servers: PyexecServer[] = [];

/** A server on a free loopback port; closed by closeServers() unless `closeAfterEach` is false. */
export async function start(
  options: ServerOptions = {},
  closeAfterEach = true,
): Promise<{ url: string; server: PyexecServer }> {
  const server = createServer({
    port: 0,
    drainMs: 2000,
    logLevel: 'warn',
    ...options,
    executor: { python: testPython, ...options.executor },
  });
  if (closeAfterEach) servers.push(server);
  const address = await server.listen();
  return { url: `http://127.0.0.1:${address.port}`, server };
}

export async function closeServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((server) => server.close()));
}

/** A JSON POST, with a bearer token when given. */
export const json = (body: unknown, token?: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

export async function until(check: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 400; tries++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the condition never held');
}
