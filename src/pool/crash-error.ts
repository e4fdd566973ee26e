import type { PythonError } from '../protocol/messages.js';
import type { WorkerExit } from '../worker/worker-process.js';

// Explains a `crashed` result: how the process ended and what it last wrote to its own stderr.
export function crashError(pid: number, exit: WorkerExit): PythonError {
  const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
  return {
    type: 'WorkerCrash',
    message: `The Python process (pid ${pid}) ${how} during the call`,
    traceback: exit.diagnostics,
  };
}
