import type { DisplayOutput, ExecutionResult, UpdateOutput } from '../core/results.js';
import type { RunOptions } from '../options/run-options.js';

/** What `stream()` yields: the call's output as it happens, then its result (always last). */
export type StreamEvent =
  | { type: 'stdout'; text: string }
  | { type: 'stderr'; text: string }
  | { type: 'display'; output: DisplayOutput | UpdateOutput }
  | { type: 'result'; result: ExecutionResult };

/**
 * A call as an async iterator of its events, for callers who prefer `for await` to callbacks.
 * `run` starts the call with the options given (the caller's own callbacks still get called).
 * Leaving the loop early stops the call: nobody reads its output any more. A call that rejects
 * (bad options, an aborted signal) throws from the loop.
 */
export function streamCall(
  run: (options: RunOptions) => Promise<ExecutionResult>,
  options: RunOptions = {},
): AsyncIterableIterator<StreamEvent> {
  const pending: StreamEvent[] = [];
  let failure: { error: unknown } | undefined;
  let finished = false;
  let wake: (() => void) | undefined;
  const push = (event: StreamEvent): void => {
    pending.push(event);
    wake?.();
  };
  const leaving = new AbortController();
  const given = options.signal;
  const signal = given === undefined ? leaving.signal : AbortSignal.any([given, leaving.signal]);
  void run({
    ...options,
    signal,
    onStdout: (text) => {
      options.onStdout?.(text);
      push({ type: 'stdout', text });
    },
    onStderr: (text) => {
      options.onStderr?.(text);
      push({ type: 'stderr', text });
    },
    onDisplay: (output) => {
      options.onDisplay?.(output);
      push({ type: 'display', output });
    },
  }).then(
    (result) => push({ type: 'result', result }),
    (error: unknown) => {
      failure = { error };
      wake?.();
    },
  );
  const iterator: AsyncIterableIterator<StreamEvent> = {
    async next(): Promise<IteratorResult<StreamEvent>> {
      for (;;) {
        const event = pending.shift();
        if (event !== undefined) {
          if (event.type === 'result') finished = true;
          return { value: event, done: false };
        }
        if (finished || leaving.signal.aborted) return { value: undefined, done: true };
        if (failure !== undefined) {
          finished = true;
          throw failure.error;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
    async return(): Promise<IteratorResult<StreamEvent>> {
      if (!finished) leaving.abort(new Error('the stream() loop was left before the call ended'));
      finished = true;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
