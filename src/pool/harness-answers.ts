import { PyExecError } from '../core/errors.js';
import type { ExecutionResult } from '../core/results.js';
import type { HarnessMessage } from '../protocol/messages.js';
import type { WorkerHandle } from '../worker/worker-handle.js';
import type { Call } from './call.js';
import { deliverDisplay, deliverOutput, deliverTail } from './deliver-output.js';
import { serveRequest } from './host-requests.js';
import { answeredOutOfSequence } from './distrust.js';
import type { PollingChoice } from './polling-choice.js';
import type { PoolControl } from './slot-runtime.js';
import type { Slot } from './slot.js';

/** What the pool lends the handling of a harness's messages. */
export interface AnswerTargets {
  readonly control: PoolControl;
  readonly polling: PollingChoice;
  /** The call left its slot: settle it with `result`, keep or renew the worker. */
  finishOnWorker(slot: Slot, call: Call, result: ExecutionResult | undefined, exiting: boolean): void;
  /** The worker ends for `reason` (counted, and the `worker:recycle` event). */
  announceRecycle(worker: WorkerHandle, reason: string): void;
}

/**
 * A message every strategy's harness may send (the strategy's runtime had its turn first): its
 * call's output and result, a fault, a heartbeat, or word that it cannot serve again. What does
 * not belong to the slot's call is distrusted (see distrust.ts).
 */
export function handleAnswer(slot: Slot, worker: WorkerHandle, message: HarnessMessage, pool: AnswerTargets): void {
  const { announcer, workers } = pool.control;
  const call = slot.call;
  switch (message.type) {
    case 'spoiled':
      // A call sent after its last result never started: the exit handler gives it to a replacement.
      if (message.preload) workers.learnPreloads(message.preload);
      pool.announceRecycle(worker, message.reason);
      void workers.shutDown(slot, 'spoiled');
      return;
    case 'fault':
      if (message.id === undefined || call?.id !== message.id) {
        announcer.emit(
          'error',
          new PyExecError('PROTOCOL_ERROR', `The Python harness (pid ${worker.pid}) reported: ${message.message}`),
        );
        return;
      }
      pool.finishOnWorker(
        slot,
        call,
        call.resultWithoutHarness(call.interruption ?? 'error', {
          type: 'HarnessFault',
          message: message.message,
          traceback: '',
        }),
        false,
      );
      return;
    case 'running':
      if (call === undefined || message.id !== call.id) answeredOutOfSequence(pool.control, slot, worker, message);
      return;
    case 'request':
      if (call === undefined || message.id !== call.id) answeredOutOfSequence(pool.control, slot, worker, message);
      else serveRequest(call, worker, message, announcer);
      return;
    case 'stream':
    case 'display':
    case 'result':
      if (call === undefined || message.id !== call.id) answeredOutOfSequence(pool.control, slot, worker, message);
      else if (message.type === 'stream') deliverOutput(call, message.name, message.text, announcer);
      else if (message.type === 'display') deliverDisplay(call, message, announcer);
      else {
        pool.polling.answered(slot, performance.now());
        const result = call.resultFromHarness(deliverTail(call, message, announcer));
        pool.finishOnWorker(slot, call, result, message.exiting === true);
      }
      return;
  }
}
