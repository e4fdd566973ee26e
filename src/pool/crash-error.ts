import type { ExecutionResult } from '../core/results.js';
import type { ExitedMessage, PythonError } from '../protocol/messages.js';
import type { WorkerExit, WorkerHandle } from '../worker/worker-handle.js';
import type { Call } from './call.js';

// Explains a `crashed` result: how the process ended and what it last wrote to its own stderr.
// `host`: the machine it ran on, when not this one (the `hostName` option).
export function crashError(pid: number, exit: WorkerExit, host?: string): PythonError {
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
  return {
    type: 'WorkerCrash',
    message: `The Python process (pid ${pid}${host === undefined ? '' : ` on host ${host}`}) ${how} during the call`,
    traceback: exit.diagnostics,
  };
}

/** The result of a call whose process `pid` ended under it: its interruption, else `crashed`. */
export function crashResult(call: Call, pid: number, exit: WorkerExit, host?: string): ExecutionResult {
  if (call.interruption) return call.resultWithoutHarness(call.interruption);
  return call.resultWithoutHarness('crashed', crashError(pid, exit, host));
}

/** The result of a call whose process (a forked child, a generation) died under it. */
export function deathResult(call: Call, worker: WorkerHandle, message: ExitedMessage): ExecutionResult {
  const exit = { exitCode: message.code ?? null, signal: message.signal ?? null, diagnostics: worker.diagnostics() };
  return crashResult(call, message.pid, exit, worker.host);
}
