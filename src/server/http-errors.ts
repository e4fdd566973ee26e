import { PyExecError, type PyExecErrorCode } from '../core/errors.js';

/** The HTTP status each library error answers with (the body names the code). */
const STATUS: Partial<Record<PyExecErrorCode, number>> = {
  INVALID_OPTION: 400,
  SYNTAX_ERROR: 400,
  INVALID_REQUIREMENT: 400,
  SESSION_FILE_ERROR: 400,
  SESSION_FORK_UNSAFE: 409,
  SESSION_FORK_UNAVAILABLE: 409,
  SESSION_EXISTS: 409,
  SESSION_LOST: 410,
  SESSION_CLOSED: 404,
  SESSION_LIMIT: 429,
  QUEUE_FULL: 503,
  EXECUTOR_CLOSED: 503,
  ABORTED: 499,
  INSTALL_FAILED: 422,
  INSTALL_TIMEOUT: 504,
};

/** An error a route answers with: `{ error: { code, message } }` and its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function httpErrorOf(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof PyExecError) {
    const status = STATUS[error.code] ?? 500;
    const headers: Record<string, string> = status === 503 ? { 'retry-after': '1' } : {};
    return new HttpError(status, error.code, error.message, headers);
  }
  return new HttpError(500, 'INTERNAL_ERROR', 'The server failed on this request');
}

export function errorBody(error: HttpError): { error: { code: string; message: string } } {
  return { error: { code: error.code, message: error.message } };
}
