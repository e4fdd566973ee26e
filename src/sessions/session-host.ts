import type { EventEmitter } from 'eventemitter3';
import type { ExecutorEvents } from '../core/results.js';
import type { ForkHost } from './session-fork.js';
import type { SessionTemplates } from './template-session.js';

/**
 * What a session (`S`, the Session class: a parameter, so that this file and the session's do
 * not import each other) needs of its executor.
 */
export interface SessionHost<S> extends ForkHost<S> {
  readonly events: EventEmitter<ExecutorEvents>;
  /** The interpreter new sessions start: the executor's `python` until one said what it runs. */
  readonly interpreter: { path: string };
  /** Workers that fork sessions (forked's templates): a new interpreter is then one fork. */
  readonly templates: SessionTemplates | undefined;
  /** The session is closed (by its owner, a reaper or the executor): it leaves the executor's list. */
  closed(session: S): void;
}
