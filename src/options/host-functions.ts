import { invalidOption } from './validators.js';

/**
 * A function of the host that Python calls through `pyexec_host`: its positional arguments as
 * given (JSON values), then an object of its keyword arguments when there are any, then always
 * an AbortSignal that aborts when the call ends before the function does. Its value (or what
 * its promise resolves with) goes back as JSON; undefined is None. A throw or a rejection raises
 * `pyexec_host.HostFunctionError` in Python with its message.
 */
export type HostFunction = (...args: never[]) => unknown;

/** Answers the call's input() (and sys.stdin, getpass): the line, or null to end the input. */
export type InputCallback = (
  prompt: string,
  details: { password: boolean; executionId: string },
) => string | null | Promise<string | null>;

export type HostFunctions = Readonly<Record<string, HostFunction>>;

// A Python identifier Python code can import; dunder names are the module's own business.
const FUNCTION_NAME = /^(?!__)[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/** `functions` (of the executor or a call): names that are Python identifiers, each a function. */
export function expectHostFunctions(name: string, value: unknown): HostFunctions | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidOption(name, 'an object of name → function', value);
  const functions: Record<string, HostFunction> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!FUNCTION_NAME.test(key) || key === 'HostFunctionError')
      throw invalidOption(`${name} key`, 'a Python identifier (not HostFunctionError, not __dunder__)', key);
    if (typeof item !== 'function') throw invalidOption(`${name}.${key}`, 'a function', item);
    functions[key] = item as HostFunction;
  }
  return Object.freeze(functions);
}

/** A call's functions: its own over the executor's (same name: the call's). */
export function mergeHostFunctions(
  executor: HostFunctions | undefined,
  call: HostFunctions | undefined,
): HostFunctions | undefined {
  if (call === undefined) return executor;
  if (executor === undefined) return call;
  return Object.freeze({ ...executor, ...call });
}
