import { createServer, type Server } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createExecutor, PyExecError } from '../../src/index.js';
import {
  closeAllExecutors,
  contractStrategies,
  makeExecutor,
  sandboxAvailable,
  testPython,
} from '../helpers/executors.js';

afterEach(closeAllExecutors);

// A secret of the host's that no sandboxed call may see.
const SECRET = 'PYEXEC_TEST_HOST_SECRET';
process.env[SECRET] = 'hunter2';

// The value of one expression evaluated in a sandboxed call.
async function inSandbox(
  strategy: (typeof contractStrategies)[number],
  code: string,
  sandbox: object | true = true,
): Promise<string | undefined> {
  const result = await makeExecutor(strategy, { sandbox }).run(code);
  expect(result.status, result.error?.traceback).toBe('ok');
  return result.value;
}

describe.runIf(sandboxAvailable).each(contractStrategies)('the sandbox with the %s strategy', (strategy) => {
  it("passes none of Node's environment, only PATH, HOME, LANG and what the caller gives", async () => {
    const value = await inSandbox(
      strategy,
      `import os\n(os.environ.get(${JSON.stringify(SECRET)}), os.environ.get('GIVEN'), os.environ['HOME'])`,
      {
        env: { GIVEN: 'yes' },
      },
    );
    expect(value).toBe("(None, 'yes', '/tmp')");
  });

  it("shows no host files beyond Python and the system: not the home directory, nor Node's working directory", async () => {
    const home = process.env.HOME as string;
    const value = await inSandbox(
      strategy,
      `import os\nfrom pathlib import Path\n(os.path.exists(${JSON.stringify(join(home, '.bashrc'))}), list(Path(${JSON.stringify(process.cwd())}).glob('*')), os.path.exists('/etc/shadow'))`,
    );
    expect(value).toBe('(False, [], False)');
  });

  it('sees only its own processes and cannot signal Node', async () => {
    const value = await inSandbox(
      strategy,
      `import os\npids = [int(p) for p in os.listdir('/proc') if p.isdigit()]\ntry:\n    os.kill(${process.pid}, 0)\n    reach = 'reached'\nexcept ProcessLookupError:\n    reach = 'none'\n(max(pids) < 100, reach)`,
    );
    expect(value).toBe("(True, 'none')");
  });

  it('writes only its working directory, /tmp and the writable paths it is given', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'pyexec-sandbox-rw-'));
    const readable = mkdtempSync(join(tmpdir(), 'pyexec-sandbox-ro-'));
    writeFileSync(join(readable, 'input.txt'), 'given');
    const code = `
def attempt(path):
    try:
        with open(path, 'w') as f:
            f.write('x')
        return 'written'
    except OSError:
        return 'refused'
(attempt('here.txt'), attempt('/tmp/scratch.txt'), attempt(${JSON.stringify(join(shared, 'out.txt'))}),
 open(${JSON.stringify(join(readable, 'input.txt'))}).read(), attempt(${JSON.stringify(join(readable, 'input.txt'))}), attempt('/usr/evil'))`;
    const value = await inSandbox(strategy, code, { writablePaths: [shared], readOnlyPaths: [readable] });
    expect(value).toBe("('written', 'written', 'written', 'given', 'refused', 'refused')");
    expect(readFileSync(join(shared, 'out.txt'), 'utf8')).toBe('x');
  });

  it("reports no RSS in status(): the worker's pids are its namespace's, not the host's", async () => {
    const executor = makeExecutor(strategy, { sandbox: true });
    await executor.run('1');
    expect(executor.status().workers[0]?.rssMb).toBeUndefined();
  });

  it('times out, stops and recovers as outside it', async () => {
    const executor = makeExecutor(strategy, { sandbox: true, interruptGraceMs: 500 });
    const late = await executor.run('import time\nwhile True:\n    time.sleep(0.01)', { timeoutMs: 500 });
    expect(late.status).toBe('timeout');
    expect((await executor.run('6 * 7')).value).toBe('42');
  });
});

// Every other process in the call's sandbox, with what opening its memory for reading and for
// writing, and its descriptor 0, gave: 'open' or the errno.
const REACH_OTHERS = `import os
reached = []
for pid in sorted(int(entry) for entry in os.listdir('/proc') if entry.isdigit()):
    if pid == os.getpid():
        continue
    for path, mode in (('mem', 'rb'), ('mem', 'r+b'), ('fd/0', 'rb')):
        try:
            open('/proc/%d/%s' % (pid, path), mode).close()
            reached.append((pid, path, mode, 'open'))
        except OSError as error:
            reached.append((pid, path, mode, error.errno))
reached`;

// The strategies whose sandbox serves one tenant after another from processes that run no call.
describe.runIf(sandboxAvailable).each(['forked', 'isolated'] as const)('the sandbox of %s workers', (strategy) => {
  it('lets a call reach no memory nor descriptor of the processes that start later calls', async () => {
    const executor = makeExecutor(strategy, { sandbox: true });
    await executor.run('1'); // the next child or generation is waiting by now
    const result = await executor.run(REACH_OTHERS);
    expect(result.status, result.error?.traceback).toBe('ok');
    const reached = result.value as string;
    expect(reached).toMatch(/\(1, 'mem', 'rb', 13\)/); // the harness is pid 1: no init of bubblewrap's
    expect(reached).not.toContain("'open'");
  });
});

describe.runIf(sandboxAvailable)('the sandbox network', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((socket) => socket.end('hello from the host\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const connect = () => `
import socket
try:
    with socket.create_connection(('127.0.0.1', PORT), timeout=5) as s:
        reply = s.recv(100).decode().strip()
except OSError:
    reply = 'unreachable'
reply`;

  it("is cut off by default: not even the host's loopback", async () => {
    expect(await inSandbox('optimized', connect().replace('PORT', String(port)))).toBe("'unreachable'");
  });

  it('is the host network with `network: true`', async () => {
    expect(await inSandbox('optimized', connect().replace('PORT', String(port)), { network: true })).toBe(
      "'hello from the host'",
    );
  });
});

describe('sandbox options', () => {
  it('rejects the sandbox with a launcher command, and relative paths', () => {
    expect(() => createExecutor({ sandbox: true, command: ['docker', 'exec', 'box'] })).toThrow(
      /cannot be combined with `command`/,
    );
    expect(() => createExecutor({ sandbox: { writablePaths: ['data'] } })).toThrow(
      /sandbox.writablePaths.*absolute paths/,
    );
    expect(() => createExecutor({ sandbox: { network: 'yes' } as never })).toThrow(/sandbox.network/);
  });

  it('fails the call with SANDBOX_UNAVAILABLE and an install hint where bubblewrap is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), 'pyexec-no-bwrap-'));
    try {
      const executor = makeExecutor('optimized', {
        sandbox: true,
        python: testPython.startsWith('/') ? testPython : '/usr/bin/python3',
      });
      const failure = await executor.run('1').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PyExecError);
      expect((failure as PyExecError).code).toBe('SANDBOX_UNAVAILABLE');
      expect((failure as PyExecError).message).toContain('apt-get install bubblewrap');
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('inheritEnv: false', () => {
  it("starts workers without Node's environment, but PATH, HOME, LANG and `env`", async () => {
    const executor = makeExecutor('optimized', { inheritEnv: false, env: { GIVEN: 'yes' } });
    const result = await executor.run(
      `import os\n(os.environ.get(${JSON.stringify(SECRET)}), os.environ.get('GIVEN'), 'PATH' in os.environ)`,
    );
    expect(result.value).toBe("(None, 'yes', True)");
  });

  it('is checked', () => {
    expect(() => createExecutor({ inheritEnv: 'no' as never })).toThrow(/`inheritEnv`.*true or false/);
  });
});
