import { abortError } from '../core/errors.js';
import type { ExecutionResult } from '../core/results.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import { expectCode, normalizeRunOptions, type RunOptions } from '../options/run-options.js';
import { Call } from './call.js';
import type { WorkerPool } from './worker-pool.js';

/** The call `run(code, options)` makes; throws what `run` rejects with when an argument is wrong. */
export function newCall(code: unknown, options: RunOptions | undefined, executor: NormalizedExecutorOptions): Call {
  return new Call(expectCode(code), normalizeRunOptions(options, executor), executor.limits.maxOutputBytes);
}

/**
 * Hands `call` to `pool` through `submit`, and lets its AbortSignal stop it: what `run`
 * returns. An already aborted signal rejects at once, as fetch() does.
 */
export function submitCall(pool: WorkerPool, call: Call, submit: () => void): Promise<ExecutionResult> {
  const { signal } = call.options;
  if (signal?.aborted) return Promise.reject(abortError(call.id, signal.reason));
  try {
    submit();
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal) {
    const onAbort = () => pool.abort(call);
    signal.addEventListener('abort', onAbort, { once: true });
    void call.settled.then(() => signal.removeEventListener('abort', onAbort));
  }
  return call.promise;
}
