import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type PyexecServer } from '../../src/server/index.js';
import { normalizeServerOptions } from '../../src/server/server-options.js';
import { closeServers, json, OTHER, start, TOKEN, until } from '../helpers/serve.js';

afterEach(closeServers);

describe('POST /v1/execute', () => {
  it('answers with the ExecutionResult as the library gives it', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/v1/execute`, json({ code: 'print(1 + 1)\n6 * 7', collectFiles: true }));
    expect(response.status).toBe(200);
    const result = (await response.json()) as Record<string, unknown>;
    expect(result).toMatchObject({ status: 'ok', stdout: '2\n', value: '42', valueJson: 42, files: [] });
  });

  it('streams stdout, stderr and display events, then the result, with Accept: text/event-stream', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/v1/execute`, {
      ...json({
        code: 'import sys, time\nprint("a", flush=True)\ntime.sleep(0.2)\ndisplay("d")\nprint("e", file=sys.stderr)',
      }),
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await response.text();
    const events = text
      .trim()
      .split('\n\n')
      .map((block) => {
        const [event, data] = block.split('\n');
        return [event?.replace('event: ', ''), JSON.parse(data?.replace('data: ', '') ?? 'null') as unknown];
      });
    expect(events.map(([name]) => name)).toEqual(['stdout', 'display', 'stderr', 'result']);
    expect(events[0]?.[1]).toEqual({ text: 'a\n' });
    expect(events[3]?.[1]).toMatchObject({ status: 'ok', stdout: 'a\n', stderr: 'e\n' });
  });

  it('refuses a bad body with 400 naming the field, a large one with 413, unknown routes with 404, all as JSON', async () => {
    const { url } = await start({ maxBodyBytes: 1000 });
    const wrongType = await fetch(`${url}/v1/execute`, json({ code: 5 }));
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toEqual({
      error: { code: 'INVALID_OPTION', message: 'Invalid request body: `code` must be string' },
    });
    const unknown = await fetch(`${url}/v1/execute`, json({ code: '1', nope: true }));
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('`nope`');
    const libraryCheck = await fetch(`${url}/v1/execute`, json({ code: '1', files: { '../escape': 'x' } }));
    expect(libraryCheck.status).toBe(400);
    const large = await fetch(`${url}/v1/execute`, json({ code: '#'.repeat(2000) }));
    expect(large.status).toBe(413);
    expect(((await large.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_LARGE');
    const broken = await fetch(`${url}/v1/execute`, { ...json({}), body: '{"code":' });
    expect(broken.status).toBe(400);
    const missing = await fetch(`${url}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});

describe('stopping calls', () => {
  it('stops a call by its id, lists running calls, and stops the call of a client that went away', async () => {
    const { url, server } = await start();
    const running = fetch(`${url}/v1/execute`, json({ code: 'import time\ntime.sleep(30)', executionId: 'long' }));
    await until(async () => {
      const list = (await (await fetch(`${url}/v1/executions`)).json()) as { running: { executionId: string }[] };
      return list.running.some((call) => call.executionId === 'long');
    });
    const stop = await fetch(`${url}/v1/executions/long/stop`, { method: 'POST' });
    expect(await stop.json()).toEqual({ stopped: true });
    expect(((await (await running).json()) as { status: string }).status).toBe('stopped');

    const client = new AbortController();
    const abandoned = fetch(`${url}/v1/execute`, {
      ...json({ code: 'import time\ntime.sleep(30)', executionId: 'abandoned' }),
      signal: client.signal,
    }).catch(() => undefined);
    await until(async () => server.executor.status().running.length === 1);
    client.abort();
    await abandoned;
    await until(async () => server.executor.status().running.length === 0);
    expect(server.executor.status().totals.stopped).toBe(2);
  });
});

describe('tokens, rate and concurrency limits', () => {
  let url: string;
  let shared: PyexecServer;
  beforeAll(async () => {
    ({ url, server: shared } = await start(
      { tokens: [TOKEN, OTHER], rateLimit: { max: 5, windowMs: 60_000 }, maxConcurrentPerToken: 1 },
      false,
    ));
  });
  afterAll(() => shared.close());

  it('requires a bearer token on /v1 and /status, not on the probes', async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/v1/executions`)).status).toBe(401);
    expect((await fetch(`${url}/status`)).status).toBe(401);
    const wrong = await fetch(`${url}/v1/executions`, { headers: { authorization: 'Bearer not-the-token-at-all' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    const status = await fetch(`${url}/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ strategy: 'optimized', version: expect.any(String) as string });
  });

  it('answers 429 with Retry-After past a caller concurrency limit, then past its rate limit', async () => {
    const slow = fetch(`${url}/v1/execute`, json({ code: 'import time\ntime.sleep(1)' }, OTHER));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await fetch(`${url}/v1/execute`, json({ code: '1' }, OTHER));
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect((await slow).status).toBe(200);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await fetch(`${url}/v1/executions`, { headers: { authorization: `Bearer ${TOKEN}` } });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]); // (two of its five went to the earlier test)
    expect(statuses.at(-1)).toBe(429);
    expect(last?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(last?.headers.get('ratelimit-limit')).toBe('5');
    expect(last?.headers.get('ratelimit-remaining')).toBe('0');
  });
});

describe('sessions over HTTP', () => {
  it('keep state, fork, restart, hold files, belong to their caller, and answer 410 once lost', async () => {
    const { url } = await start({ tokens: [TOKEN, OTHER], rateLimit: false });
    const as = (token: string, init: RequestInit = {}): RequestInit => ({
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
    });
    const created = await fetch(`${url}/v1/sessions`, json({ metadata: { user: 'ada' } }, TOKEN));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const run = async (code: string, sessionId = id) =>
      (await (await fetch(`${url}/v1/sessions/${sessionId}/execute`, json({ code }, TOKEN))).json()) as {
        value?: string;
        status: string;
        error?: { code: string };
      };
    await run('x = 20');
    expect((await run('x + 1')).value).toBe('21');

    const forked = (await (await fetch(`${url}/v1/sessions/${id}/fork`, json({}, TOKEN))).json()) as {
      sessions: { id: string; forkedFrom: string }[];
    };
    const copy = forked.sessions[0]?.id as string;
    expect(forked.sessions[0]?.forkedFrom).toBe(id);
    await run('x = 99', copy);
    expect((await run('x')).value).toBe('20');

    const put = await fetch(
      `${url}/v1/sessions/${id}/files/data/in.bin`,
      as(TOKEN, {
        method: 'PUT',
        body: new Uint8Array([0, 1, 2]),
        headers: { 'content-type': 'application/octet-stream' },
      }),
    );
    expect(put.status).toBe(204);
    expect((await run('open("data/in.bin", "rb").read()')).value).toBe("b'\\x00\\x01\\x02'");
    const read = await fetch(`${url}/v1/sessions/${id}/files/data/in.bin`, as(TOKEN));
    expect([...new Uint8Array(await read.arrayBuffer())]).toEqual([0, 1, 2]);
    const listed = (await (await fetch(`${url}/v1/sessions/${id}/files/data/`, as(TOKEN))).json()) as {
      entries: { name: string }[];
    };
    expect(listed.entries.map((entry) => entry.name)).toEqual(['in.bin']);
    expect((await fetch(`${url}/v1/sessions/${id}/files/data/in.bin`, as(TOKEN, { method: 'DELETE' }))).status).toBe(
      204,
    );

    // Another token does not see it, cannot run in it or close it.
    expect((await fetch(`${url}/v1/sessions/${id}`, as(OTHER))).status).toBe(404);
    expect((await fetch(`${url}/v1/sessions/${id}/execute`, json({ code: 'x' }, OTHER))).status).toBe(404);
    const othersList = (await (await fetch(`${url}/v1/sessions`, as(OTHER))).json()) as { sessions: unknown[] };
    expect(othersList.sessions).toEqual([]);

    const restarted = await fetch(`${url}/v1/sessions/${id}/restart`, as(TOKEN, { method: 'POST' }));
    expect(restarted.status).toBe(200);
    expect((await run('x')).status).toBe('error');

    await run('import os\nos.kill(os.getpid(), 9)');
    const lost = await fetch(`${url}/v1/sessions/${id}/execute`, json({ code: '1' }, TOKEN));
    expect(lost.status).toBe(410);
    expect(((await lost.json()) as { error: { code: string } }).error.code).toBe('SESSION_LOST');
    expect((await fetch(`${url}/v1/sessions/${id}`, as(TOKEN, { method: 'DELETE' }))).status).toBe(204);
    expect((await fetch(`${url}/v1/sessions/${id}`, as(TOKEN))).status).toBe(404);
  });
});

describe('metrics and the OpenAPI document', () => {
  it('counts calls by strategy and status in Prometheus text, and documents every route', async () => {
    const { url } = await start({ tokens: [TOKEN], rateLimit: false });
    const auth = { authorization: `Bearer ${TOKEN}` };
    await fetch(`${url}/v1/execute`, json({ code: '1' }, TOKEN));
    await fetch(`${url}/v1/execute`, json({ code: 'raise ValueError' }, TOKEN));
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${url}/metrics`, { headers: auth });
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toContain('pyexec_calls_total{strategy="optimized",status="ok"} 1');
    expect(text).toContain('pyexec_calls_total{strategy="optimized",status="error"} 1');
    expect(text).toMatch(/pyexec_call_duration_seconds_count\{strategy="optimized"\} 2/);
    expect(text).toMatch(/pyexec_workers\{state="idle"\} 1/);
    expect(text).toContain('pyexec_queue_length 0');
    const document = (await (await fetch(`${url}/openapi.json`, { headers: auth })).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { required: string[] } }> } }>
      >;
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(document.paths['/v1/execute']?.post?.requestBody?.content['application/json']?.schema.required).toEqual([
      'code',
    ]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/sessions/{id}/execute', '/v1/executions/{id}/stop', '/health', '/ready']),
    );
    expect(Object.keys(document.paths)).not.toContain('/metrics');
  });
});

describe('the server itself', () => {
  it('answers 503 with Retry-After when the queue is full, never an unbounded wait', async () => {
    const { url } = await start({ executor: { maxQueue: 0 } });
    await until(async () => (await fetch(`${url}/ready`)).status === 200);
    const first = fetch(`${url}/v1/execute`, json({ code: 'import time\ntime.sleep(0.5)' }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await fetch(`${url}/v1/execute`, json({ code: '1' }));
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('QUEUE_FULL');
    expect((await first).status).toBe(200);
  });

  it('refuses to listen beyond loopback without tokens', () => {
    expect(() => createServer({ host: '0.0.0.0' })).toThrow(/refuses to listen on `0.0.0.0` without tokens/);
  });

  it('says what code imports and which of those are missing', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/v1/imports`, json({ code: 'import json\nimport no_such_module_here' }));
    expect(await response.json()).toEqual({
      imports: ['json', 'no_such_module_here'],
      missing: [expect.objectContaining({ module: 'no_such_module_here' })],
    });
  });

  it('turns /ready to 503 while it drains, and lets the call in flight finish', async () => {
    const { url, server } = await start({}, false);
    await until(async () => (await fetch(`${url}/ready`)).status === 200);
    const inFlight = fetch(`${url}/v1/execute`, json({ code: 'import time\ntime.sleep(0.5)\n"done"' }));
    await until(async () => server.executor.status().running.length === 1);
    const closing = server.close();
    const result = (await (await inFlight).json()) as { value: string };
    expect(result.value).toBe("'done'");
    await closing;
  });
});

describe('the playground routes', () => {
  it('serve the page and its script without a token, the page under a CSP that allows no other script', async () => {
    const { url } = await start({ tokens: [TOKEN], playground: true });
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(await page.text()).toContain('<script src="playground.js"></script>');
    const script = await fetch(`${url}/playground.js`);
    expect([200, 404]).toContain(script.status); // 404 until `npm run build` made it
    expect((await fetch(`${url}/v1/executions`)).status).toBe(401);
  });

  it('are off when the option is, and by default beyond loopback', async () => {
    const { url } = await start({ playground: false });
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect(normalizeServerOptions({ host: '0.0.0.0', tokens: [TOKEN] }).playground).toBe(false);
    expect(normalizeServerOptions({}).playground).toBe(true);
    expect(() => normalizeServerOptions({ playground: 'yes' })).toThrow(/`playground` option to be true or false, got/);
  });
});
