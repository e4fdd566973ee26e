import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type PyexecServer } from '../../src/server/index.js';
import { testPython } from '../helpers/executors.js';

// The MCP server over Streamable HTTP at /mcp of `pyexec serve`, behind its tokens.
const ALICE = 'alice-mcp-token-0123456789abcdef';
const MALLORY = 'mallory-mcp-token-0123456789abcdef';
let server: PyexecServer;
let url: URL;

const clientFor = async (token?: string): Promise<Client> => {
  const client = new Client({ name: 'pyexec-test', version: '1.0.0' });
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
  return client;
};

type ToolResult = { content: { type: string; text?: string }[]; isError?: boolean };

beforeAll(async () => {
  server = createServer({
    port: 0,
    tokens: [ALICE, MALLORY],
    rateLimit: false,
    logLevel: 'warn',
    executor: { python: testPython },
  });
  url = new URL(`http://127.0.0.1:${(await server.listen()).port}/mcp`);
});
afterAll(() => server.close());

describe('MCP over Streamable HTTP at /mcp', () => {
  it('needs a token, runs code, and keeps a session that is its caller’s only', async () => {
    await expect(clientFor()).rejects.toThrow();
    const alice = await clientFor(ALICE);
    const run = async (client: Client, args: Record<string, unknown>) =>
      (await client.callTool({ name: 'run_python', arguments: args })) as ToolResult;
    expect((await run(alice, { code: '6 * 7' })).content[0]?.text).toContain('--- value ---\n42');
    await run(alice, { code: 'secret = "s3cret"', session_id: 'notes' });
    expect((await run(alice, { code: 'secret', session_id: 'notes' })).content[0]?.text).toContain("'s3cret'");

    const mallory = await clientFor(MALLORY);
    const listed = (await mallory.callTool({ name: 'list_sessions', arguments: {} })) as ToolResult;
    expect(JSON.parse(listed.content[0]?.text ?? '')).toEqual([]);
    const stolen = await run(mallory, { code: 'secret', session_id: 'notes' });
    expect(stolen.isError).toBe(true); // the id is Alice's: Mallory cannot have it
    expect(stolen.content[0]?.text ?? '').not.toContain('s3cret');
    const closed = (await mallory.callTool({
      name: 'close_session',
      arguments: { session_id: 'notes' },
    })) as ToolResult;
    expect(closed.isError).toBe(true);
    expect((await run(alice, { code: 'secret', session_id: 'notes' })).content[0]?.text).toContain("'s3cret'");
    await alice.close();
    await mallory.close();
  });
});
