import { EventEmitter } from 'eventemitter3';
import type { ExecutorEvents } from '../core/results.js';

/**
 * The events of a session's pool: the session listens to its own worker here, and everything is
 * passed on to the executor, whose listeners see a session's calls as they see any other.
 */
export class ForwardingEvents extends EventEmitter<ExecutorEvents> {
  constructor(
    private readonly target: EventEmitter<ExecutorEvents>,
    /** Executions of the session's own (a fork): the session hears them, the executor does not. */
    private readonly internalCalls: ReadonlySet<string>,
  ) {
    super();
  }

  override emit<K extends EventEmitter.EventNames<ExecutorEvents>>(
    event: K,
    ...args: EventEmitter.EventArgs<ExecutorEvents, K>
  ): boolean {
    const here = super.emit(event, ...args);
    const about = args[0] as { executionId?: unknown } | undefined;
    if (typeof about?.executionId === 'string' && this.internalCalls.has(about.executionId)) return here;
    const there = this.target.emit(event, ...args);
    return here || there;
  }

  override listenerCount(event: EventEmitter.EventNames<ExecutorEvents>): number {
    return super.listenerCount(event) + this.target.listenerCount(event);
  }
}
