import { constants } from 'node:os';
import type { Socket } from 'node:net';
import { EventEmitter } from 'eventemitter3';
import { PyExecError } from '../core/errors.js';
import { decodeHarnessMessage, encodeHostMessage } from '../protocol/codec.js';
import { LineSplitter } from '../protocol/line-splitter.js';
import type { HarnessMessage, HelloMessage, HostMessage } from '../protocol/messages.js';
import { shutDownGracefully, type WorkerEvents, type WorkerExit, type WorkerHandle } from './worker-handle.js';
import { killProcessTree, signalQuietly } from './kill-tree.js';
import { statFieldsOf } from './process-tree.js';

// A copy is not the host's child: nothing tells the host it exited but its socket's end, and
// this check of its pid, for a socket that something it started holds open after it died.
const LIVENESS_CHECK_MS = 500;
// After its socket closed, how long the process may take to exit before its tree is killed.
const EXIT_WAIT_MS = 250;
const EXIT_POLL_MS = 10;

/**
 * A harness process that is not the host's own child, on a Unix socket: a copy a session forked
 * (session_fork.py). Its pid is the one its original reported when it forked; how it ended is
 * read from /proc while it is a zombie (its original reaps it only between its own calls, and
 * once the original is gone, whoever inherits it may be quicker: then it is not known).
 */
export class SocketWorker extends EventEmitter<WorkerEvents> implements WorkerHandle {
  readonly pid: number;
  readonly harnessPid: number;
  readonly namespaced = false;
  servingPid: number | undefined;
  startHooks: readonly string[] = [];
  killReason: string | undefined;
  private exitInfo: WorkerExit | undefined;
  private readonly exited: Promise<WorkerExit>;
  private markExited!: (exit: WorkerExit) => void;
  private readonly liveness: NodeJS.Timeout;
  // Its start time (/proc/<pid>/stat): once it is reaped, its pid may name another process.
  private readonly startedAt: string | undefined;

  /**
   * The copy on `socket` (connected, and its token read, before the fork): process `hello.pid`,
   * which speaks no hello of its own (it is the interpreter its original said hello as).
   */
  constructor(
    private readonly socket: Socket,
    readonly hello: HelloMessage,
    maxLineLength: number,
  ) {
    super();
    this.pid = hello.pid;
    this.harnessPid = hello.pid;
    this.servingPid = hello.pid;
    this.startedAt = statFieldsOf(hello.pid)?.[19];
    this.exited = new Promise((resolve) => (this.markExited = resolve));
    this.liveness = setInterval(() => {
      if (!this.running()) socket.destroy();
    }, LIVENESS_CHECK_MS);
    this.liveness.unref();
    const splitter = new LineSplitter(maxLineLength);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => void this.ended());
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      let messages: HarnessMessage[];
      try {
        messages = splitter.push(chunk).map(decodeHarnessMessage);
      } catch (error) {
        this.emit('protocolError', error as PyExecError);
        return;
      }
      for (const message of messages) this.emit('message', message);
    });
    socket.resume();
  }

  /**
   * The worker on `socket` once it said hello (a session forked from a template, which speaks
   * first as a started harness does), as a process `trusted(pid)` accepts. Rejects if it says
   * anything else first, closes, or is silent for `timeoutMs`.
   */
  static afterHello(
    socket: Socket,
    maxLineLength: number,
    timeoutMs: number,
    trusted: (pid: number) => boolean,
  ): Promise<SocketWorker> {
    return new Promise((resolve, reject) => {
      let received = '';
      const fail = (why: string) => {
        cleanUp();
        socket.destroy();
        reject(new PyExecError('WORKER_START_FAILED', `The forked session ${why}`));
      };
      const timer = setTimeout(() => fail(`did not say hello within ${timeoutMs} ms`), timeoutMs);
      const onClose = () => fail('closed its channel before it was ready');
      const onData = (chunk: Buffer) => {
        received += chunk.toString('utf8');
        const newline = received.indexOf('\n');
        if (newline === -1) {
          if (received.length > maxLineLength) fail('sent a line longer than the protocol allows');
          return;
        }
        let hello: HarnessMessage;
        try {
          hello = decodeHarnessMessage(received.slice(0, newline));
        } catch (error) {
          fail(`sent what is not the protocol: ${(error as Error).message}`);
          return;
        }
        if (hello.type !== 'hello' || !trusted(hello.pid)) {
          fail(
            hello.type === 'hello'
              ? `said it was pid ${hello.pid}, not a child of its template`
              : `sent ${hello.type} first`,
          );
          return;
        }
        cleanUp();
        socket.pause();
        const rest = received.slice(newline + 1);
        if (rest.length > 0) socket.unshift(Buffer.from(rest, 'utf8'));
        resolve(new SocketWorker(socket, hello, maxLineLength));
      };
      const cleanUp = () => {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('close', onClose);
      };
      socket.on('data', onData);
      socket.once('close', onClose);
      socket.on('error', () => socket.destroy());
      socket.resume();
    });
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  diagnostics(): string {
    return ''; // a copy's crash reports have nowhere to go (see fork_guard.silence_diagnostics)
  }

  send(message: HostMessage): void {
    if (!this.socket.destroyed) this.socket.write(encodeHostMessage(message));
  }

  interrupt(): void {
    if (this.alive) signalQuietly(this.pid, 'SIGINT');
  }

  shutDown(reason: string): Promise<WorkerExit> {
    if (this.alive) this.killReason ??= reason;
    return shutDownGracefully(this, this.exited, reason);
  }

  async kill(reason: string): Promise<WorkerExit> {
    this.killReason ??= reason;
    if (this.alive) {
      if (this.running()) await killProcessTree(this.pid);
      this.socket.destroy();
    }
    return this.exited;
  }

  // Its channel is gone: once the process is too (killed if it lingers), it has exited.
  private async ended(): Promise<void> {
    if (this.exitInfo !== undefined) return;
    clearInterval(this.liveness);
    const deadline = Date.now() + EXIT_WAIT_MS;
    while (this.running() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, EXIT_POLL_MS));
    if (this.running()) await killProcessTree(this.pid);
    const exit: WorkerExit = { ...this.exitStatus(), diagnostics: '' };
    this.exitInfo = exit;
    this.markExited(exit);
    this.emit('exit', exit);
  }

  // Still this process (not a reused pid), alive and not a zombie (its new parent may be slow to reap it).
  private running(): boolean {
    const fields = statFieldsOf(this.pid);
    return fields !== undefined && fields[19] === this.startedAt && fields[0] !== 'Z' && fields[0] !== 'X';
  }

  // How it ended, from the exit_code field of /proc/<pid>/stat (a wait status) while it is a
  // zombie; unknown once its new parent reaped it.
  private exitStatus(): { exitCode: number | null; signal: string | null } {
    const fields = statFieldsOf(this.pid);
    const status = fields?.[19] === this.startedAt ? Number(fields?.[49]) : Number.NaN;
    if (!Number.isInteger(status)) return { exitCode: null, signal: null };
    const signal = status & 0x7f;
    if (signal === 0) return { exitCode: (status >> 8) & 0xff, signal: null };
    const name = Object.entries(constants.signals).find(([, number]) => number === signal)?.[0];
    return { exitCode: null, signal: name ?? String(signal) };
  }
}
