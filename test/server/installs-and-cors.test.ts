import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEnvironment, type Environment } from '../../src/index.js';
import { createServer } from '../../src/server/index.js';
import { testPython } from '../helpers/executors.js';
import { buildWheels, serveIndex, type PackageIndex } from '../helpers/package-index.js';
import { closeServers, json, start, TOKEN } from '../helpers/serve.js';

let index: PackageIndex;
let venv: Environment;

beforeAll(async () => {
  index = await serveIndex(
    buildWheels([
      { name: 'pyexec-probe-a', version: '1.0', module: 'pyexec_probe_a' },
      { name: 'pyexec-probe-b', version: '1.0', module: 'pyexec_probe_b' },
    ]),
  );
  venv = await createEnvironment(join(mkdtempSync(join(tmpdir(), 'pyexec-serve-install-')), 'venv'), {
    python: testPython,
  });
}, 120_000);

afterEach(closeServers);
afterAll(() => index.close());

const install = (url: string, requirements: unknown) =>
  fetch(`${url}/v1/packages/install`, json({ requirements }, TOKEN));

describe('POST /v1/packages/install', () => {
  it('answers 403 when the server does not allow installs', async () => {
    const { url } = await start({ tokens: [TOKEN] });
    const response = await install(url, ['pyexec-probe-a']);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: { code: 'INSTALL_NOT_ALLOWED', message: expect.stringContaining('allowInstall') as string },
    });
  });

  it('installs what the allow list names, for the next calls; refuses the rest, options and URLs', async () => {
    const { url } = await start({
      tokens: [TOKEN],
      allowInstall: { allow: ['pyexec_probe_b'], indexUrl: index.url },
      executor: { python: venv.python },
    });
    expect((await fetch(`${url}/v1/packages/install`, json({ requirements: ['pyexec-probe-b'] }))).status).toBe(401);
    const offList = await install(url, ['pyexec-probe-a']);
    expect(offList.status).toBe(403);
    expect(((await offList.json()) as { error: { message: string } }).error.message).toContain(
      '`pyexec-probe-a` is not on this server',
    );
    const option = await install(url, ['--index-url=http://evil.example/simple']);
    expect(option.status).toBe(400);
    expect(((await option.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUIREMENT');
    const direct = await install(url, ['pyexec-probe-b @ https://evil.example/b.whl']);
    expect(direct.status).toBe(400);
    expect((await install(url, [])).status).toBe(400);
    const ok = await install(url, ['PyExec.Probe_B==1.*']);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      installed: [{ name: 'pyexec-probe-b', version: '1.0' }],
      durationMs: expect.any(Number) as number,
    });
    const run = await fetch(
      `${url}/v1/execute`,
      json({ code: 'import pyexec_probe_b\npyexec_probe_b.VERSION' }, TOKEN),
    );
    expect(await run.json()).toMatchObject({ status: 'ok', value: "'1.0'" });
    const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(metrics).toContain('pyexec_installs_total{outcome="ok"} 1');
  }, 120_000);

  it('refuses a bad allowInstall at start, naming it', () => {
    expect(() => createServer({ allowInstall: { allow: 'numpy' } as never })).toThrow(/allowInstall\.allow/);
    expect(() => createServer({ allowInstall: { indexUrl: 'file:///etc' } })).toThrow(/allowInstall\.indexUrl/);
    expect(() => createServer({ allowInstall: { alow: [] } as never })).toThrow(
      /allowInstall\.alow.*allowInstall\.allow/,
    );
  });
});

describe('CORS', () => {
  it('is off unless configured: no Access-Control headers for any origin', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/v1/executions`, { headers: { origin: 'https://app.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the allowed origins (a preflight without a token too), and only them', async () => {
    const { url } = await start({ tokens: [TOKEN], cors: ['https://app.example'] });
    const preflight = await fetch(`${url}/v1/execute`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const call = await fetch(`${url}/v1/execute`, {
      ...json({ code: '1' }, TOKEN),
      headers: { ...(json({}, TOKEN).headers as Record<string, string>), origin: 'https://app.example' },
    });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(call.headers.get('vary')).toContain('Origin');
    const other = await fetch(`${url}/v1/executions`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${TOKEN}` },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
