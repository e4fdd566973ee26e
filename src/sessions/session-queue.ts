import type { ExecutionResult } from '../core/results.js';
import type { Call } from '../pool/call.js';

/**
 * A session's calls, one at a time in the order they were made: each runs once the one before it
 * has settled, however it settled. A call still waiting can be taken out (it resolves `stopped`
 * and never runs).
 */
export class SessionQueue {
  private pending = 0;
  private readonly waiting: { call: Call; start: () => void; stop: () => void }[] = [];

  /** `settledOne`: after each call settles, before the next starts. */
  constructor(private readonly settledOne: () => void) {}

  /** Calls made and not settled yet (the one running included). */
  get size(): number {
    return this.pending;
  }

  /** Runs `run` (which makes `call`'s outcome) after the calls made before it. */
  add(call: Call, run: () => Promise<ExecutionResult>): Promise<ExecutionResult> {
    this.pending++;
    if (this.pending === 1) return this.settledWith(run());
    return new Promise((resolve) =>
      this.waiting.push({
        call,
        start: () => resolve(this.settledWith(run())),
        stop: () => {
          this.pending--; // the call before it still runs
          resolve(call.resultWithoutHarness('stopped'));
        },
      }),
    );
  }

  /** Takes waiting call `executionId` out (it resolves `stopped`); false if it is not waiting. */
  remove(executionId: string): boolean {
    const index = this.waiting.findIndex((entry) => entry.call.id === executionId);
    if (index === -1) return false;
    this.waiting.splice(index, 1)[0]?.stop();
    return true;
  }

  private settledWith(outcome: Promise<ExecutionResult>): Promise<ExecutionResult> {
    const next = () => {
      this.pending--;
      this.settledOne();
      this.waiting.shift()?.start();
    };
    outcome.then(next, next);
    return outcome;
  }
}
