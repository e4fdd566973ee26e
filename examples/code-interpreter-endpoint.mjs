// A code-interpreter HTTP endpoint, as an agent gateway would run one: POST /run with
// {"code": "..."} runs the code in a sandboxed forked executor (no network, limits set) and
// answers with the result as JSON. Start it with `node examples/code-interpreter-endpoint.mjs`
// (PORT=0 picks a free port; it prints the address); with `--self-test` it serves two requests
// to itself and exits.
import { createServer } from 'node:http';
import { spawnSync } from 'node:child_process';
import { createExecutor } from 'pyexec';

// The sandbox needs bubblewrap; without it, say so and run unsandboxed (development only).
const sandbox = spawnSync('bwrap', ['--version']).status === 0 ? { network: false } : undefined;
if (sandbox === undefined) console.error('bubblewrap not found: running WITHOUT the sandbox (development only)');

const executor = createExecutor({
  strategy: 'forked',
  poolSize: 2,
  maxQueue: 16,
  timeoutMs: 10_000,
  inheritEnv: false,
  sandbox,
  limits: { memoryMb: 1024, maxProcesses: 32, maxOutputBytes: 1024 * 1024 },
});

const server = createServer(async (request, response) => {
  if (request.method !== 'POST' || request.url !== '/run') {
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"POST /run"}');
    return;
  }
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > 100_000) return void response.writeHead(413).end();
  }
  let code;
  try {
    code = JSON.parse(body).code;
  } catch {
    return void response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"body must be JSON"}');
  }
  try {
    const result = await executor.run(code);
    const { status, stdout, stderr, value, error, figures, durationMs } = result;
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status, stdout, stderr, value, error, figures, durationMs }));
  } catch (error) {
    // Misuse or overload (QUEUE_FULL, INVALID_OPTION): the caller's problem, explained.
    response.writeHead(error.code === 'QUEUE_FULL' ? 503 : 400, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { code: error.code, message: error.message } }));
  }
});

server.listen(Number(process.env.PORT ?? 8000), '127.0.0.1', async () => {
  const { port } = server.address();
  console.log(`listening on http://127.0.0.1:${port}/run`);
  if (!process.argv.includes('--self-test')) return;
  for (const code of [
    'print("hello from the sandbox")\n6 * 7',
    'import socket\nsocket.create_connection(("1.1.1.1", 53), timeout=1)',
  ]) {
    const answer = await fetch(`http://127.0.0.1:${port}/run`, { method: 'POST', body: JSON.stringify({ code }) });
    const result = await answer.json();
    console.log(result.status, JSON.stringify(result.stdout), result.value ?? result.error?.type);
  }
  server.close();
  await executor.close();
});
