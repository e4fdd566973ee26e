import type { EventEmitter } from 'eventemitter3';
import { messageOf, PyExecError } from '../core/errors.js';
import type { ExecutorEvents } from '../core/results.js';

type Effect = () => void;

/**
 * Everything the pool lets the application observe (events, output callbacks, settling `run`)
 * goes out through here, in the order it happened, and only once the state change that caused it
 * is complete: effects wait in a queue flushed on a microtask. A listener may therefore call
 * `run`, `stop` or `close` and meet a consistent pool, and a listener or callback that throws
 * cannot interrupt a transition: its error is reported on the `error` event instead.
 */
export class Announcer {
  private readonly queue: Effect[] = [];
  private flushing = false;
  private scheduled = false;

  constructor(private readonly events: EventEmitter<ExecutorEvents>) {}

  /** Whether anyone listens to `event` (output is streamed only then). */
  listens(event: keyof ExecutorEvents): boolean {
    return this.events.listenerCount(event) > 0;
  }

  /** Emits `event` once the current transition is complete. */
  emit<K extends keyof ExecutorEvents>(event: K, ...args: ExecutorEvents[K]): void {
    if (this.events.listenerCount(event) === 0) return;
    // A throwing `error` listener has nowhere left to be reported.
    const report = event === 'error' ? undefined : `a \`${event}\` listener`;
    this.defer(() => (this.events.emit as (name: K, ...rest: ExecutorEvents[K]) => boolean)(event, ...args), report);
  }

  /** Calls an application callback (`onStdout`…) once the current transition is complete. */
  callback(what: string, callback: Effect): void {
    this.defer(callback, what);
  }

  /**
   * Runs `effect` after everything announced before it: at once when nothing is waiting (a
   * settled promise is observed asynchronously anyway), else in order.
   */
  after(effect: Effect): void {
    if (this.queue.length === 0 && !this.flushing) effect();
    else this.queue.push(effect);
  }

  private defer(effect: Effect, what: string | undefined): void {
    this.queue.push(() => this.guard(effect, what));
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    queueMicrotask(this.flush);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    this.flushing = true;
    try {
      // Effects may announce more (a listener that calls run): they join this same pass.
      for (let effect = this.queue.shift(); effect !== undefined; effect = this.queue.shift()) effect();
    } finally {
      this.flushing = false;
    }
  };

  // An application's throwing listener or callback must never change a result or wedge the pool.
  private guard(effect: Effect, what: string | undefined): void {
    try {
      effect();
    } catch (cause) {
      if (what === undefined) return;
      const error = new PyExecError('LISTENER_FAILED', `${what} threw: ${messageOf(cause)}`, { cause });
      try {
        this.events.emit('error', error);
      } catch {
        // An `error` listener that throws too: nothing more can be said.
      }
    }
  }
}
