import type { EventEmitter } from 'eventemitter3';
import { PyExecError } from '../core/errors.js';
import type { ExecutorEvents, SessionInfo } from '../core/results.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import { normalizeSessionOptions, type SessionOptions } from '../options/session-options.js';
import { randomUUID } from 'node:crypto';
import { ForkListener } from './fork-listener.js';
import { forkUnavailable, type CopySource } from './session-fork.js';
import type { SessionTemplates } from './template-session.js';
import type { SessionHost } from './session-host.js';
import { Session } from './session.js';

/** An executor's sessions: at most `maxSessions` open (a closed one frees its place; a lost one keeps it until closed). */
export class SessionRegistry {
  private readonly open = new Map<string, Session>();
  private closing = false;
  private readonly host: SessionHost<Session>;
  // Places held for copies a fork is making.
  private reserved = 0;
  private readonly forkListener = new ForkListener();

  constructor(
    private readonly options: NormalizedExecutorOptions,
    events: EventEmitter<ExecutorEvents>,
    /** The executor's workers, when they fork sessions (forked's templates). */
    templates?: SessionTemplates,
  ) {
    this.host = {
      options,
      events,
      // Sessions come from a template only where its forks can live apart (see forkUnavailable).
      templates: forkUnavailable(options) === undefined ? templates : undefined,
      forkListener: this.forkListener,
      interpreter: { path: options.python },
      closed: (session) => this.forget(session),
      reserve: (count) => this.reserve(count),
      adopt: (parent, source) => this.adopt(parent, source),
    };
  }

  async create(input: SessionOptions | undefined): Promise<Session> {
    const options = normalizeSessionOptions(input, this.options.sessionDefaults);
    if (this.open.has(options.id))
      throw new PyExecError('SESSION_EXISTS', `A session with id ${JSON.stringify(options.id)} is already open`);
    this.expectRoom(1);
    return this.started(new Session(this.host, options));
  }

  // Holds places for `count` copies until the returned function is called (once).
  private reserve(count: number): () => void {
    this.expectRoom(count);
    this.reserved += count;
    let held = count;
    return () => {
      this.reserved -= held;
      held = 0;
    };
  }

  // A fork's copy joins the open sessions (its place was reserved): its options are its parent's.
  private adopt(parent: Session, source: CopySource): Promise<Session> {
    if (this.closing) {
      void source.dispose();
      return Promise.reject(this.closedError());
    }
    const options = { ...parent.sessionOptions, id: randomUUID() };
    return this.started(new Session(this.host, options, source, parent.id));
  }

  private expectRoom(count: number): void {
    if (this.closing) throw this.closedError();
    const taken = this.open.size + this.reserved;
    if (taken + count > this.options.maxSessions) {
      const held = this.reserved > 0 ? ` (${this.reserved} of them held for copies being forked)` : '';
      throw new PyExecError(
        'SESSION_LIMIT',
        `${taken} sessions are open${held}, and ${count} more would pass the executor's maxSessions (${this.options.maxSessions}): close one first`,
      );
    }
  }

  private closedError(): PyExecError {
    return new PyExecError('EXECUTOR_CLOSED', 'The executor is closed; create a new one to open sessions');
  }

  private async started(session: Session): Promise<Session> {
    this.open.set(session.id, session);
    try {
      await session.start();
    } catch (error) {
      this.open.delete(session.id);
      await session.closeFor('closed');
      throw error;
    }
    this.host.events.emit('session:start', { id: session.id });
    return session;
  }

  get(id: string): Session | undefined {
    return this.open.get(id);
  }

  list(): SessionInfo[] {
    return [...this.open.values()].map((session) => session.info());
  }

  /** Whether a session's call `executionId` was stopped. */
  async stop(executionId: string): Promise<boolean> {
    for (const session of this.open.values()) if (await session.stop(executionId)) return true;
    return false;
  }

  /** Closes every session (the executor closes): nothing of theirs is left running. */
  async closeAll(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.open.values()].map((session) => session.closeFor('executor-closed')));
    await this.forkListener.close();
  }

  private forget(session: Session): void {
    if (this.open.get(session.id) === session) this.open.delete(session.id);
  }
}
