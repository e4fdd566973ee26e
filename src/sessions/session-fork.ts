import { join } from 'node:path';
import { PyExecError } from '../core/errors.js';
import type { ExecutionResult } from '../core/results.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import type { ForkRequest, HelloMessage } from '../protocol/messages.js';
import { WorkerCgroup } from '../worker/cgroup.js';
import { keepOutOfTreeKills } from '../worker/kill-tree.js';
import { maxLineLength, removeQuietly } from '../worker/worker-launcher.js';
import { SocketWorker } from '../worker/socket-worker.js';
import type { WorkerSource } from '../worker/worker-handle.js';
import type { Socket } from 'node:net';
import type { ForkListener } from './fork-listener.js';

/** What `session.fork()` takes. */
export interface ForkOptions {
  /** How many copies to make, in one pass between the session's calls. @default 1 */
  count?: number;
}

/** The copy count `fork(options)` asked for; throws what fork rejects with when it is wrong. */
export function forkCount(options: ForkOptions | undefined, maxSessions: number): number {
  const count = options?.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > maxSessions)
    throw new PyExecError(
      'INVALID_OPTION',
      `fork option \`count\` must be an integer from 1 to the executor's maxSessions (${maxSessions}), got ${String(count)}`,
    );
  return count;
}

/** Why this executor's sessions cannot fork, or undefined when they can. */
export function forkUnavailable(options: NormalizedExecutorOptions): PyExecError | undefined {
  // A sandboxed session is PID 1 of its own pid namespace (or its only child): a copy would die
  // with it, and could not reach the host's socket. A launcher's process is elsewhere (a container).
  const where =
    options.sandbox !== undefined ? 'in the sandbox' : options.command.length > 0 ? 'through a `command` launcher' : '';
  if (where === '') return undefined;
  return new PyExecError(
    'SESSION_FORK_UNAVAILABLE',
    `Sessions ${where} cannot fork: a copy would have to live in the session's own pid namespace or machine, and end with it`,
  );
}

/** What forking needs of the executor (`S`: its sessions' type). */
export interface ForkHost<S> {
  readonly options: NormalizedExecutorOptions;
  /** Where a session's forked copies connect (one per executor). */
  readonly forkListener: ForkListener;
  /** Holds `count` places for copies (SESSION_LIMIT past maxSessions); the returned function frees them. */
  reserve(count: number): () => void;
  /** A copy `source` of `parent` becomes an open session of the executor's. */
  adopt(parent: S, source: CopySource): Promise<S>;
}

/** What forking needs of the session that forks, beside its host. */
export interface ForkingSession {
  /** Why it cannot take calls (closed, lost), or undefined. */
  refusal(): PyExecError | undefined;
  /** The hello of its process (the copies are the same interpreter). */
  hello(): HelloMessage | undefined;
  /** Sends `request` as a call of its own, in the order of its calls, once `ready`. */
  schedule(request: ForkRequest, ready: Promise<void>): Promise<ExecutionResult>;
}

/**
 * `session.fork(options)`: the copies, each adopted by the host as an open session, once the
 * fork (placed among the session's calls now) has made them. Rejects as fork documents.
 */
export function forkSession<S>(
  host: ForkHost<S>,
  original: S,
  options: ForkOptions | undefined,
  forking: ForkingSession,
): Promise<S | S[]> {
  let release: () => void;
  let count: number;
  try {
    count = forkCount(options, host.options.maxSessions);
    const refusal = forkUnavailable(host.options) ?? forking.refusal();
    if (refusal !== undefined) throw refusal;
    release = host.reserve(count);
  } catch (error) {
    return Promise.reject(error);
  }
  const pending = prepareFork(host.forkListener, host.options, count, () => forking.hello());
  const copies = pending
    .finish(forking.schedule(pending.request, pending.ready))
    .then((sources) => {
      release();
      return Promise.all(sources.map((source) => host.adopt(original, source)));
    })
    .finally(release);
  return options?.count === undefined ? copies.then((made) => made[0] as S) : copies;
}

/** A fork under way: its request waits in the session's queue while the copies are expected. */
export interface PendingFork {
  readonly request: ForkRequest;
  /** Resolves once the copies can connect (the executor's socket listens). */
  readonly ready: Promise<void>;
  /** With the fork's result: the copies (or none, and why). */
  finish(result: Promise<ExecutionResult>): Promise<CopySource[]>;
}

/**
 * Prepares `count` copies of a session's interpreter, synchronously, so that the fork takes its
 * place among the session's calls when it is asked for. The request goes to the session's
 * harness in that order: it connects to `listener` once per copy with the copy's one-time token,
 * then forks (session_fork.py). Each copy moves itself into the cgroup made for it here (its
 * limits, and what it starts is found when it ends) before it reads its first message. Either
 * every copy is made or none is left running.
 */
export function prepareFork(
  listener: ForkListener,
  options: NormalizedExecutorOptions,
  count: number,
  /** The hello of the process that forks (once it forked): the copies are the same interpreter. */
  original: () => HelloMessage | undefined,
): PendingFork {
  const copies = Array.from({ length: count }, () => expectCopy(listener, options));
  const request: ForkRequest = {
    socket: copies[0]?.socket as string,
    copies: copies.map(({ token, copyDirectory, cgroup }) => {
      const copy = { token, workDir: join(copyDirectory, 'work'), scriptDir: join(copyDirectory, 'script') };
      return cgroup === undefined ? copy : { ...copy, cgroups: cgroup.directories };
    }),
  };
  const finish = async (result: Promise<ExecutionResult>): Promise<CopySource[]> => {
    // Every copy connected before its fork; a fork that failed leaves connections nobody uses.
    const connections = copies.map((copy) => copy.connection);
    try {
      const pids = pidsOf(await result, count);
      const sockets = await Promise.all(connections);
      const hello = original();
      if (hello === undefined) throw new PyExecError('SESSION_LOST', 'The session ended as it forked');
      return copies.map((copy, index) => {
        const pid = pids[index] as number;
        const worker = new SocketWorker(sockets[index] as Socket, { ...hello, pid }, maxLineLength(options.limits));
        return copySource(worker, copy);
      });
    } catch (error) {
      await abandonCopies(listener, copies);
      throw error;
    }
  };
  return { request, ready: copies[0]?.listening as Promise<void>, finish };
}

/** A copy (a fork's, or a session a template forks) the host expects: where, its token, its cgroup. */
export interface ExpectedCopy {
  readonly socket: string;
  readonly copyDirectory: string;
  readonly listening: Promise<void>;
  readonly token: string;
  readonly connection: Promise<Socket>;
  readonly cgroup: WorkerCgroup | undefined;
}

/** A place, a one-time token and a cgroup for a copy about to be forked. */
export function expectCopy(listener: ForkListener, options: NormalizedExecutorOptions): ExpectedCopy {
  const place = listener.place();
  return { ...place, ...listener.expect(options.startTimeoutMs), cgroup: WorkerCgroup.create(options.limits) };
}

/** The copy on `worker`, once it connected, as its session's pool takes it. */
export function copySource(worker: SocketWorker, copy: ExpectedCopy): CopySource {
  const release = keepOutOfTreeKills(worker.pid);
  return new CopySource(worker, copy.copyDirectory, () => {
    release();
    copy.cgroup?.removeSoon();
  });
}

/** Gives up on `copies`: their tokens refused, connections closed, cgroups and directories removed. */
export async function abandonCopies(listener: ForkListener, copies: readonly ExpectedCopy[]): Promise<void> {
  listener.forget(copies.map((copy) => copy.token));
  for (const copy of copies) {
    void copy.connection.then(
      (socket) => socket.destroy(),
      () => undefined,
    );
    copy.cgroup?.removeSoon();
    await removeQuietly(copy.copyDirectory);
  }
}

/** The copies' pids from the fork's result, or what fork rejects with. */
function pidsOf(result: ExecutionResult, count: number): number[] {
  if (result.status === 'ok') {
    const pids = (result.value ?? '').split(',').map(Number);
    if (pids.length === count && pids.every((pid) => Number.isInteger(pid) && pid > 1)) return pids;
    throw new PyExecError(
      'PROTOCOL_ERROR',
      `The session's harness answered a fork with ${JSON.stringify(result.value)}`,
    );
  }
  if (result.error?.type === 'ForkUnsafe')
    throw new PyExecError(
      'SESSION_FORK_UNSAFE',
      `The session cannot fork: it has ${result.error.message}, and threads do not survive a fork ` +
        '(a copy would hold their locks for ever). End or join them first',
    );
  const why = result.error?.message ?? `the fork ended ${result.status}`;
  throw new PyExecError('WORKER_START_FAILED', `The session could not fork: ${why}`);
}

/**
 * A forked copy as its session's pool sees it: a worker source that hands over the copy once
 * (a restart() of the copy starts an ordinary process). Its directory and cgroup go with it.
 */
export class CopySource implements WorkerSource {
  resetHooks: readonly string[] = [];
  private taken = false;

  constructor(
    readonly worker: SocketWorker,
    private readonly directory: string,
    /** Once the copy has exited: what it held goes (its cgroup, its place among the independent). */
    exited: () => void,
  ) {
    worker.once('exit', () => {
      exited();
      void removeQuietly(directory);
    });
  }

  start(): Promise<SocketWorker> {
    if (this.taken)
      return Promise.reject(new PyExecError('WORKER_START_FAILED', 'A forked copy serves one session once'));
    this.taken = true;
    return Promise.resolve(this.worker);
  }

  learnPreloads(): boolean {
    return false;
  }

  async dispose(): Promise<void> {
    if (this.worker.alive) await this.worker.kill('closed');
    await removeQuietly(this.directory);
  }
}
