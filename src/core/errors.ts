/** Every reason pyexec rejects a promise or throws; callers branch on `code`, never on message text. */
export type PyExecErrorCode =
  | 'INVALID_OPTION'
  | 'EXECUTOR_CLOSED'
  | 'QUEUE_FULL'
  | 'PYTHON_NOT_FOUND'
  | 'PYTHON_UNSUPPORTED'
  | 'LAUNCHER_NOT_FOUND'
  | 'WORKER_START_FAILED'
  | 'PROTOCOL_ERROR'
  | 'LISTENER_FAILED'
  | 'INTERNAL_ERROR'
  | 'INVALID_REQUIREMENT'
  | 'INSTALL_FAILED'
  | 'INSTALL_TIMEOUT'
  | 'SYNTAX_ERROR'
  | 'SANDBOX_UNAVAILABLE'
  | 'ABORTED'
  | 'SESSION_EXISTS'
  | 'SESSION_LIMIT'
  | 'SESSION_LOST'
  | 'SESSION_CLOSED'
  | 'SESSION_FORK_UNSAFE'
  | 'SESSION_FORK_UNAVAILABLE'
  | 'SESSION_FILE_ERROR'
  | 'NO_HOST_AVAILABLE';

/** The one error class pyexec throws. `code` says what went wrong; `cause` keeps the original error. */
export class PyExecError extends Error {
  readonly code: PyExecErrorCode;

  constructor(code: PyExecErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = code === 'ABORTED' ? 'AbortError' : 'PyExecError';
    this.code = code;
  }
}

/** What a thrown value says: an Error's message, anything else as a string. */
export function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

// An aborted `signal` rejects with an error named AbortError, as fetch() and Node's APIs do.
export function abortError(executionId: string, reason: unknown): PyExecError {
  return new PyExecError('ABORTED', `Execution \`${executionId}\` was aborted by its signal`, { cause: reason });
}
