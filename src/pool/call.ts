import { abortError, type PyExecError } from '../errors.js';
import type { ExecutionResult, ExecutionStatus } from '../executors/types.js';
import type { NormalizedRunOptions } from '../options/run-options.js';
import type { PythonError, ResultMessage } from '../protocol/messages.js';
import { OutputBuffer } from './output-buffer.js';

export type CallState = 'queued' | 'running' | 'settled';
export type Interruption = 'timeout' | 'stopped';

/** One `run` call through its lifecycle: queued → running → settled, settled exactly once. */
export class Call {
  state: CallState = 'queued';
  readonly stdout: OutputBuffer;
  readonly stderr: OutputBuffer;
  /** Epoch ms when it started running (for status). */
  startedAt = 0;
  workerPid: number | undefined;
  /** Set when the host decided to end the call; it then ends with this status whatever Python says. */
  interruption: Interruption | undefined;
  aborted = false;
  timeoutTimer: NodeJS.Timeout | undefined;
  graceTimer: NodeJS.Timeout | undefined;
  readonly promise: Promise<ExecutionResult>;
  /** Resolves when the call has settled, however it ended (stop() waits on it). */
  readonly settled: Promise<void>;
  private startTime = 0;
  private resolvePromise!: (result: ExecutionResult) => void;
  private rejectPromise!: (error: unknown) => void;
  private markSettled!: () => void;

  constructor(
    readonly code: string,
    readonly options: NormalizedRunOptions,
    maxOutputBytes: number,
  ) {
    this.stdout = new OutputBuffer(maxOutputBytes);
    this.stderr = new OutputBuffer(maxOutputBytes);
    this.promise = new Promise((resolve, reject) => {
      this.resolvePromise = resolve;
      this.rejectPromise = reject;
    });
    this.settled = new Promise((resolve) => (this.markSettled = resolve));
  }

  get id(): string {
    return this.options.executionId;
  }

  markRunning(): void {
    this.state = 'running';
    this.startedAt = Date.now();
    this.startTime = performance.now();
  }

  // The result of a call that Python finished (possibly after the host interrupted it).
  resultFromHarness(message: ResultMessage): ExecutionResult {
    const result = this.baseResult(this.interruption ?? message.status);
    this.stdout.append(message.stdout);
    result.stdout = this.stdout.text();
    this.stderr.append(message.stderr);
    result.stderr = this.stderr.text();
    if (message.value !== undefined) result.value = message.value;
    if (message.error !== undefined) result.error = message.error;
    result.figures = message.figures;
    if (message.truncated || this.stdout.truncated || this.stderr.truncated) result.truncated = true;
    return result;
  }

  // The result of a call whose process ended or never answered: what it printed so far is kept.
  resultWithoutHarness(status: ExecutionStatus, error?: PythonError): ExecutionResult {
    const result = this.baseResult(status);
    result.stdout = this.stdout.text();
    result.stderr = this.stderr.text();
    if (error !== undefined) result.error = error;
    if (this.stdout.truncated || this.stderr.truncated) result.truncated = true;
    return result;
  }

  /** Resolves `run` (or rejects it with an AbortError if the signal aborted). False if already settled. */
  settle(result: ExecutionResult): boolean {
    if (this.state === 'settled') return false;
    this.finish();
    if (this.aborted) this.rejectPromise(abortError(this.id, this.options.signal?.reason));
    else this.resolvePromise(result);
    return true;
  }

  /** Rejects `run` with an infrastructure error (the call never got a worker). */
  fail(error: PyExecError): boolean {
    if (this.state === 'settled') return false;
    this.finish();
    this.rejectPromise(error);
    return true;
  }

  private finish(): void {
    this.state = 'settled';
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.graceTimer);
    this.markSettled();
  }

  private baseResult(status: ExecutionStatus): ExecutionResult {
    const result: ExecutionResult = {
      executionId: this.id,
      status,
      stdout: '',
      stderr: '',
      figures: [],
      durationMs: this.startTime === 0 ? 0 : performance.now() - this.startTime,
    };
    if (this.workerPid !== undefined) result.workerPid = this.workerPid;
    return result;
  }
}
