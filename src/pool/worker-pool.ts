import type { EventEmitter } from 'eventemitter3';
import { PyExecError } from '../core/errors.js';
import type { ExecutionResult, ExecutorEvents, ExecutorStatus } from '../core/results.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import type { ExitedMessage, HarnessMessage, HelloMessage, HostMessage } from '../protocol/messages.js';
import type { WorkerExit, WorkerHandle, WorkerSource } from '../worker/worker-handle.js';
import type { Call, Interruption } from './call.js';
import { CallRegistry } from './call-registry.js';
import { deathResult } from './crash-error.js';
import { finishOnWorker, settleWorkerExit, type EndingTargets } from './worker-endings.js';
import { armDeadline } from './deadlines.js';
import { Announcer } from './announcer.js';
import { handleAnswer, type AnswerTargets } from './harness-answers.js';
import { escalateInterrupt } from './escalate.js';
import type { PoolPolicy } from './pool-policy.js';
import { PollingChoice } from './polling-choice.js';
import { Preparations } from './preparations.js';
import { ResultPoll } from './result-poll.js';
import type { PoolControl, PoolStrategy, SlotRuntime } from './slot-runtime.js';
import { freeSlot, freeSlotCount, Slot } from './slot.js';
import { WorkerSupply } from './worker-supply.js';

/**
 * The private core behind every executor: a FIFO of calls, `poolSize` worker slots, timeouts and
 * stops (SIGINT, then a kill after a grace period), crash replacement and close. What differs
 * between strategies is the strategy's: its policy (how workers are kept) and its runtime (its
 * own messages, where interrupts go, renewal in place). Slots change state only through Slot's
 * transitions; what the application sees goes out through the Announcer, after them.
 */
// Signals on which Python's faulthandler writes a report (its stderr) before the process dies.
const FAULT_REPORT_SIGNALS = new Set(['SIGSEGV', 'SIGFPE', 'SIGABRT', 'SIGBUS', 'SIGILL']);
const FAULT_REPORT_WAIT_MS = 15;

export class WorkerPool {
  private readonly calls: CallRegistry;
  private readonly slots: Slot[];
  private readonly slotOfCall = new Map<Call, Slot>();
  private readonly workers: WorkerSupply;
  private readonly policy: PoolPolicy;
  private readonly runtime: SlotRuntime;
  private readonly control: PoolControl;
  private readonly polling: PollingChoice;
  private readonly preparations = new Preparations();
  /** Where everything the application observes goes out, in order (the executor's install events too). */
  readonly announcer: Announcer;
  private closing: Promise<void> | undefined;
  private readonly answerTargets: AnswerTargets;
  private readonly endingTargets: EndingTargets;

  constructor(
    private readonly options: NormalizedExecutorOptions,
    strategy: PoolStrategy,
    launcher: WorkerSource,
    events: EventEmitter<ExecutorEvents>,
  ) {
    this.slots = Array.from({ length: options.poolSize }, () => new Slot());
    this.announcer = new Announcer(events);
    this.calls = new CallRegistry(this.announcer);
    this.policy = strategy.policy(options);
    this.workers = new WorkerSupply(launcher, this.policy.spares, this.announcer, {
      ready: (slot) => this.onWorkerReady(slot),
      failed: (slot, error) => this.onWorkerFailed(slot, error),
      message: (slot, worker, message) => this.onMessage(slot, worker, message),
      exited: (slot, worker, exit) => this.onWorkerExit(slot, worker, exit),
    });
    const control: PoolControl = (this.control = {
      announcer: this.announcer,
      workers: this.workers,
      settleDeath: (call, worker, message) => this.settleDeath(call, worker, message),
      finishOnWorker: (slot, call, result) => finishOnWorker(slot, call, result, false, this.endingTargets),
      ready: (slot) => this.onWorkerReady(slot),
      killWorker: (slot, reason) => void this.workers.kill(slot, reason),
    });
    this.runtime = strategy.runtime(options, control);
    this.polling = new PollingChoice(
      options.busyPollUs > 0,
      new ResultPoll(options.busyPollUs / 1000, () => this.slots.some((slot) => slot.state === 'busy')),
    );
    this.endingTargets = {
      policy: this.policy,
      runtime: this.runtime,
      workers: this.workers,
      maxExecutions: options.maxExecutions,
      closed: () => this.closed,
      queued: () => this.calls.queued,
      settle: (call, result) => this.settle(call, result),
      announceRecycle: (worker, reason) => this.announceRecycle(worker, reason),
      dispatch: () => this.dispatch(),
    };
    this.answerTargets = {
      control,
      polling: this.polling,
      finishOnWorker: (slot, call, result, exiting) => finishOnWorker(slot, call, result, exiting, this.endingTargets),
      announceRecycle: (worker, reason) => this.announceRecycle(worker, reason),
    };
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Starts every worker now instead of at the first call; resolves when all are ready. */
  async warmUp(): Promise<void> {
    const starts = this.slots.filter((slot) => slot.state === 'empty').map((slot) => this.workers.start(slot, 'start'));
    await Promise.all(starts);
    const failure = this.slots.find((slot) => slot.lastStartError)?.lastStartError;
    if (failure) throw failure;
  }

  submit(call: Call): void {
    this.expectOpen();
    this.calls.enqueue(call, freeSlotCount(this.slots), this.options.maxQueue);
    this.dispatch();
  }

  /**
   * Takes `call` now and queues it once `prepare` (autoInstall's install) has run: it is the
   * pool's throughout, so stop(), status(), maxQueue and close() apply while it prepares; they
   * abort `prepare`'s signal (pip is killed) and settle the call `stopped`.
   */
  submitPrepared(call: Call, prepare: (signal: AbortSignal) => Promise<void>): void {
    this.expectOpen();
    this.calls.beginPreparing(call, freeSlotCount(this.slots), this.options.maxQueue);
    this.preparations.start(call, prepare, {
      prepared: () => {
        if (this.calls.endPreparing(call)) this.dispatch();
      },
      failed: (error) => this.fail(call, error),
    });
  }

  private expectOpen(): void {
    if (this.closed)
      throw new PyExecError('EXECUTOR_CLOSED', 'The executor is closed; create a new one to run more code');
  }

  // Stops a queued call at once, or interrupts a running one and waits for it to settle.
  async stop(executionId: string): Promise<boolean> {
    const call = this.calls.get(executionId);
    if (call === undefined) return false;
    if (call.state === 'preparing') {
      this.settle(call, call.resultWithoutHarness('stopped'));
      await this.preparations.cancel(call);
      return true;
    }
    if (call.state === 'queued') {
      this.calls.removeQueued(call);
      this.settle(call, call.resultWithoutHarness('stopped'));
      return true;
    }
    this.interrupt(call, 'stopped');
    await call.settled;
    return true;
  }

  /** Adds a reset hook to every worker (running ones from their next call on) and future ones. */
  addResetHook(hook: string): void {
    this.workers.addResetHook(hook, this.slots);
  }

  abort(call: Call): void {
    call.markAborted();
    void this.stop(call.id);
  }

  /**
   * Sends `message` to a worker that is up, outside any call (forked's template making a
   * session); that worker's pid, or undefined when none is up.
   */
  sendOutsideCalls(message: HostMessage): number | undefined {
    const worker = this.slots.map((slot) => slot.worker).find((candidate) => candidate?.alive === true);
    worker?.send(message);
    return worker?.pid;
  }

  /** The pid and state of the first slot's worker (a session's only one), without status()'s /proc reads. */
  firstWorker(): { pid: number | undefined; state: string; hello: HelloMessage | undefined } | undefined {
    const slot = this.slots[0];
    if (slot === undefined || slot.state === 'empty') return undefined;
    return { pid: slot.worker?.servingPid, state: slot.state, hello: slot.worker?.hello };
  }

  status(): Omit<ExecutorStatus, 'strategy'> {
    const workers = this.slots.flatMap((slot) => slot.describe() ?? []);
    return {
      running: this.calls.running(),
      installing: this.calls.installing(),
      queued: this.calls.queued,
      workers,
      totals: this.calls.totals.snapshot(),
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.workers.beginClose();
    for (const call of this.preparations.calls()) this.settle(call, call.resultWithoutHarness('stopped'));
    const installs = this.preparations.cancelAll();
    for (const call of this.calls.drainQueued()) this.settle(call, call.resultWithoutHarness('stopped'));
    const exits: Promise<unknown>[] = [];
    for (const slot of this.slots) {
      slot.deadline.disarm();
      slot.call?.stopForClose();
      // A worker between calls shuts down (it reaps its tree); one mid-call is killed.
      if (slot.worker)
        exits.push(slot.call ? this.workers.kill(slot, 'closed') : this.workers.shutDown(slot, 'closed'));
      else if (slot.call) this.settleInterrupted(slot);
      if (slot.starting) exits.push(slot.starting);
    }
    await Promise.all([...exits, installs]);
    await this.workers.close(); // after the starts above: includes workers that arrived during close
  }

  private dispatch(): void {
    while (this.calls.queued > 0) {
      const slot = freeSlot(this.slots);
      if (slot === undefined) return;
      this.begin(slot, this.calls.nextQueued() as Call);
    }
  }

  private begin(slot: Slot, call: Call): void {
    call.markRunning();
    slot.take(call);
    this.slotOfCall.set(call, slot);
    this.announcer.emit('start', { executionId: call.id });
    if (slot.state === 'idle') this.send(slot, call);
    else if (slot.state === 'empty') void this.workers.start(slot, slot.everStarted ? 'replace' : 'start');
  }

  private send(slot: Slot, call: Call): void {
    const worker = slot.send();
    call.assignPid(worker.servingPid);
    const sentAt = call.markSent();
    armDeadline(slot, call, sentAt, this.options.timeoutMs, (late) => this.interrupt(late, 'timeout'));
    worker.send(call.runMessage(this.polling.sent(slot, sentAt)));
  }

  private onWorkerReady(slot: Slot): void {
    if (slot.call) this.send(slot, slot.call);
    else this.dispatch();
  }

  // A worker that cannot start is not retried in a loop: the calls that waited for it fail.
  private onWorkerFailed(slot: Slot, error: PyExecError): void {
    const waiting = slot.call ? [slot.call] : [];
    slot.dropCall();
    const stranded = this.slots.every((other) => other.state === 'empty') ? this.calls.drainQueued() : [];
    for (const call of [...waiting, ...stranded]) this.fail(call, error);
    if (waiting.length === 0 && stranded.length === 0) this.announcer.emit('error', error);
  }

  private onMessage(slot: Slot, worker: WorkerHandle, message: HarnessMessage): void {
    if (this.runtime.onMessage(slot, worker, message)) return;
    handleAnswer(slot, worker, message, this.answerTargets);
  }

  /**
   * Settles a call whose process (a forked child, a generation) died under it. The process wrote
   * its fault report to stderr before its parent reported the death on stdout, but the host may
   * read the two pipes in either order within one poll: the report is taken in the next check
   * phase, after every read of that poll. A death by a signal faulthandler reports (SIGSEGV…)
   * waits a little longer: on a loaded host the stderr pipe was seen read a turn later (once in
   * 30 crashes in a row). Meanwhile the call is off its slot (see interrupt()).
   */
  private settleDeath(call: Call, worker: WorkerHandle, message: ExitedMessage): void {
    const settle = () => this.settle(call, deathResult(call, worker, message));
    if (message.signal !== undefined && FAULT_REPORT_SIGNALS.has(message.signal))
      setTimeout(settle, FAULT_REPORT_WAIT_MS);
    else setImmediate(settle);
  }

  private announceRecycle(worker: WorkerHandle, reason: string): void {
    this.calls.totals.recycles++;
    this.announcer.emit('worker:recycle', { pid: worker.servingPid ?? worker.pid, reason });
  }

  private onWorkerExit(slot: Slot, worker: WorkerHandle, exit: WorkerExit): void {
    const reason = worker.killReason ?? 'crashed';
    this.announcer.emit('worker:exit', { pid: worker.pid, reason, exitCode: exit.exitCode, signal: exit.signal });
    settleWorkerExit(slot, worker, exit, this.endingTargets);
  }

  // Ends a running call with `reason` as its status; see escalateInterrupt for how.
  private interrupt(call: Call, reason: Interruption): void {
    if (call.state !== 'running') return;
    call.interrupt(reason);
    call.disarmTimeout();
    const slot = this.slotOfCall.get(call) as Slot;
    if (slot.call !== call) return; // its process died: settleDeath ends it with this status
    if (slot.state !== 'busy' || slot.worker === undefined) {
      this.settleInterrupted(slot); // still waiting for its worker to start
      return;
    }
    if (call.escalating) return;
    escalateInterrupt(slot, call, this.options.interruptGraceMs, this.runtime);
  }

  private settleInterrupted(slot: Slot): void {
    const call = slot.call as Call;
    slot.dropCall();
    this.settle(call, call.resultWithoutHarness(call.interruption as Interruption));
    this.dispatch();
  }

  private settle(call: Call, result: ExecutionResult): void {
    this.slotOfCall.delete(call);
    this.calls.settle(call, result);
  }

  private fail(call: Call, error: PyExecError): void {
    this.slotOfCall.delete(call);
    this.calls.fail(call, error);
  }
}
