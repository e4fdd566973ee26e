import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasMatplotlib, matplotlibPython } from '../helpers/matplotlib.js';
import { testPython } from '../helpers/executors.js';
import { buildWheels, serveIndex, type PackageIndex } from '../helpers/package-index.js';
import { createEnvironment } from '../../src/index.js';

// `npx pyexec mcp`, started as an agent host starts it, driven by the SDK's own client.
const root = join(import.meta.dirname, '../..');
const python = hasMatplotlib ? matplotlibPython : testPython;
let client: Client;

type ToolResult = { content: { type: string; text?: string; data?: string; mimeType?: string }[]; isError?: boolean };
const call = async (name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as ToolResult;
const text = (result: ToolResult) => result.content[0]?.text ?? '';

// `npx pyexec mcp` with these flags, as an agent host starts it.
async function connect(args: string[], env: Record<string, string> = {}): Promise<Client> {
  const connected = new Client({ name: 'pyexec-test', version: '1.0.0' });
  await connected.connect(
    new StdioClientTransport({
      command: 'npx',
      args: ['--yes', 'pyexec', 'mcp', ...args],
      cwd: root,
      env: { ...(process.env as Record<string, string>), PYEXEC_PYTHON: python, ...env },
      stderr: 'ignore',
    }),
  );
  return connected;
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/cli.js'))) await promisify(execFile)('npm', ['run', 'build'], { cwd: root });
  client = await connect(['--timeout-ms', '20000']);
}, 120_000);

afterAll(() => client?.close());

describe('npx pyexec mcp', () => {
  it('lists its tools, each with an input schema and a description', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'close_session',
      'list_sessions',
      'restart_session',
      'run_python',
    ]);
    const run = tools.find((tool) => tool.name === 'run_python');
    expect(run?.inputSchema.required).toEqual(['code']);
    expect(Object.keys(run?.inputSchema.properties ?? {}).sort()).toEqual(['code', 'session_id', 'timeout_ms']);
    expect(run?.description).toContain('session_id');
  });

  it('runs code: stdout, the value, and an exception as isError', async () => {
    const ok = await call('run_python', { code: 'print("hi")\n6 * 7' });
    expect(ok.isError).toBe(false);
    expect(text(ok)).toMatch(/^status: ok \(\d+ ms\)\n--- stdout ---\nhi\n\n--- value ---\n42$/);
    const failed = await call('run_python', { code: '1 / 0' });
    expect(failed.isError).toBe(true);
    expect(text(failed)).toContain('--- exception ---');
    expect(text(failed)).toContain('ZeroDivisionError: division by zero');
  });

  it('keeps state in a session, lists, restarts and closes it', async () => {
    await call('run_python', { code: 'total = 40', session_id: 'agent-1' });
    expect(text(await call('run_python', { code: 'total + 2', session_id: 'agent-1' }))).toContain('--- value ---\n42');
    expect(JSON.parse(text(await call('list_sessions', {})))).toEqual([expect.objectContaining({ id: 'agent-1' })]);
    await call('restart_session', { session_id: 'agent-1' });
    expect((await call('run_python', { code: 'total', session_id: 'agent-1' })).isError).toBe(true);
    expect(text(await call('close_session', { session_id: 'agent-1' }))).toBe('session agent-1 closed');
    expect(JSON.parse(text(await call('list_sessions', {})))).toEqual([]);
  });

  it('ends a call at its timeout as isError', async () => {
    const result = await call('run_python', { code: 'import time\ntime.sleep(30)', timeout_ms: 300 });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^status: timeout/);
  });

  it('refuses arguments its schema refuses', async () => {
    const result = await call('run_python', { code: 5 });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/code/);
  });

  it.skipIf(!hasMatplotlib)('returns a figure as an image item', async () => {
    const result = await call('run_python', { code: 'import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()' });
    const image = result.content.find((item) => item.type === 'image');
    expect(image?.mimeType).toBe('image/png');
    expect(image?.data?.startsWith('iVBORw0KGgo')).toBe(true);
  });
});

describe('npx pyexec mcp with allowInstall in its config', () => {
  let index: PackageIndex;
  let installing: Client;
  beforeAll(async () => {
    index = await serveIndex(buildWheels([{ name: 'pyexec-probe-a', version: '1.0', module: 'pyexec_probe_a' }]));
    const scratch = mkdtempSync(join(tmpdir(), 'pyexec-mcp-install-'));
    const venv = await createEnvironment(join(scratch, 'venv'), { python: testPython });
    const config = join(scratch, 'pyexec.config.json');
    writeFileSync(
      config,
      JSON.stringify({ python: venv.python, allowInstall: { allow: ['pyexec-probe-a'], indexUrl: index.url } }),
    );
    installing = await connect(['--config', config]);
  }, 120_000);
  afterAll(async () => {
    await installing?.close();
    await index?.close();
  });

  it('offers install_packages, naming what it may install; installs for later run_python calls', async () => {
    const { tools } = await installing.listTools();
    const tool = tools.find((candidate) => candidate.name === 'install_packages');
    expect(tool?.description).toContain('pyexec-probe-a');
    expect(tool?.inputSchema.required).toEqual(['requirements']);
    const refused = (await installing.callTool({
      name: 'install_packages',
      arguments: { requirements: ['numpy'] },
    })) as ToolResult;
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain('`numpy` is not on');
    const done = (await installing.callTool({
      name: 'install_packages',
      arguments: { requirements: ['pyexec-probe-a'] },
    })) as ToolResult;
    expect(text(done)).toBe('installed pyexec-probe-a 1.0');
    const run = (await installing.callTool({
      name: 'run_python',
      arguments: { code: 'import pyexec_probe_a\npyexec_probe_a.VERSION' },
    })) as ToolResult;
    expect(text(run)).toContain("--- value ---\n'1.0'");
  }, 120_000);
});
