import type { EventEmitter } from 'eventemitter3';
import type { ExecutorEvents } from '../core/results.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import type { ForkListener } from './fork-listener.js';
import type { CopySource } from './session-fork.js';
import type { Session } from './session.js';
import type { SessionTemplates } from './template-session.js';

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
