import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { descendantsOf } from '../../src/worker/process-tree.js';
import { testPython } from '../helpers/executors.js';

// `npx pyexec serve`, started as a user starts it (the package's bin, from dist/).
const root = join(import.meta.dirname, '../..');
const run = promisify(execFile);
const TOKEN = 'cli-token-0123456789abcdef';
const started: ChildProcess[] = [];

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/cli.js'))) await run('npm', ['run', 'build'], { cwd: root });
}, 120_000);

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) signalGroup(child, 'SIGKILL');
});

function serve(args: string[], env: Record<string, string> = {}): { child: ChildProcess; url: Promise<string> } {
  const child = spawn('npx', ['--yes', 'pyexec', 'serve', ...args], {
    cwd: root,
    env: { ...process.env, PYEXEC_PYTHON: testPython, PYEXEC_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // a group of its own: signals go to npx and the server, as a terminal's Ctrl-C or a supervisor's stop
  });
  started.push(child);
  const url = new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const match = /^pyexec serving on (http:\/\/\S+)$/.exec(line);
      if (match) resolve(match[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`pyexec serve exited with ${code}`)));
  });
  url.catch(() => undefined); // (awaited only by the tests that expect it to start)
  return { child, url };
}

// The node process that runs dist/cli.js below npx.
function serverPid(child: ChildProcess): number {
  const pid = descendantsOf(child.pid as number).find((candidate) => {
    try {
      return /(cli\.js|\/\.bin\/pyexec)\0serve/.test(readFileSync(`/proc/${candidate}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  });
  if (pid === undefined) throw new Error('no server process below npx');
  return pid;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    // gone already
  }
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.on('exit', resolve));

async function stderrOf(child: ChildProcess): Promise<string> {
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await exited(child);
  return text;
}

describe('npx pyexec serve', () => {
  it('serves with tokens from a file, and on SIGTERM drains: /ready 503, the call in flight ends, exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyexec-cli-'));
    writeFileSync(join(dir, 'tokens'), `# one per line\n${TOKEN}\n`);
    const { child, url } = serve(['--port', '0', '--tokens-file', join(dir, 'tokens'), '--strategy', 'forked']);
    const base = await url;
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    for (let tries = 0; (await fetch(`${base}/ready`)).status !== 200; tries++) {
      if (tries > 400) throw new Error('never ready');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const inFlight = fetch(`${base}/v1/execute`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ code: 'import time\ntime.sleep(1)\n"finished"' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // As a supervisor stops the server itself (npm exec, in between, does not pass signals on).
    process.kill(serverPid(child), 'SIGTERM');
    let ready = 200;
    for (let tries = 0; ready === 200 && tries < 40; tries++) {
      ready = (await fetch(`${base}/ready`).catch(() => ({ status: 0 }))).status;
      if (ready === 200) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(ready).toBe(503);
    expect(((await (await inFlight).json()) as { value: string }).value).toBe("'finished'");
    expect(await exited(child)).toBe(0);
  });

  it('logs one JSON line per request, with its caller as a number: never the code, never a token', async () => {
    const { child, url } = serve(['--port', '0'], { PYEXEC_TOKENS: TOKEN, PYEXEC_LOG_LEVEL: 'info' });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const base = await url;
    const secret = 'code_marker_4711';
    const answer = await fetch(`${base}/v1/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: `${secret} = 1` }),
    });
    expect(answer.status).toBe(200);
    const wrong = 'wrong-token-0123456789abcdef';
    expect((await fetch(`${base}/v1/executions`, { headers: { authorization: `Bearer ${wrong}` } })).status).toBe(401);
    process.kill(serverPid(child), 'SIGTERM');
    await exited(child);
    const requests = out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'request');
    expect(requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/v1/execute',
        status: 200,
        caller: 'token:0',
        ms: expect.any(Number),
      }),
      expect.objectContaining({ method: 'GET', url: '/v1/executions', status: 401 }),
    ]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(wrong);
  });

  it('exits non-zero naming a bad option: a flag, a config file key, a public address without tokens', async () => {
    const badFlag = serve(['--pool-size', 'many']).child;
    expect(await stderrOf(badFlag)).toContain('Expected `--pool-size` to be an integer, got "many"');
    expect(badFlag.exitCode).toBe(1);
    const dir = mkdtempSync(join(tmpdir(), 'pyexec-cli-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ port: 0, poolSzie: 2 }));
    const badKey = serve(['--config', join(dir, 'config.json')]).child;
    expect(await stderrOf(badKey)).toMatch(/poolSzie/);
    expect(badKey.exitCode).toBe(1);
    const open = serve(['--host', '0.0.0.0', '--port', '0']).child;
    expect(await stderrOf(open)).toContain('refuses to listen on `0.0.0.0` without tokens');
    expect(open.exitCode).toBe(1);
  });
});
