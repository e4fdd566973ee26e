import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PyExecError } from '../core/errors.js';
import { removeAtExit } from '../worker/exit-cleanup.js';

// A token line is 64 hex digits and a newline: a connection that sends more, or nothing for this
// long, is not a copy of ours.
const TOKEN_BYTES = 32;
const TOKEN_WAIT_MS = 5_000;

interface Expected {
  arrived(socket: Socket): void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Where the copies a session forks reach their host: a Unix socket in a directory of this user's
 * (mode 0700), one per executor, made at the first fork. A copy is taken only with the one-time
 * token its fork was given: any other connection (another process of this user, a copy whose
 * token was used already) is closed unheard. The directory also holds the copies' own
 * directories, and goes when the executor closes or the process exits.
 */
export class ForkListener {
  private opened: { server: Server; directory: string; listening: Promise<void>; forget: () => void } | undefined;
  private readonly expected = new Map<string, Expected>();
  private copies = 0;

  /**
   * The socket's path, a directory for one copy's files (made by the copy's harness), and when
   * the socket listens. Synchronous, so a fork takes its place among its session's calls at once.
   */
  place(): { socket: string; copyDirectory: string; listening: Promise<void> } {
    const { directory, listening } = this.open();
    return {
      socket: join(directory, 'socket'),
      copyDirectory: join(directory, `copy-${++this.copies}-${token(12)}`),
      listening,
    };
  }

  /** A new one-time token, and the connection that presents it (rejects after `timeoutMs`). */
  expect(timeoutMs: number): { token: string; connection: Promise<Socket> } {
    const expectedToken = token(TOKEN_BYTES);
    const connection = new Promise<Socket>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.expected.delete(expectedToken);
        reject(new PyExecError('WORKER_START_FAILED', `A forked copy did not connect within ${timeoutMs} ms`));
      }, timeoutMs);
      this.expected.set(expectedToken, {
        timer,
        arrived: (socket) => {
          clearTimeout(timer);
          resolve(socket);
        },
      });
    });
    connection.catch(() => undefined); // a fork that failed first no longer waits for it
    return { token: expectedToken, connection };
  }

  /** Forgets `tokens` (a fork that failed): connections presenting them are refused. */
  forget(tokens: readonly string[]): void {
    for (const expectedToken of tokens) {
      clearTimeout(this.expected.get(expectedToken)?.timer);
      this.expected.delete(expectedToken);
    }
  }

  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    if (opened === undefined) return;
    await opened.listening.catch(() => undefined);
    await new Promise<void>((resolve) => opened.server.close(() => resolve()));
    opened.forget();
    await rm(opened.directory, { recursive: true, force: true });
  }

  private open(): { server: Server; directory: string; listening: Promise<void>; forget: () => void } {
    if (this.opened !== undefined) return this.opened;
    const directory = mkdtempSync(join(tmpdir(), 'pyexec-forks-'));
    const forget = removeAtExit(directory);
    const server = createServer((socket) => this.identify(socket));
    server.unref(); // an open executor never keeps the process alive by this alone
    const listening = new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(new PyExecError('WORKER_START_FAILED', `Could not listen for forked copies: ${error.message}`)),
      );
      server.listen(join(directory, 'socket'), () => resolve());
    });
    listening.catch(() => undefined); // each fork awaits it and reports the failure
    this.opened = { server, directory, listening, forget };
    return this.opened;
  }

  // Reads the token line; the rest of what arrived stays on the socket for the worker's reader.
  private identify(socket: Socket): void {
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), TOKEN_WAIT_MS);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const newline = received.indexOf(10);
      if (newline === -1) {
        if (received.length > TOKEN_BYTES * 2) socket.destroy();
        return;
      }
      clearTimeout(timer);
      socket.off('data', onData);
      socket.pause();
      const presented = received.subarray(0, newline).toString('latin1');
      const expected = this.expected.get(presented);
      if (expected === undefined) {
        socket.destroy();
        return;
      }
      this.expected.delete(presented);
      const rest = received.subarray(newline + 1);
      if (rest.length > 0) socket.unshift(rest);
      expected.arrived(socket);
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  }
}

function token(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
