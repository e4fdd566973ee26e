import type { EventEmitter } from 'eventemitter3';
import { PyExecError } from '../core/errors.js';
import type { ExecutorEvents, SessionInfo } from '../core/results.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import { normalizeSessionOptions, type SessionOptions } from '../options/session-options.js';
import { Session, type SessionHost } from './session.js';

/** An executor's sessions: at most `maxSessions` open (a closed one frees its place; a lost one keeps it until closed). */
export class SessionRegistry {
  private readonly open = new Map<string, Session>();
  private closing = false;
  private readonly host: SessionHost;

  constructor(
    private readonly options: NormalizedExecutorOptions,
    events: EventEmitter<ExecutorEvents>,
  ) {
    this.host = { options, events, closed: (session) => this.forget(session) };
  }

  async create(input: SessionOptions | undefined): Promise<Session> {
    if (this.closing)
      throw new PyExecError('EXECUTOR_CLOSED', 'The executor is closed; create a new one to open sessions');
    const options = normalizeSessionOptions(input, this.options.sessionDefaults);
    if (this.open.has(options.id))
      throw new PyExecError('SESSION_EXISTS', `A session with id ${JSON.stringify(options.id)} is already open`);
    if (this.open.size >= this.options.maxSessions) {
      throw new PyExecError(
        'SESSION_LIMIT',
        `${this.open.size} sessions are open, the executor's maxSessions (${this.options.maxSessions}): close one first`,
      );
    }
    const session = new Session(this.host, options);
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
  }

  private forget(session: Session): void {
    if (this.open.get(session.id) === session) this.open.delete(session.id);
  }
}
