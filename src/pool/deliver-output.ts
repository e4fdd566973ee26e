import type { EventEmitter } from 'eventemitter3';
import type { ExecutorEvents } from '../executors/types.js';
import type { StreamMessage } from '../protocol/messages.js';
import type { Call } from './call.js';

// Streamed output goes into the call's buffer first, so events show exactly what the result keeps.
export function deliverOutput(call: Call, message: StreamMessage, events: EventEmitter<ExecutorEvents>): void {
  const isStdout = message.name === 'stdout';
  const kept = call.streamBuffer(message.name).append(message.text);
  if (kept.length === 0) return;
  events.emit(message.name, { executionId: call.id, text: kept });
  (isStdout ? call.options.onStdout : call.options.onStderr)?.(kept);
}
