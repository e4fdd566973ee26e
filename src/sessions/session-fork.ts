import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PyExecError } from '../core/errors.js';
import type { ExecutionResult } from '../core/results.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import type { ForkRequest } from '../protocol/messages.js';
import { WorkerCgroup } from '../worker/cgroup.js';
import { keepOutOfTreeKills, signalQuietly } from '../worker/kill-tree.js';
import { maxLineLength } from '../worker/worker-launcher.js';
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

/** A fork under way: its request waits in the session's queue while the copies are expected. */
export interface PendingFork {
  readonly request: ForkRequest;
  /** Resolves once the copies can connect (the executor's socket listens). */
  readonly ready: Promise<void>;
  /** With the fork's result: the copies, once each said hello (or none, and why). */
  finish(result: Promise<ExecutionResult>): Promise<CopySource[]>;
}

/**
 * Prepares `count` copies of a session's interpreter, synchronously, so that the fork takes its
 * place among the session's calls when it is asked for. The request goes to the session's
 * harness in that order (session_fork.py forks the process); then each copy connects to
 * `listener` with its one-time token and says hello as the pid its original reported. Each copy
 * gets a cgroup of its own (its limits, and what it starts is found when it ends) before any call
 * reaches it. Either every copy is made or none is left running.
 */
export function prepareFork(listener: ForkListener, options: NormalizedExecutorOptions, count: number): PendingFork {
  const places = Array.from({ length: count }, () => listener.place());
  const expected = places.map(() => listener.expect(options.startTimeoutMs));
  const tokens = expected.map((entry) => entry.token);
  const request: ForkRequest = {
    socket: places[0]?.socket as string,
    copies: places.map((place, index) => ({
      token: tokens[index] as string,
      workDir: join(place.copyDirectory, 'work'),
      scriptDir: join(place.copyDirectory, 'script'),
    })),
  };
  const removePlaces = () => Promise.all(places.map((place) => removeQuietly(place.copyDirectory)));
  const finish = async (result: Promise<ExecutionResult>): Promise<CopySource[]> => {
    let pids: number[];
    try {
      pids = pidsOf(await result, count);
    } catch (error) {
      listener.forget(tokens);
      await removePlaces();
      throw error;
    }
    try {
      return await acceptCopies(
        pids,
        expected,
        places.map((place) => place.copyDirectory),
        options,
      );
    } catch (error) {
      listener.forget(tokens);
      await removePlaces();
      throw error;
    }
  };
  return { request, ready: places[0]?.listening as Promise<void>, finish };
}

// Each copy in a cgroup of its own (made and joined while it connects), then its hello.
async function acceptCopies(
  pids: number[],
  expected: { connection: Promise<Socket> }[],
  directories: string[],
  options: NormalizedExecutorOptions,
): Promise<CopySource[]> {
  const copies = pids.map((pid) => {
    const cgroup = WorkerCgroup.create(options.limits);
    return { pid, cgroup, joined: cgroup?.join(pid), release: keepOutOfTreeKills(pid) };
  });
  const accepted = await Promise.allSettled(
    expected.map(async (entry, index) => {
      const { pid, cgroup, joined } = copies[index] as (typeof copies)[number];
      const worker = await entry.connection.then(
        (socket) => SocketWorker.accept(socket, pid, maxLineLength(options.limits), options.startTimeoutMs),
        (error: unknown) => {
          signalQuietly(pid, 'SIGKILL');
          throw error;
        },
      );
      await joined;
      cgroup?.fitToHarness(0);
      return worker;
    }),
  );
  const failure = accepted.find((outcome) => outcome.status === 'rejected');
  if (failure === undefined) {
    return accepted.map((outcome, index) => {
      const { cgroup, release } = copies[index] as (typeof copies)[number];
      const worker = (outcome as PromiseFulfilledResult<SocketWorker>).value;
      return new CopySource(worker, directories[index] as string, () => {
        release();
        cgroup?.removeSoon();
      });
    });
  }
  for (const outcome of accepted) if (outcome.status === 'fulfilled') await outcome.value.kill('closed');
  for (const { pid, cgroup, release } of copies) {
    signalQuietly(pid, 'SIGKILL');
    release();
    cgroup?.removeSoon();
  }
  throw failure.reason;
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

function removeQuietly(path: string): Promise<void> {
  return rm(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 }).catch(() => undefined);
}
