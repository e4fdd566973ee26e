import type { DisplayMessage, ResultMessage, StreamMessage } from '../protocol/messages.js';
import type { Announcer } from './announcer.js';
import type { Call } from './call.js';

type StreamName = StreamMessage['name'];

// Streamed output goes into the call's buffer first, so events show exactly what the result keeps.
export function deliverOutput(call: Call, name: StreamName, text: string, announcer: Announcer): void {
  const kept = call.addStreamed(name, text);
  if (kept.length === 0) return;
  announcer.emit(name, { executionId: call.id, text: kept });
  const callback = name === 'stdout' ? call.options.onStdout : call.options.onStderr;
  if (callback !== undefined)
    announcer.callback(`the \`on${name === 'stdout' ? 'Stdout' : 'Stderr'}\` callback`, () => callback(kept));
}

// A display goes into the call's outputs (within the output limit), then to listeners.
export function deliverDisplay(call: Call, message: DisplayMessage, announcer: Announcer): void {
  const output = call.addDisplay(message);
  if (output === undefined) return;
  announcer.emit('display', { executionId: call.id, output });
  const callback = call.options.onDisplay;
  if (callback !== undefined) announcer.callback('the `onDisplay` callback', () => callback(output));
}

/**
 * The output that arrives with the result (all of it, for a call shorter than the harness's
 * batching interval) is streamed too, so the chunks a listener saw always add up to the result.
 * Returns the message with what was streamed moved into the call's stream buffers; with nobody
 * listening (the common case) it is returned as it is, and costs nothing.
 */
export function deliverTail(call: Call, message: ResultMessage, announcer: Announcer): ResultMessage {
  let rest = message;
  for (const name of ['stdout', 'stderr'] as const) {
    const text = message[name];
    if (text.length === 0) continue;
    const callback = name === 'stdout' ? call.options.onStdout : call.options.onStderr;
    if (callback === undefined && !announcer.listens(name)) continue;
    deliverOutput(call, name, text, announcer);
    rest = { ...rest, [name]: '' };
  }
  return rest;
}
