import type { EventEmitter } from 'eventemitter3';
import type { PyExecError } from '../core/errors.js';
import type { ExecutionResult, ExecutorEvents, SessionEndReason, SessionInfo, SessionState } from '../core/results.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import { normalizeRunOptions, type RunOptions } from '../options/run-options.js';
import type { NormalizedSessionOptions } from '../options/session-options.js';
import { Call } from '../pool/call.js';
import { newCall, submitCall } from '../pool/call-submission.js';
import type { WorkerSource } from '../worker/worker-handle.js';
import type { ForkListener } from './fork-listener.js';
import { forkCount, forkUnavailable, prepareFork, type CopySource, type ForkOptions } from './session-fork.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import { lossOf, refusalOf, type ProcessExit, type SessionEnding } from './session-ending.js';
import { sessionPool } from './session-process.js';
import { sessionFromTemplate, type SessionTemplates } from './template-session.js';

/** What a session needs of its executor. */
export interface SessionHost {
  readonly options: NormalizedExecutorOptions;
  readonly events: EventEmitter<ExecutorEvents>;
  /** Where a session's forked copies connect (one per executor). */
  readonly forkListener: ForkListener;
  /** The interpreter new sessions start: the executor's `python` until one said what it runs. */
  readonly interpreter: { path: string };
  /** Workers that fork sessions (forked's templates): a new interpreter is then one fork. */
  readonly templates: SessionTemplates | undefined;
  /** The session is closed (by its owner, a reaper or the executor): it leaves the executor's list. */
  closed(session: Session): void;
  /** Holds `count` places for copies (SESSION_LIMIT past maxSessions); the returned function frees them. */
  reserve(count: number): () => void;
  /** A copy `source` of `parent` becomes an open session of the executor's. */
  adopt(parent: Session, source: CopySource): Promise<Session>;
}

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
  private pending = 0;
  private pool: WorkerPool;
  private pid: number | undefined;
  // Calls run one after another: each waits here until the one before it has settled; `stop`
  // takes one out (it resolves `stopped` without running).
  private readonly waiting: { call: Call; start: () => void; stop: () => void }[] = [];
  private restarting: Promise<void> | undefined;
  // Which interpreter calls are made for: restart() moves on to the next.
  private interpreter = 0;
  private ending: SessionEnding | undefined;
  private lastRecycle: string | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private lifetimeTimer: NodeJS.Timeout | undefined;
  private lifetimeDue = false;
  private readonly poolOptions: NormalizedExecutorOptions;
  // Its pool was given its process (a copy's, a template's fork) rather than starting one.
  private poolHasProcess = false;
  // Calls of the session's own (a fork): not shown to the executor's listeners as executions.
  private readonly internalCalls = new Set<string>();

  /** @internal Made by the executor's SessionRegistry (`createSession`). */
  constructor(
    private readonly host: SessionHost,
    private readonly options: NormalizedSessionOptions,
    /** A forked copy's process, which its first interpreter is (later ones start afresh). */
    private firstSource?: WorkerSource,
    /** The session this one was forked from. */
    readonly forkedFrom?: string,
  ) {
    this.id = options.id;
    this.poolOptions = Object.freeze({
      ...host.options,
      poolSize: 1,
      maxQueue: Number.POSITIVE_INFINITY,
      maxExecutions: Number.POSITIVE_INFINITY,
      spareWorkers: 0,
      resetHooks: Object.freeze([]),
      maxRssMb: options.maxRssMb,
      python: host.interpreter.path,
    });
    this.pool = this.newPool();
    if (Number.isFinite(options.maxLifetimeMs)) {
      this.lifetimeTimer = setTimeout(() => this.lifetimeOver(), options.maxLifetimeMs);
      this.lifetimeTimer.unref();
    }
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
    else this.armIdle();
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
    let count: number;
    try {
      count = forkCount(options, this.host.options.maxSessions);
      const unavailable = forkUnavailable(this.host.options);
      if (unavailable !== undefined) throw unavailable;
    } catch (error) {
      return Promise.reject(error);
    }
    // Asked while restart() runs: a copy of the new interpreter.
    const again = () => this.fork(options);
    if (this.restarting !== undefined) return this.restarting.then(again, again);
    const refusal = this.refusal();
    if (refusal !== undefined) return Promise.reject(refusal);
    let release: () => void;
    try {
      release = this.host.reserve(count);
    } catch (error) {
      return Promise.reject(error);
    }
    // Placed in the session's order now: calls made after fork() returns run after the copy is made.
    const pending = prepareFork(this.host.forkListener, this.host.options, count, () => this.pool.firstWorker()?.hello);
    const call = new Call('', normalizeRunOptions(undefined, this.poolOptions), 0, pending.request);
    this.internalCalls.add(call.id);
    const forked = this.schedule(call, false, pending.ready).finally(() => this.internalCalls.delete(call.id));
    const copies = pending
      .finish(forked)
      .then((sources) => {
        release();
        return Promise.all(sources.map((source) => this.host.adopt(this, source)));
      })
      .finally(release);
    return options?.count === undefined ? copies.then((made) => made[0] as Session) : copies;
  }

  // Runs `call` after the session's earlier calls; `counted`: a call of the user's (info().calls).
  // `ready`: what must be done before it is sent (a fork's socket listens).
  private schedule(call: Call, counted = true, ready?: Promise<void>): Promise<ExecutionResult> {
    const refusal = this.refusal();
    if (refusal !== undefined) return Promise.reject(refusal);
    this.pending++;
    this.current = 'busy';
    this.disarmIdle();
    const interpreter = this.interpreter;
    if (this.pending === 1) return this.runNow(call, interpreter, counted, ready);
    return new Promise((resolve) =>
      this.waiting.push({
        call,
        start: () => resolve(this.runNow(call, interpreter, counted, ready)),
        stop: () => {
          this.pending--; // the call before it still runs: the session stays busy
          resolve(call.resultWithoutHarness('stopped'));
        },
      }),
    );
  }

  /** True if call `executionId` of this session was queued or running and is now stopped. */
  stop(executionId: string): Promise<boolean> {
    const index = this.waiting.findIndex((entry) => entry.call.id === executionId);
    if (index === -1) return this.pool.stop(executionId);
    this.waiting.splice(index, 1)[0]?.stop();
    return Promise.resolve(true);
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

  // Runs `call` now (the calls before it have settled); the next waiting one starts once it settles.
  private runNow(call: Call, interpreter: number, counted: boolean, ready?: Promise<void>): Promise<ExecutionResult> {
    // Closed, or restarted, while it waited for the calls before it: stopped, as the executor's
    // queued calls are (it was meant for an interpreter that is gone).
    if (this.current === 'closed' || interpreter !== this.interpreter)
      return this.settledWith(Promise.resolve(call.resultWithoutHarness('stopped')));
    const refusal = this.refusal() ?? this.lostWorker();
    if (refusal !== undefined) return this.settledWith(Promise.reject(refusal));
    const submitted =
      ready === undefined
        ? submitCall(this.pool, call, () => this.pool.submit(call))
        : ready.then(() => submitCall(this.pool, call, () => this.pool.submit(call)));
    return this.settledWith(
      submitted.then((result) => {
        if (counted) this.finishedCalls++;
        this.lastUsed = Date.now();
        return result;
      }),
    );
  }

  private settledWith(outcome: Promise<ExecutionResult>): Promise<ExecutionResult> {
    const next = () => {
      this.pending--;
      this.afterCall();
      this.waiting.shift()?.start();
    };
    outcome.then(next, next);
    return outcome;
  }

  private afterCall(): void {
    // During restart() the old interpreter's calls end: the new one is not there yet to check.
    if (this.ending !== undefined || this.restarting !== undefined) return;
    if (this.lostWorker() !== undefined) return;
    if (this.pending > 0) return;
    this.current = 'idle';
    if (this.lifetimeDue) void this.closeFor('lifetime');
    else this.armIdle();
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
      this.disarmIdle();
      clearTimeout(this.lifetimeTimer);
      this.host.closed(this);
    } else {
      // Lost, it keeps its place until restarted or closed: its idle time and lifetime still
      // count, so one nobody restarts is reaped like an idle one.
      this.armIdle();
    }
    if (first) this.host.events.emit('session:end', { id: this.id, reason });
  }

  private refusal(): PyExecError | undefined {
    return this.ending === undefined ? undefined : refusalOf(this.id, this.ending, this.current === 'lost');
  }

  // Where the executor's workers fork sessions, its process is a template's fork, unless it is a
  // copy already; else (no template could) the pool starts a process.
  private async fromTemplate(): Promise<void> {
    const { templates } = this.host;
    if (templates === undefined || this.poolHasProcess) return;
    const unused = this.pool;
    const { forkListener, options } = this.host;
    const source = await sessionFromTemplate(forkListener, options, templates, this.options.maxRssMb);
    if (source === undefined || this.pool !== unused || this.ending !== undefined) {
      await source?.dispose();
      return;
    }
    this.firstSource = source;
    this.pool = this.newPool();
    await unused.close(); // never started: nothing ran there
  }

  private newPool(): WorkerPool {
    const source = this.firstSource;
    this.firstSource = undefined;
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

  private armIdle(): void {
    this.disarmIdle();
    const { idleTimeoutMs } = this.options;
    if (idleTimeoutMs === 0 || !Number.isFinite(idleTimeoutMs)) return;
    this.idleTimer = setTimeout(() => {
      if ((this.current === 'idle' || this.current === 'lost') && this.pending === 0) void this.closeFor('idle');
    }, idleTimeoutMs);
    this.idleTimer.unref();
  }

  private disarmIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private lifetimeOver(): void {
    if (this.pending === 0 && this.current !== 'starting' && this.restarting === undefined)
      void this.closeFor('lifetime');
    else this.lifetimeDue = true;
  }
}
