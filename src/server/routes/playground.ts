import type { FastifyInstance } from 'fastify';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { harnessRuntimeDir } from '../../worker/harness-location.js';
import { HttpError } from '../http-errors.js';
import { PLAYGROUND_CSP, PLAYGROUND_HTML } from '../playground-page.js';

/** Where the build puts the page's script (the package's dist/, from src/ and dist/ alike). */
export function playgroundScriptPath(): string {
  return join(dirname(harnessRuntimeDir()), 'dist', 'playground', 'playground.js');
}

/** Routes the page answers without a token: the page itself asks for one when the API wants it. */
export const PLAYGROUND_PATHS = new Set(['/', '/playground.js']);

/** The playground: GET / (the page) and GET /playground.js (its bundled script). */
export function playgroundRoutes(app: FastifyInstance): void {
  let script: Promise<string> | undefined;
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    void reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', PLAYGROUND_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache');
    return PLAYGROUND_HTML;
  });
  app.get('/playground.js', { schema: { hide: true } }, async (_request, reply) => {
    script ??= readFile(playgroundScriptPath(), 'utf8');
    const text = await script.catch(() => {
      script = undefined;
      throw new HttpError(404, 'PLAYGROUND_NOT_BUILT', 'The playground script is not built: run `npm run build`');
    });
    void reply
      .type('text/javascript; charset=utf-8')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache');
    return text;
  });
}
