import { abortError, type PyExecError } from '../core/errors.js';
import type { DisplayOutput, ExecutionResult, ExecutionStatus, FigureFormat, UpdateOutput } from '../core/results.js';
import type { NormalizedRunOptions } from '../options/run-options.js';
import type { DisplayMessage, PythonError, ResultMessage, RunMessage } from '../protocol/messages.js';
import { addOptionFields } from './call-input.js';
import { CallOutputs } from './call-outputs.js';
import { newDraft, resultFromHarness, resultWithoutHarness, type ResultDraft } from './call-results.js';

export type CallState = 'preparing' | 'queued' | 'running' | 'settled';
export type Interruption = 'timeout' | 'stopped';

/**
 * One `run` call through its lifecycle: (preparing →) queued → running → settled, settled
 * exactly once. Preparing: autoInstall installs what it imports before it is queued.
 */
export class Call {
  // Its state changes through the methods below only: every field is read from outside, none
  // is written there.
  private currentState: CallState = 'queued';
  private pid: number | undefined;
  private hostInterruption: Interruption | undefined;
  private abortedBySignal = false;
  private installedFirst: { name: string; version: string }[] | undefined;
  private epoch = 0;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  readonly promise: Promise<ExecutionResult>;
  private sentToWorker = false;
  private handedToChild = false;
  private rerunPending = false;
  private rerun = false;
  private preparingSinceMs = 0;
  /** performance.now() when a slot took it (waiting for a worker counts as running); 0 while queued. */
  private takenTime = 0;
  /** performance.now() when its run message went to a worker: durations and timeouts count from here. */
  private startTime = 0;
  private resolvePromise!: (result: ExecutionResult) => void;
  private rejectPromise!: (error: unknown) => void;
  // Most calls are never stopped, aborted or streamed: what only those need is made on demand.
  private settledPromise: Promise<void> | undefined;
  private markSettled: (() => void) | undefined;
  private streamed: CallOutputs | undefined;
  private requests: AbortController | undefined;

  constructor(
    readonly code: string,
    readonly options: NormalizedRunOptions,
    private readonly maxOutputBytes: number,
    /**
     * A session's own request instead of code (a fork, a file operation): the harness answers it
     * in the order of the session's calls.
     */
    private readonly internal?: Pick<RunMessage, 'fork' | 'fileOp'>,
  ) {
    this.promise = new Promise((resolve, reject) => {
      this.resolvePromise = resolve;
      this.rejectPromise = reject;
    });
  }

  get id(): string {
    return this.options.executionId;
  }

  get state(): CallState {
    return this.currentState;
  }

  /** The pid that runs it (the worker's, or a forked template's child once it is known). */
  get workerPid(): number | undefined {
    return this.pid;
  }

  /** Set when the host decided to end the call; it then ends with this status whatever Python says. */
  get interruption(): Interruption | undefined {
    return this.hostInterruption;
  }

  get aborted(): boolean {
    return this.abortedBySignal;
  }

  /** What `autoInstall` installed before the call was queued. */
  get installed(): { name: string; version: string }[] | undefined {
    return this.installedFirst;
  }

  /** The executor's install count when the call was queued: workers that saw fewer refresh their import caches. */
  get importsEpoch(): number {
    return this.epoch;
  }

  /** Whether its run message went to a worker (a worker that dies before is not its fault). */
  get sent(): boolean {
    return this.sentToWorker;
  }

  /** A forked template said it handed the call to its child (`started`). */
  get handedOver(): boolean {
    return this.handedToChild;
  }

  /**
   * Its worker answered for another call after it was sent (the one before had forged its own
   * end): it never started there, and runs on the replacement, once.
   */
  get rerunOnReplacement(): boolean {
    return this.rerunPending;
  }

  /** Epoch ms when its preparation began (status); 0 if it had none. */
  get preparingSince(): number {
    return this.preparingSinceMs;
  }

  /** The host ends it with `reason` (a timeout, a stop); the first reason stands. */
  interrupt(reason: Interruption): void {
    this.hostInterruption ??= reason;
  }

  /** close(): whatever ended it before, it is stopped. */
  stopForClose(): void {
    this.hostInterruption = 'stopped';
  }

  /** Its AbortSignal fired: `run` rejects with an AbortError once it settles. */
  markAborted(): void {
    this.abortedBySignal = true;
  }

  /** autoInstall ran for it: what it installed, and the executor's install count since. */
  recordInstall(installed: { name: string; version: string }[], importsEpoch: number): void {
    this.installedFirst = installed;
    this.epoch = importsEpoch;
  }

  /** Packages were installed (`executor.installPackages`): its worker catches up with `importsEpoch`. */
  catchUpImports(importsEpoch: number): void {
    this.epoch = importsEpoch;
  }

  /** The process that runs it. */
  assignPid(pid: number | undefined): void {
    this.pid = pid;
  }

  /** Its own timeout (one the slot's shared timer does not serve), replacing any earlier one. */
  armTimeout(timeoutMs: number, onTimeout: () => void): void {
    clearTimeout(this.timeoutTimer);
    this.timeoutTimer = Number.isFinite(timeoutMs) ? setTimeout(onTimeout, timeoutMs) : undefined;
  }

  disarmTimeout(): void {
    clearTimeout(this.timeoutTimer);
  }

  /** Whether the kill that follows its interrupt is already on its way. */
  get escalating(): boolean {
    return this.graceTimer !== undefined;
  }

  /** The kill that follows an interrupt unless the call ends within `graceMs`. */
  armGrace(graceMs: number, onExpired: () => void): void {
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(onExpired, graceMs);
  }

  /** Epoch ms when a slot took it (for status); 0 while queued. */
  get startedAt(): number {
    return this.takenTime === 0 ? 0 : performance.timeOrigin + this.takenTime;
  }

  /** Resolves when the call has settled, however it ended (stop() waits on it). */
  get settled(): Promise<void> {
    if (this.currentState === 'settled') return Promise.resolve();
    this.settledPromise ??= new Promise((resolve) => (this.markSettled = resolve));
    return this.settledPromise;
  }

  /** Adds output streamed before the result; returns what was kept of it (events show exactly that). */
  addStreamed(name: 'stdout' | 'stderr', text: string): string {
    return this.outputs().addStream(name, text);
  }

  /** Adds a display or an update; returns it, or undefined when past the output limit. */
  addDisplay(message: DisplayMessage): DisplayOutput | UpdateOutput | undefined {
    return this.outputs().addDisplay(message);
  }

  private outputs(): CallOutputs {
    return (this.streamed ??= new CallOutputs(this.maxOutputBytes, this.figureFormat));
  }

  // The format `result.figures` holds.
  private get figureFormat(): FigureFormat {
    return this.options.figureFormats[0] ?? 'png';
  }

  /** The message that starts this call on a worker; `sleepAfter`: the worker is not to poll for the next. */
  runMessage(sleepAfter = false): RunMessage {
    const message: RunMessage = { type: 'run', id: this.id, code: this.code, maxOutputBytes: this.maxOutputBytes };
    if (sleepAfter) message.poll = false;
    if (this.importsEpoch > 0) message.importsEpoch = this.importsEpoch;
    if (this.internal !== undefined) Object.assign(message, this.internal);
    addOptionFields(message, this.options);
    return message;
  }

  /** Whether it may be rerun after its worker answered for another call: once, and never when stopped. */
  get mayRerun(): boolean {
    return !this.rerun && this.streamed === undefined && this.hostInterruption !== 'stopped';
  }

  /**
   * Its worker turned out busy with the call before when this one was sent: a timeout it ran
   * into meanwhile was not its own, and it runs on the replacement unless it is answered first.
   */
  sentToBusyWorker(): void {
    this.rerunPending = true;
    if (this.hostInterruption === 'timeout') this.hostInterruption = undefined;
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
  }

  /** Before it goes to the replacement (its clock starts over when it is sent). */
  prepareRerun(): void {
    this.rerun = true;
    this.rerunPending = false;
  }

  /** It is the pool's from now on, but is prepared (installed for) before it is queued. */
  markPreparing(): void {
    this.currentState = 'preparing';
    this.preparingSinceMs = Date.now();
  }

  /** Prepared: it waits in the queue like any other call now. */
  markQueued(): void {
    this.currentState = 'queued';
  }

  markHandedOver(): void {
    this.handedToChild = true;
  }

  markRunning(): void {
    this.currentState = 'running';
    this.takenTime = performance.now();
  }

  /** performance.now() when its run message went to a worker; 0 before. */
  get sentAt(): number {
    return this.startTime;
  }

  /** Its run message goes to a worker now; returns that time (performance.now()). */
  markSent(): number {
    this.sentToWorker = true;
    this.startTime = performance.now();
    return this.startTime;
  }

  // The result of a call that Python finished (possibly after the host interrupted it).
  resultFromHarness(message: ResultMessage): ExecutionResult {
    return resultFromHarness(
      this.baseResult(this.interruption ?? message.status),
      this.streamed,
      message,
      this.figureFormat,
    );
  }

  // The result of a call whose process ended or never answered: what it printed so far is kept.
  resultWithoutHarness(status: ExecutionStatus, error?: PythonError): ExecutionResult {
    return resultWithoutHarness(this.baseResult(status), this.streamed, error);
  }

  /**
   * Marks the call settled with `result` and returns what resolves `run` (or rejects it with an
   * AbortError if the signal aborted), for the caller to run once its transition is complete.
   * Undefined if the call was already settled.
   */
  settle(result: ExecutionResult): (() => void) | undefined {
    if (this.currentState === 'settled') return undefined;
    this.finish();
    if (this.abortedBySignal) {
      const error = abortError(this.id, this.options.signal?.reason);
      return () => this.rejectPromise(error);
    }
    return () => this.resolvePromise(result);
  }

  /** As settle(), rejecting `run` with an infrastructure error (the call never got a worker). */
  fail(error: PyExecError): (() => void) | undefined {
    if (this.currentState === 'settled') return undefined;
    this.finish();
    return () => this.rejectPromise(error);
  }

  /** What the host functions it calls are given: aborted once the call has settled. */
  requestSignal(): AbortSignal {
    return (this.requests ??= new AbortController()).signal;
  }

  private finish(): void {
    this.currentState = 'settled';
    const requests = this.requests;
    // After the transition: an abort listener of a host function may call run() or stop().
    if (requests !== undefined)
      queueMicrotask(() => requests.abort(new Error(`call ${this.id} ended before the host function did`)));
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.graceTimer);
    this.markSettled?.();
  }

  private baseResult(status: ExecutionStatus): ResultDraft {
    return newDraft(this.id, status, this.startTime, this.workerPid, this.installed);
  }
}
