import { PyExecError } from '../core/errors.js';
import type { Call } from './call.js';

interface Preparation {
  readonly stopping: AbortController;
  readonly done: Promise<void>;
}

/** What becomes of a call once its preparation ends by itself. */
export interface PreparationEnd {
  prepared(): void;
  failed(error: PyExecError): void;
}

/**
 * The preparations (autoInstall's installs) of calls the pool has taken but not yet queued: each
 * can be cancelled (its signal aborted, so pip's process group is killed), and waited for until
 * nothing of it runs any more.
 */
export class Preparations {
  private readonly running = new Map<Call, Preparation>();

  start(call: Call, prepare: (signal: AbortSignal) => Promise<void>, end: PreparationEnd): void {
    const stopping = new AbortController();
    const done = prepare(stopping.signal).then(
      () => {
        if (!stopping.signal.aborted) end.prepared();
      },
      (error: unknown) => {
        if (!stopping.signal.aborted) end.failed(asPyExecError(error));
      },
    );
    const settled = done.finally(() => this.running.delete(call));
    this.running.set(call, { stopping, done: settled });
  }

  calls(): Call[] {
    return [...this.running.keys()];
  }

  /** Aborts `call`'s preparation; resolves once it has ended (pip killed). */
  cancel(call: Call): Promise<void> {
    const preparation = this.running.get(call);
    if (preparation === undefined) return Promise.resolve();
    preparation.stopping.abort();
    return preparation.done;
  }

  cancelAll(): Promise<void> {
    return Promise.all(this.calls().map((call) => this.cancel(call))).then(() => undefined);
  }
}

function asPyExecError(error: unknown): PyExecError {
  return error instanceof PyExecError
    ? error
    : new PyExecError('INTERNAL_ERROR', `A call's preparation failed: ${String(error)}`, { cause: error });
}
