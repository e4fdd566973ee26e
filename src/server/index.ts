/** `pyexec/server`: the engine as an HTTP service (Fastify). Apart from the main entry, so an application that only runs code never loads Fastify. */
export { createServer, type PyexecServer } from './create-server.js';
export type { ServerOptions } from './server-options.js';
export type { AllowInstallOptions } from './install-policy.js';
export { serverOptionsFrom } from './config.js';
