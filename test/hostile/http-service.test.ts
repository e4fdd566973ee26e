import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type PyexecServer } from '../../src/server/index.js';
import { testPython } from '../helpers/executors.js';

// What one tenant of the service can do to another, and what a request can do to the server.
const ALICE = 'alice-token-0123456789abcdef';
const MALLORY = 'mallory-token-0123456789abcdef';
let server: PyexecServer;
let url: string;

beforeAll(async () => {
  server = createServer({
    logLevel: 'warn',
    port: 0,
    tokens: [ALICE, MALLORY],
    rateLimit: false,
    executor: { python: testPython, poolSize: 2 },
  });
  url = `http://127.0.0.1:${(await server.listen()).port}`;
});
afterAll(() => server.close());

const post = (path: string, body: unknown, token: string, extra: Record<string, string> = {}) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...extra },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('the HTTP service against a hostile tenant', () => {
  it("cannot list or stop another tenant's call, even knowing its id", async () => {
    const running = post(
      '/v1/execute',
      { code: 'import time\ntime.sleep(1)\n"alice finished"', executionId: 'alice-1' },
      ALICE,
    );
    for (let tries = 0; server.executor.status().running.length === 0; tries++) {
      if (tries > 400) throw new Error('never ran');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const seen = (await (
      await fetch(`${url}/v1/executions`, { headers: { authorization: `Bearer ${MALLORY}` } })
    ).json()) as { running: unknown[] };
    expect(seen.running).toEqual([]);
    expect(await (await post('/v1/executions/alice-1/stop', {}, MALLORY)).json()).toEqual({ stopped: false });
    expect(((await (await running).json()) as { value: string }).value).toBe("'alice finished'");
  });

  it("cannot reach another tenant's session: not listed, not run in, not forked, not its files", async () => {
    const created = await post('/v1/sessions', { id: 'alice-notes' }, ALICE);
    expect(created.status).toBe(201);
    await post('/v1/sessions/alice-notes/execute', { code: 'secret = "s3cret"' }, ALICE);
    const auth = { authorization: `Bearer ${MALLORY}` };
    for (const attempt of [
      fetch(`${url}/v1/sessions/alice-notes`, { headers: auth }),
      post('/v1/sessions/alice-notes/execute', { code: 'secret' }, MALLORY),
      post('/v1/sessions/alice-notes/fork', {}, MALLORY),
      post('/v1/sessions/alice-notes/restart', {}, MALLORY),
      fetch(`${url}/v1/sessions/alice-notes/files/`, { headers: auth }),
      fetch(`${url}/v1/sessions/alice-notes`, { method: 'DELETE', headers: auth }),
    ])
      expect((await attempt).status).toBe(404);
    const listed = (await (await fetch(`${url}/v1/sessions`, { headers: auth })).json()) as { sessions: unknown[] };
    expect(listed.sessions).toEqual([]);
    const still = (await (await post('/v1/sessions/alice-notes/execute', { code: 'secret' }, ALICE)).json()) as {
      value: string;
    };
    expect(still.value).toBe("'s3cret'");
  });

  it('gets 400 for a body that poisons prototypes, and the server serves on', async () => {
    const poisoned = await post('/v1/execute', '{"code":"1","__proto__":{"isAdmin":true}}', MALLORY);
    expect(poisoned.status).toBe(400);
    const constructor = await post('/v1/execute', '{"code":"1","constructor":{"prototype":{"x":1}}}', MALLORY);
    expect(constructor.status).toBe(400);
    expect((await post('/v1/execute', { code: '1' }, MALLORY)).status).toBe(200);
  });

  it('never logs or echoes a token, right or wrong', async () => {
    const wrong = await fetch(`${url}/v1/executions`, {
      headers: { authorization: 'Bearer guess-0123456789abcdefgh' },
    });
    const text = await wrong.text();
    expect(text).not.toContain('guess-0123456789abcdefgh');
    expect(text).not.toContain(ALICE);
  });
});
