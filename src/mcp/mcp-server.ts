import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { PythonExecutor } from '../executors/types.js';
import type { SessionInfo } from '../core/results.js';
import type { Session } from '../sessions/session.js';
import { toolContent } from './tool-content.js';
import { messageOf } from '../core/errors.js';
import { installAllowed } from '../server/installs.js';
import type { InstallPolicy } from '../server/install-policy.js';

const RUN_PYTHON = `Runs Python 3 code and returns what it printed (stdout, stderr), the value of its last
expression, the exception if it raised, and matplotlib figures as PNG images (draw with
matplotlib.pyplot; plt.show() or leaving the figure open shows it; display(obj) shows rich
objects too). Without session_id every call starts from a fresh interpreter state. With a
session_id, variables, imports and files persist between calls with the same id (the session is
made on first use); restart_session clears it, close_session ends it. Calls are limited in time
(timeout_ms, else the server's default) and output; there is no network unless the server allows it.`;

/** The sessions an MCP client reaches: all of the executor's (stdio), or one caller's (HTTP). */
export interface McpSessions {
  get(id: string): Session | undefined;
  create(id: string): Promise<Session>;
  list(): SessionInfo[];
}

export function executorSessions(executor: PythonExecutor): McpSessions {
  return {
    get: (id) => executor.getSession(id),
    create: (id) => executor.createSession({ id }),
    list: () => executor.sessions(),
  };
}

export interface McpServerOptions {
  executor: PythonExecutor;
  version: string;
  /** @default every session of the executor */
  sessions?: McpSessions;
  /** What may be installed (`allowInstall`); without it there is no install_packages tool. */
  installPolicy?: InstallPolicy;
}

/**
 * The engine as an MCP tool server (the official SDK): run_python, list_sessions, close_session,
 * restart_session, and install_packages when installs are allowed. Sessions are made on first
 * use under the id the agent gives.
 */
export function createMcpServer({
  executor,
  version,
  sessions = executorSessions(executor),
  installPolicy,
}: McpServerOptions): McpServer {
  const server = new McpServer({ name: 'pyexec', version });
  const sessionFor = async (id: string): Promise<Session> => sessions.get(id) ?? (await sessions.create(id));
  server.registerTool(
    'run_python',
    {
      description: RUN_PYTHON,
      inputSchema: {
        code: z.string().describe('Python source to run, as a script: the last expression is shown as its value'),
        session_id: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe('Keep state between calls with the same id (made on first use)'),
        timeout_ms: z.number().int().min(1).max(3_600_000).optional().describe('Time limit of this call in ms'),
      },
    },
    async ({ code, session_id, timeout_ms }) => {
      const options = timeout_ms === undefined ? {} : { timeoutMs: timeout_ms };
      const result =
        session_id === undefined
          ? await executor.run(code, options)
          : await (await sessionFor(session_id)).run(code, options);
      return toolContent(result);
    },
  );
  server.registerTool(
    'list_sessions',
    { description: 'Lists the open sessions: id, state, calls made, when last used.' },
    async () => ({
      content: [
        {
          type: 'text',
          text: JSON.stringify(
            sessions.list().map(({ id, state, calls, lastUsedAt }) => ({ id, state, calls, lastUsedAt })),
          ),
        },
      ],
    }),
  );
  // A tool that acts on one session: `act` on it, or isError when the id names none.
  const sessionTool = (name: string, description: string, act: (session: Session) => Promise<void>, done: string) =>
    server.registerTool(
      name,
      { description, inputSchema: { session_id: z.string().min(1) } },
      async ({ session_id }) => {
        const session = sessions.get(session_id);
        if (session === undefined)
          return { content: [{ type: 'text', text: `no session ${session_id}` }], isError: true };
        await act(session);
        return { content: [{ type: 'text', text: `session ${session_id} ${done}` }] };
      },
    );
  sessionTool('close_session', 'Ends a session and frees its memory.', (session) => session.close(), 'closed');
  sessionTool(
    'restart_session',
    'Restarts a session with a fresh interpreter: its variables and imports are gone.',
    (session) => session.restart(),
    'restarted',
  );
  if (installPolicy !== undefined) installTool(server, executor, installPolicy);
  return server;
}

function installTool(server: McpServer, executor: PythonExecutor, policy: InstallPolicy): void {
  const allowed = policy.allow === undefined ? '' : ` Only these may be installed: ${[...policy.allow].join(', ')}.`;
  server.registerTool(
    'install_packages',
    {
      description: `Installs Python packages with pip (requirement strings such as "tabulate" or "tabulate==0.9.*") so that later run_python calls, in sessions too, can import them.${allowed}`,
      inputSchema: { requirements: z.array(z.string().min(1)).min(1).max(100).describe('pip requirement strings') },
    },
    async ({ requirements }) => {
      try {
        const { installed } = await installAllowed(executor, policy, requirements);
        const names = installed.map(({ name, version }) => `${name} ${version}`).join(', ');
        return { content: [{ type: 'text', text: names ? `installed ${names}` : 'already installed' }] };
      } catch (error) {
        return { content: [{ type: 'text', text: messageOf(error) }], isError: true };
      }
    },
  );
}
