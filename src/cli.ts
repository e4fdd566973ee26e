#!/usr/bin/env node
// `pyexec serve`: the HTTP service, started as a user starts it (`npx pyexec serve --port 8000`).
import { PyExecError } from './core/errors.js';
import { serverOptionsFrom } from './server/config.js';
import { createServer } from './server/create-server.js';

const USAGE = `Usage: pyexec serve [--host 127.0.0.1] [--port 8000] [--config pyexec.config.json]
                    [--tokens-file FILE] [--strategy NAME] [--pool-size N] [--sandbox]
                    [--python PATH] [--timeout-ms N] [--playground | --no-playground]
                    (the playground page at / is on by default on loopback)
       pyexec mcp   [--config pyexec.config.json] [--strategy NAME] [--sandbox] [--python PATH] …
                    (an MCP tool server on stdio: run_python, list_sessions, close_session, restart_session,
                    install_packages with allowInstall in the config)
Environment: PYEXEC_HOST, PYEXEC_PORT, PYEXEC_CONFIG, PYEXEC_TOKENS (comma-separated),
PYEXEC_TOKENS_FILE, PYEXEC_STRATEGY, PYEXEC_POOL_SIZE, PYEXEC_TIMEOUT_MS, PYEXEC_SANDBOX.`;

async function serve(argv: string[]): Promise<void> {
  const server = createServer(serverOptionsFrom(argv, process.env));
  const address = await server.listen();
  process.stdout.write(`pyexec serving on http://${address.address}:${address.port}\n`);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`pyexec: shutting down failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// `pyexec mcp`: the MCP tool server on stdio, for an agent host that starts it. Its stdout is
// the protocol: nothing else is written there.
async function mcp(argv: string[]): Promise<void> {
  const { createExecutor } = await import('./create-executor.js');
  const { createMcpServer } = await import('./mcp/mcp-server.js');
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const { packageVersion } = await import('./server/package-version.js');
  const { normalizeAllowInstall } = await import('./server/install-policy.js');
  const options = serverOptionsFrom(argv, process.env);
  const installPolicy = normalizeAllowInstall(options.allowInstall);
  const executor = createExecutor(options.executor);
  const server = createMcpServer({ executor, version: packageVersion(), installPolicy });
  const transport = new StdioServerTransport();
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    void executor.close().finally(() => process.exit(0));
  };
  transport.onclose = stop; // the host closed our stdin
  process.stdin.on('end', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await server.connect(transport);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'serve') return serve(rest);
  if (command === 'mcp') return mcp(rest);
  if (command === '--help' || command === 'help' || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  process.stderr.write(`pyexec: unknown command ${JSON.stringify(command)}\n${USAGE}\n`);
  process.exitCode = 2;
}

main().catch((error: unknown) => {
  process.stderr.write(`pyexec: ${error instanceof PyExecError ? error.message : String(error)}\n`);
  process.exit(1);
});
