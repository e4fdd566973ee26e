import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServers, json, start, TOKEN } from '../helpers/serve.js';
import { hasSshd, startSshHost, type SshHost } from '../helpers/sshd.js';

// `pyexec serve` in front of an executor with hosts: its calls and sessions run on the host, and
// /status, /v1/sessions and /metrics say which host and in what state.
let host: SshHost;

beforeAll(async () => {
  if (hasSshd) host = await startSshHost();
}, 60_000);

afterAll(async () => {
  await closeServers();
  await host?.stop();
});

describe.skipIf(!hasSshd)('the service over SSH hosts', () => {
  it('runs calls and sessions on the host and reports it in /status, /v1/sessions and /metrics', async () => {
    const { url } = await start({
      tokens: [TOKEN],
      executor: { hosts: [{ name: 'far', ssh: host.ssh, capacity: 2 }] },
    });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const ran = await fetch(`${url}/v1/execute`, json({ code: 'import os\nos.environ["XDG_CACHE_HOME"]' }, TOKEN));
    expect(ran.status).toBe(200);
    expect(((await ran.json()) as { value: string }).value).toContain(host.root);
    const made = await fetch(`${url}/v1/sessions`, json({}, TOKEN));
    const { id } = (await made.json()) as { id: string };
    await fetch(`${url}/v1/sessions/${id}/execute`, json({ code: 'kept = 41' }, TOKEN));
    const kept = await fetch(`${url}/v1/sessions/${id}/execute`, json({ code: 'kept + 1' }, TOKEN));
    expect(((await kept.json()) as { value: string }).value).toBe('42');
    const sessions = await (await fetch(`${url}/v1/sessions`, { headers: auth })).json();
    expect(sessions).toMatchObject({ sessions: [expect.objectContaining({ id, host: 'far' })] });
    const status = (await (await fetch(`${url}/status`, { headers: auth })).json()) as { hosts: unknown };
    expect(status.hosts).toEqual([expect.objectContaining({ name: 'far', state: 'up', capacity: 2 })]);
    const metrics = await (await fetch(`${url}/metrics`, { headers: auth })).text();
    expect(metrics).toContain('pyexec_host_state{host="far",state="up"} 1');
    expect(metrics).toContain('pyexec_host_capacity{host="far"} 2');
  });
});
