import type { PyExecError } from '../../src/index.js';

/** What `make` throws (a validation error, typically); fails the test if it throws nothing. */
export function thrownBy(make: () => unknown): PyExecError {
  try {
    make();
  } catch (error) {
    return error as PyExecError;
  }
  throw new Error('expected a refusal');
}

/** What `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<PyExecError> {
  try {
    await promise;
  } catch (error) {
    return error as PyExecError;
  }
  throw new Error('expected a rejection');
}
