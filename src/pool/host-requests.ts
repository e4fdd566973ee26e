import { messageOf, PyExecError } from '../core/errors.js';
import type { ReplyMessage, RequestMessage } from '../protocol/messages.js';
import type { WorkerHandle } from '../worker/worker-handle.js';
import type { Announcer } from './announcer.js';
import type { Call } from './call.js';

type ReplyFields = Pick<ReplyMessage, 'ok' | 'value' | 'error'>;

/**
 * Serves a running call's request (host_requests.py): asks its onInput callback or calls a host
 * function, then replies to the worker, unless the call ended meanwhile (the harness would drop
 * the reply; a function still running then sees its AbortSignal abort). Nothing the request
 * names reaches anything but the call's own callback and functions.
 */
export function serveRequest(call: Call, worker: WorkerHandle, message: RequestMessage, announcer: Announcer): void {
  const reply = (fields: ReplyFields): void => {
    if (call.state !== 'running' || !worker.alive) return;
    worker.send({ type: 'reply', id: call.id, requestId: message.requestId, ...fields });
  };
  const report = (what: string, cause: unknown): void =>
    announcer.emit(
      'error',
      new PyExecError('LISTENER_FAILED', `${what} (call ${call.id}): ${messageOf(cause)}`, { cause }),
    );
  if (message.kind === 'input') void answerInput(call, message, reply, report);
  else void callFunction(call, message, reply);
}

async function answerInput(
  call: Call,
  message: RequestMessage,
  reply: (fields: ReplyFields) => void,
  report: (what: string, cause: unknown) => void,
): Promise<void> {
  const callback = call.options.onInput;
  if (callback === undefined) return reply({ ok: false });
  let answer: unknown;
  try {
    answer = await callback(message.prompt ?? '', { password: message.password === true, executionId: call.id });
  } catch (error) {
    report('The `onInput` callback threw', error);
    return reply({ ok: false });
  }
  if (typeof answer === 'string') return reply({ ok: true, value: answer });
  if (answer !== null) report('The `onInput` callback gave no string', `got ${typeof answer}`);
  reply({ ok: false });
}

async function callFunction(call: Call, message: RequestMessage, reply: (fields: ReplyFields) => void): Promise<void> {
  const name = message.name ?? '';
  const fn = call.options.functions?.[name];
  if (fn === undefined || !Object.hasOwn(call.options.functions ?? {}, name))
    return reply({ ok: false, error: `the host function ${JSON.stringify(name)} is not given to this call` });
  let args: unknown[];
  try {
    const [positional, keywords] = JSON.parse(message.args ?? '[[],{}]') as [unknown[], Record<string, unknown>];
    args = Object.keys(keywords).length > 0 ? [...positional, keywords] : [...positional];
  } catch (error) {
    return reply({ ok: false, error: `${name}: its arguments are not JSON: ${messageOf(error)}` });
  }
  let value: unknown;
  try {
    value = await (fn as (...given: unknown[]) => unknown)(...args, call.requestSignal());
  } catch (error) {
    return reply({ ok: false, error: `${name}: ${messageOf(error)}` });
  }
  reply(valueReply(name, value));
}

// The reply for the function's value: its JSON text (none for undefined: None), or why it cannot cross.
function valueReply(name: string, value: unknown): ReplyFields {
  if (value === undefined) return { ok: true };
  if (value instanceof Uint8Array || value instanceof ArrayBuffer)
    return {
      ok: false,
      error: `${name} returned bytes, which do not cross to Python: values are JSON (give base64 text)`,
    };
  try {
    return { ok: true, value: JSON.stringify(value) };
  } catch (error) {
    // (Node's message about a cycle runs over several lines: its first says enough.)
    return { ok: false, error: `${name} returned a value that is not JSON: ${messageOf(error).split('\n')[0]}` };
  }
}
