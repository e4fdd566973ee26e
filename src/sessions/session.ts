import type { PyExecError } from '../core/errors.js';
import type { ExecutionResult, SessionEndReason, SessionInfo, SessionState } from '../core/results.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import { normalizeRunOptions, type RunOptions } from '../options/run-options.js';
import type { NormalizedSessionOptions } from '../options/session-options.js';
import { Call } from '../pool/call.js';
import { newCall, submitCall } from '../pool/call-submission.js';
import { streamCall, type StreamEvent } from '../pool/call-stream.js';
import type { WorkerSource } from '../worker/worker-handle.js';
import { forkSession, type ForkOptions } from './session-fork.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import { lossOf, refusalOf, type ProcessExit, type SessionEnding } from './session-ending.js';
import { sessionPool, sessionPoolOptions } from './session-process.js';
import { SessionClock } from './session-clock.js';
import { SessionQueue } from './session-queue.js';
import { SessionFiles, type SessionFileEntry } from './session-files.js';
import type { RunMessage } from '../protocol/messages.js';
import type { SessionHost } from './session-host.js';
import { sessionFromTemplate } from './template-session.js';

/**
 * One interpreter that lives across calls: globals, imports, functions and the working directory
 * persist until `restart()` or the session's end. It is a process of its own (the harness in
 * session mode), outside the executor's pool; its calls run one at a time, in the order made.
 * When that process is killed or dies, the session is `lost` and says so on every later call
 * (SESSION_LOST): it is never silently replaced by a fresh interpreter.
 */
export class Session {
  readonly id: string;
  readonly createdAt = Date.now();
  private current: SessionState = 'starting';
  private lastUsed = this.createdAt;
  private finishedCalls = 0;
  // Its calls, one at a time in the order made.
  private readonly queue = new SessionQueue(() => this.afterCall());
  private pool: WorkerPool;
  private pid: number | undefined;
  private restarting: Promise<void> | undefined;
  // Which interpreter calls are made for: restart() moves on to the next.
  private interpreter = 0;
  private ending: SessionEnding | undefined;
  private lastRecycle: string | undefined;
  private readonly clock: SessionClock;
  private lifetimeDue = false;
  private readonly poolOptions: NormalizedExecutorOptions;
  // Its pool was given its process (a copy's, a template's fork) rather than starting one.
  private poolHasProcess = false;
  // Calls of the session's own (a fork): not shown to the executor's listeners as executions.
  private readonly internalCalls = new Set<string>();
  private readonly files: SessionFiles;

  /** @internal Made by the executor's SessionRegistry (`createSession`). */
  constructor(
    private readonly host: SessionHost<Session>,
    private readonly options: NormalizedSessionOptions,
    /** A forked copy's process, which its first interpreter is (later ones start afresh). */
    firstSource?: WorkerSource,
    /** The session this one was forked from. */
    readonly forkedFrom?: string,
  ) {
    this.id = options.id;
    this.poolOptions = sessionPoolOptions(host.options, options.maxRssMb, host.interpreter.path);
    this.pool = this.newPool(firstSource);
    this.files = new SessionFiles((fileOp) => {
      // Asked while restart() runs: on the new interpreter's directory, as a call would be.
      const perform = () => this.runInternal({ fileOp });
      return this.restarting === undefined ? perform() : this.restarting.then(perform, perform);
    }, host.options.limits);
    this.clock = new SessionClock(options, {
      idle: () => {
        if ((this.current === 'idle' || this.current === 'lost') && this.queue.size === 0) void this.closeFor('idle');
      },
      lifetime: () => this.lifetimeOver(),
    });
  }

  /** @internal The options it was created with (a fork's copies take them). */
  get sessionOptions(): NormalizedSessionOptions {
    return this.options;
  }

  get state(): SessionState {
    return this.current;
  }

  /** @internal Starts its process; resolves once it is ready (createSession awaits this). */
  async start(): Promise<void> {
    this.current = 'starting';
    try {
      await this.fromTemplate();
      await this.pool.warmUp();
    } catch (error) {
      // A session that never started never began: no session:end for it (createSession rejects).
      this.ending = {
        reason: 'crashed',
        at: Date.now(),
        detail: `its process failed to start: ${(error as Error).message}`,
      };
      this.current = 'lost';
      throw error;
    }
    const worker = this.pool.firstWorker();
    this.pid = worker?.pid;
    // Later sessions start the interpreter itself, not a launcher shim (pyenv's costs ~80 ms).
    if (worker?.hello?.executable) this.host.interpreter.path = worker.hello.executable;
    if (this.ending !== undefined) return; // closed while it started
    this.current = 'idle';
    if (this.lifetimeDue)
      void this.closeFor('lifetime'); // it passed while restart() ran
    else this.clock.armIdle();
  }

  /**
   * Runs `code` in the session's interpreter, after the session's earlier calls: resolves with
   * the ExecutionResult `executor.run` would give. Rejects SESSION_LOST once its process died,
   * SESSION_CLOSED once it is closed.
   */
  run(code: string, options?: RunOptions): Promise<ExecutionResult> {
    const restarting = this.restarting;
    // Made while restart() runs: for the new interpreter (or refused, if it failed to start).
    const again = () => this.run(code, options);
    if (restarting !== undefined) return restarting.then(again, again);
    const refusal = this.refusal();
    if (refusal !== undefined) return Promise.reject(refusal);
    let call: Call;
    try {
      call = newCall(code, this.withSessionEnv(options), this.poolOptions);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.schedule(call);
  }

  /** `run` as an async iterator of the call's events (see executor.stream). */
  stream(code: string, options?: RunOptions): AsyncIterableIterator<StreamEvent> {
    return streamCall((withCallbacks) => this.run(code, withCallbacks), options);
  }

  /**
   * Copies of the live interpreter, made between this session's calls, in their order: each a
   * new session (in `executor.sessions()`), with this one's variables, imports, objects and a copy
   * of its working directory's files; from then on neither sees the other's changes. One copy by
   * default, an array of `count` with `{ count }`. Rejects SESSION_FORK_UNSAFE while threads of
   * the session's own run (they do not survive a fork), SESSION_LIMIT past maxSessions.
   */
  fork(): Promise<Session>;
  fork(options: ForkOptions & { count: number }): Promise<Session[]>;
  fork(options?: ForkOptions): Promise<Session | Session[]>;
  fork(options?: ForkOptions): Promise<Session | Session[]> {
    // Asked while restart() runs: a copy of the new interpreter.
    const again = () => this.fork(options);
    if (this.restarting !== undefined) return this.restarting.then(again, again);
    return forkSession(this.host, this, options, {
      refusal: () => this.refusal(),
      hello: () => this.pool.firstWorker()?.hello,
      // In the session's order from now: calls made after fork() returns run after the copy is made.
      schedule: (request, ready) => this.runInternal({ fork: request }, ready),
    });
  }

  /** Writes `data` (text as UTF-8, or bytes) at `path` in its working directory, after its earlier calls. */
  writeFile(path: string, data: string | Uint8Array): Promise<void> {
    return this.files.write(path, data);
  }

  /** The bytes of the file at `path` in its working directory (at most limits.maxOutputBytes). */
  readFile(path: string): Promise<Uint8Array> {
    return this.files.read(path);
  }

  /** The entries of `directory` (default: its working directory), symlinks listed as such. */
  listFiles(directory?: string): Promise<SessionFileEntry[]> {
    return this.files.list(directory);
  }

  /** Removes the file (or symlink) at `path` in its working directory. */
  removeFile(path: string): Promise<void> {
    return this.files.remove(path);
  }

  // A request of the session's own (a fork, a file operation), in the order of its calls; not an
  // execution for the executor's listeners.
  private runInternal(internal: Pick<RunMessage, 'fork' | 'fileOp'>, ready?: Promise<void>): Promise<ExecutionResult> {
    const call = new Call('', normalizeRunOptions(undefined, this.poolOptions), 0, internal);
    this.internalCalls.add(call.id);
    return this.schedule(call, false, ready).finally(() => this.internalCalls.delete(call.id));
  }

  // Runs `call` after the session's earlier calls; `counted`: a call of the user's (info().calls).
  // `ready`: what must be done before it is sent (a fork's socket listens).
  private schedule(call: Call, counted = true, ready?: Promise<void>): Promise<ExecutionResult> {
    const refusal = this.refusal();
    if (refusal !== undefined) return Promise.reject(refusal);
    this.current = 'busy';
    this.clock.disarmIdle();
    const interpreter = this.interpreter;
    return this.queue.add(call, () => this.runNow(call, interpreter, counted, ready));
  }

  /** True if call `executionId` of this session was queued or running and is now stopped. */
  stop(executionId: string): Promise<boolean> {
    return this.queue.remove(executionId) ? Promise.resolve(true) : this.pool.stop(executionId);
  }

  /**
   * A new, empty interpreter under the same id: the only way a session's state is dropped. Calls
   * made before it and still waiting resolve `stopped`; calls made while it runs wait for it.
   */
  async restart(): Promise<void> {
    if (this.current === 'closed') throw this.refusal() as PyExecError;
    this.restarting ??= this.replaceInterpreter().finally(() => (this.restarting = undefined));
    await this.restarting;
  }

  private async replaceInterpreter(): Promise<void> {
    const old = this.pool;
    this.interpreter++;
    this.ending = undefined;
    this.lastRecycle = undefined;
    this.pool = this.newPool();
    this.pid = undefined;
    await old.close();
    await this.start();
    this.host.events.emit('session:start', { id: this.id });
  }

  /** Ends the session and its process; later calls reject SESSION_CLOSED. */
  async close(): Promise<void> {
    await this.closeFor('closed');
  }

  /** What `executor.sessions()` lists. */
  info(): SessionInfo {
    const worker = this.pool.status().workers[0];
    const info: SessionInfo = {
      id: this.id,
      state: this.current,
      createdAt: this.createdAt,
      lastUsedAt: this.lastUsed,
      calls: this.finishedCalls,
      pid: this.current === 'lost' || this.current === 'closed' ? undefined : this.pid,
      metadata: { ...this.options.metadata },
    };
    if (this.forkedFrom !== undefined) info.forkedFrom = this.forkedFrom;
    if (worker?.rssMb !== undefined) info.rssMb = worker.rssMb;
    return info;
  }

  /** @internal Closes it for `reason` (the executor's close, a reaper): its calls are stopped. */
  async closeFor(reason: SessionEndReason): Promise<void> {
    if (this.current === 'closed') return;
    this.end(reason, '', 'closed');
    await this.pool.close();
  }

  // Runs `call` now (the calls before it have settled).
  private runNow(call: Call, interpreter: number, counted: boolean, ready?: Promise<void>): Promise<ExecutionResult> {
    // Closed, or restarted, while it waited for the calls before it: stopped, as the executor's
    // queued calls are (it was meant for an interpreter that is gone).
    if (this.current === 'closed' || interpreter !== this.interpreter)
      return Promise.resolve(call.resultWithoutHarness('stopped'));
    const refusal = this.refusal() ?? this.lostWorker();
    if (refusal !== undefined) return Promise.reject(refusal);
    const submitted =
      ready === undefined
        ? submitCall(this.pool, call, () => this.pool.submit(call))
        : ready.then(() => submitCall(this.pool, call, () => this.pool.submit(call)));
    return submitted.then((result) => {
      if (counted) this.finishedCalls++;
      this.lastUsed = Date.now();
      return result;
    });
  }

  private afterCall(): void {
    // During restart() the old interpreter's calls end: the new one is not there yet to check.
    if (this.ending !== undefined || this.restarting !== undefined) return;
    if (this.lostWorker() !== undefined) return;
    if (this.queue.size > 0) return;
    this.current = 'idle';
    if (this.lifetimeDue) void this.closeFor('lifetime');
    else this.clock.armIdle();
  }

  // Undefined while its process serves; else the session is lost now, and this says why.
  private lostWorker(): PyExecError | undefined {
    const worker = this.pool.firstWorker();
    if (worker !== undefined && worker.pid === this.pid && worker.state !== 'stopping') return undefined;
    this.loseFromExit(undefined);
    return this.refusal();
  }

  // Its process is gone (or going): why, from the last recycle or exit the pool reported.
  private loseFromExit(exit: ProcessExit | undefined): void {
    if (this.ending !== undefined) return;
    const { reason, detail } = lossOf(exit, this.lastRecycle);
    this.end(reason, detail, 'lost');
  }

  // The session ends once (session:end); a lost one that is then closed only leaves the list.
  private end(reason: SessionEndReason, detail: string, state: 'closed' | 'lost' = 'lost'): void {
    if (this.ending !== undefined && state === 'lost') return;
    const first = this.ending === undefined;
    // Closed after it was lost: SESSION_CLOSED then names why it was closed.
    if (first || state === 'closed') this.ending = { reason, at: Date.now(), detail: this.ending?.detail ?? detail };
    this.current = state;
    if (state === 'closed') {
      this.clock.stop();
      this.host.closed(this);
    } else {
      // Lost, it keeps its place until restarted or closed: its idle time and lifetime still
      // count, so one nobody restarts is reaped like an idle one.
      this.clock.armIdle();
    }
    if (first) this.host.events.emit('session:end', { id: this.id, reason });
  }

  private refusal(): PyExecError | undefined {
    return this.ending === undefined
      ? undefined
      : refusalOf(this.id, this.ending, this.current === 'lost', this.host.options.hostName);
  }

  // Where the executor's workers fork sessions, its process is a template's fork, unless it has
  // one already (a copy); else (no template could) the pool starts one.
  private async fromTemplate(): Promise<void> {
    const { templates, forkListener, options } = this.host;
    if (templates === undefined || this.poolHasProcess) return;
    const unstarted = this.pool;
    const source = await sessionFromTemplate(forkListener, options, templates, this.options.maxRssMb);
    if (source === undefined || this.pool !== unstarted || this.ending !== undefined) return void source?.dispose();
    this.pool = this.newPool(source);
    await unstarted.close();
  }

  private newPool(source?: WorkerSource): WorkerPool {
    this.poolHasProcess = source !== undefined;
    const pool: WorkerPool = sessionPool(this.poolOptions, this.host.events, this.internalCalls, source, {
      retiring: (reason) => {
        if (pool === this.pool) this.lastRecycle = reason;
      },
      // Between calls nobody asks: its death is noticed here (killed from outside, say).
      exited: (pid, exit) => {
        if (pool === this.pool && pid === this.pid && exit.reason !== 'closed') this.loseFromExit(exit);
      },
    });
    return pool;
  }

  private withSessionEnv(options: RunOptions | undefined): RunOptions | undefined {
    const sessionEnv = this.options.env;
    if (Object.keys(sessionEnv).length === 0) return options;
    return { ...options, env: { ...sessionEnv, ...options?.env } };
  }

  private lifetimeOver(): void {
    if (this.queue.size === 0 && this.current !== 'starting' && this.restarting === undefined)
      void this.closeFor('lifetime');
    else this.lifetimeDue = true;
  }
}
