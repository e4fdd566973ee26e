import type { EventEmitter } from 'eventemitter3';
import { PyExecError } from '../errors.js';
import type { ExecutionResult, ExecutorEvents, ExecutorStatus } from '../executors/types.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import type { HarnessMessage } from '../protocol/messages.js';
import type { WorkerLauncher } from '../worker/worker-launcher.js';
import type { WorkerExit, WorkerProcess } from '../worker/worker-process.js';
import type { Call, Interruption } from './call.js';
import { CallRegistry } from './call-registry.js';
import { crashError } from './crash-error.js';
import { deliverOutput } from './deliver-output.js';
import { Slot } from './slot.js';
import { SpareWorker } from './spare-worker.js';

/** What distinguishes strategies that share this pool. */
export interface PoolPolicy {
  /** Start workers before calls need them and replace lost ones at once (persistent strategies). */
  readonly keepWarm: boolean;
  /** Every worker serves exactly one call, then is killed (baseline). */
  readonly singleUse: boolean;
  /** Keep one worker started ahead of need, for strategies that recycle workers routinely. */
  readonly keepSpare: boolean;
}

/**
 * The private core behind every pooled executor: a FIFO of calls, `poolSize` worker slots,
 * timeouts and stops (SIGINT, then a kill after a grace period), crash replacement and close.
 */
export class WorkerPool {
  private readonly calls: CallRegistry;
  private readonly slots: Slot[];
  private readonly slotOfCall = new Map<Call, Slot>();
  /** Kills of workers already detached from their slot; close() waits for them too. */
  private readonly retiring = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;
  private readonly spare: SpareWorker;

  constructor(
    private readonly options: NormalizedExecutorOptions,
    private readonly policy: PoolPolicy,
    private readonly launcher: WorkerLauncher,
    private readonly events: EventEmitter<ExecutorEvents>,
  ) {
    this.slots = Array.from({ length: options.poolSize }, () => new Slot());
    this.calls = new CallRegistry(events);
    this.spare = new SpareWorker(launcher);
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Starts every worker now instead of at the first call; resolves when all are ready. */
  async warmUp(): Promise<void> {
    const starts = this.slots.filter((slot) => slot.state === 'empty').map((slot) => this.startWorker(slot, 'start'));
    await Promise.all(starts);
    const failure = this.slots.find((slot) => slot.lastStartError)?.lastStartError;
    if (failure) throw failure;
  }

  submit(call: Call): void {
    if (this.closed) throw new PyExecError('EXECUTOR_CLOSED', 'The executor is closed; create a new one to run more code');
    if (this.calls.has(call.id)) {
      throw new PyExecError('INVALID_OPTION', `The \`executionId\` \`${call.id}\` is already queued or running`);
    }
    if (this.freeSlot() === undefined && this.calls.queued >= this.options.maxQueue) {
      throw new PyExecError('QUEUE_FULL', `The queue is full (\`maxQueue\` is ${this.options.maxQueue}); call \`${call.id}\` was not queued`);
    }
    this.calls.enqueue(call);
    this.dispatch();
  }

  // Stops a queued call at once, or interrupts a running one and waits for it to settle.
  async stop(executionId: string): Promise<boolean> {
    const call = this.calls.get(executionId);
    if (call === undefined) return false;
    if (call.state === 'queued') {
      this.calls.removeQueued(call);
      this.settle(call, call.resultWithoutHarness('stopped'));
      return true;
    }
    this.interrupt(call, 'stopped');
    await call.settled;
    return true;
  }

  /** Hands new reset hooks to every worker (running ones from their next call on) and future ones. */
  setResetHooks(hooks: readonly string[]): void {
    this.launcher.resetHooks = hooks;
    for (const slot of this.slots) slot.worker?.send({ type: 'configure', resetHooks: hooks });
  }

  abort(call: Call): void {
    call.aborted = true;
    void this.stop(call.id);
  }

  status(): Omit<ExecutorStatus, 'strategy'> {
    const workers = this.slots.filter((slot) => slot.state !== 'empty').map((slot) => slot.describe());
    return { running: this.calls.running(), queued: this.calls.queued, workers, totals: this.calls.totals.snapshot() };
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    for (const call of this.calls.drainQueued()) this.settle(call, call.resultWithoutHarness('stopped'));
    const exits: Promise<unknown>[] = [];
    for (const slot of this.slots) {
      if (slot.call) slot.call.interruption = 'stopped';
      if (slot.worker) exits.push(this.killWorker(slot, 'closed'));
      else if (slot.call) this.settleInterrupted(slot);
      if (slot.starting) exits.push(slot.starting);
    }
    exits.push(this.spare.dispose());
    await Promise.all(exits);
    await Promise.all([...this.retiring]); // includes workers whose start finished during close

    await this.launcher.dispose();
  }

  private freeSlot(): Slot | undefined {
    let fallback: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.call !== undefined || slot.state === 'stopping') continue;
      if (slot.state === 'idle') return slot;
      fallback ??= slot;
    }
    return fallback;
  }

  private dispatch(): void {
    while (this.calls.queued > 0) {
      const slot = this.freeSlot();
      if (slot === undefined) return;
      this.begin(slot, this.calls.nextQueued() as Call);
    }
  }

  private begin(slot: Slot, call: Call): void {
    call.markRunning();
    slot.call = call;
    this.slotOfCall.set(call, slot);
    if (Number.isFinite(call.options.timeoutMs)) {
      call.timeoutTimer = setTimeout(() => this.interrupt(call, 'timeout'), call.options.timeoutMs);
    }
    this.events.emit('start', { executionId: call.id });
    if (slot.state === 'idle') this.send(slot, call);
    else if (slot.state === 'empty') void this.startWorker(slot, slot.everStarted ? 'replace' : 'start');
  }

  private send(slot: Slot, call: Call): void {
    const worker = slot.worker as WorkerProcess;
    slot.state = 'busy';
    call.workerPid = worker.pid;
    worker.send({
      type: 'run',
      id: call.id,
      code: call.code,
      maxOutputBytes: this.options.limits.maxOutputBytes,
      ...(call.options.env && { env: call.options.env }),
    });
  }

  private async startWorker(slot: Slot, reason: string): Promise<void> {
    const generation = slot.beginStart();
    const starting = (this.policy.keepSpare ? this.spare.take() : this.launcher.start()).then(
      (worker) => this.onWorkerReady(slot, generation, worker, reason),
      (error: PyExecError) => this.onWorkerFailed(slot, generation, error),
    );
    slot.starting = starting;
    await starting;
  }

  private onWorkerReady(slot: Slot, generation: number, worker: WorkerProcess, reason: string): void {
    if (this.closed || slot.generation !== generation) {
      this.retire(worker, 'closed');
      return;
    }
    slot.attach(worker);
    worker.on('message', (message) => this.onMessage(slot, worker, message));
    worker.on('exit', (exit) => this.onWorkerExit(slot, worker, exit));
    worker.on('protocolError', (error) => {
      this.events.emit('error', error);
      void this.killWorker(slot, 'protocol-error');
    });
    this.events.emit('worker:spawn', { pid: worker.pid, reason });
    if (slot.call) this.send(slot, slot.call);
    else this.dispatch();
    if (this.policy.keepSpare && !this.closed) this.spare.replenish();
  }

  // A worker that cannot start is not retried in a loop: the calls that waited for it fail.
  private onWorkerFailed(slot: Slot, generation: number, error: PyExecError): void {
    if (slot.generation !== generation) return;
    slot.failStart(error);
    const waiting = slot.call ? [slot.call] : [];
    slot.call = undefined;
    const stranded = this.slots.every((other) => other.state === 'empty') ? this.calls.drainQueued() : [];
    for (const call of [...waiting, ...stranded]) this.fail(call, error);
    if (waiting.length === 0 && stranded.length === 0) this.events.emit('error', error);
  }

  private onMessage(slot: Slot, worker: WorkerProcess, message: HarnessMessage): void {
    const call = slot.call;
    if (message.type === 'spoiled') {
      // A call sent after its last result never started: the exit handler gives it to a replacement.
      // A spare started before this lesson would recycle on the same import: start a new one.
      if (message.preload && this.launcher.learnPreloads(message.preload) && this.policy.keepSpare) this.spare.refresh();
      this.calls.totals.recycles++;
      this.events.emit('worker:recycle', { pid: worker.pid, reason: message.reason });
      void this.killWorker(slot, 'spoiled');
      return;
    }
    if (message.type === 'fault' && (message.id === undefined || call?.id !== message.id)) {
      this.events.emit('error', new PyExecError('PROTOCOL_ERROR', `The Python harness (pid ${worker.pid}) reported: ${message.message}`));
      return;
    }
    if (call === undefined || !('id' in message) || message.id !== call.id) return;
    if (message.type === 'stream') {
      deliverOutput(call, message, this.events);
    } else if (message.type === 'result') {
      this.finishOnWorker(slot, call, call.resultFromHarness(message));
    } else if (message.type === 'fault') {
      const error = { type: 'HarnessFault', message: message.message, traceback: '' };
      this.finishOnWorker(slot, call, call.resultWithoutHarness(call.interruption ?? 'error', error));
    }
  }

  // The worker answered: settle, then keep it, or retire it (single use, or recycled).
  private finishOnWorker(slot: Slot, call: Call, result: ExecutionResult): void {
    slot.call = undefined;
    slot.executions++;
    this.settle(call, result);
    const worker = slot.worker as WorkerProcess;
    const served = !this.policy.singleUse && slot.executions >= this.options.maxExecutions;
    const recycleReason = served ? `served maxExecutions (${this.options.maxExecutions}) calls` : undefined;
    if (this.policy.singleUse || recycleReason !== undefined) {
      if (recycleReason !== undefined && !this.closed) {
        this.calls.totals.recycles++;
        this.events.emit('worker:recycle', { pid: worker.pid, reason: recycleReason });
      }
      // Detached at once: the slot takes a new worker while the old one is killed in the background.
      this.retire(worker, this.policy.singleUse ? 'single-use' : 'recycled');
      slot.detach();
      if (this.policy.keepWarm && !this.closed) void this.startWorker(slot, 'replace');
    } else {
      slot.state = 'idle';
    }
    this.dispatch();
  }

  private onWorkerExit(slot: Slot, worker: WorkerProcess, exit: WorkerExit): void {
    const reason = worker.killReason ?? 'crashed';
    this.events.emit('worker:exit', { pid: worker.pid, reason, exitCode: exit.exitCode, signal: exit.signal });
    if (slot.worker !== worker) return;
    const call = slot.call;
    slot.detach();
    if (call !== undefined && worker.killReason === 'spoiled' && call.interruption === undefined && !this.closed) {
      void this.startWorker(slot, 'replace'); // the call stays on the slot and is sent to the replacement
      return;
    }
    slot.call = undefined;
    if (call !== undefined) {
      if (call.interruption !== undefined) this.settle(call, call.resultWithoutHarness(call.interruption));
      else this.settle(call, call.resultWithoutHarness('crashed', crashError(worker.pid, exit)));
    }
    if (this.closed) return;
    if (this.policy.keepWarm || this.calls.queued > 0) void this.startWorker(slot, 'replace');
  }

  // SIGINT first; a worker that has not answered when the grace period ends is killed.
  private interrupt(call: Call, reason: Interruption): void {
    if (call.state !== 'running') return;
    call.interruption ??= reason;
    clearTimeout(call.timeoutTimer);
    const slot = this.slotOfCall.get(call) as Slot;
    if (slot.state !== 'busy' || slot.worker === undefined) {
      this.settleInterrupted(slot); // still waiting for its worker to start
      return;
    }
    if (call.graceTimer !== undefined) return;
    slot.worker.interrupt();
    const worker = slot.worker;
    call.graceTimer = setTimeout(() => {
      if (slot.worker === worker && slot.call === call) void this.killWorker(slot, call.interruption as string);
    }, this.options.interruptGraceMs);
  }

  private settleInterrupted(slot: Slot): void {
    const call = slot.call as Call;
    slot.call = undefined;
    this.settle(call, call.resultWithoutHarness(call.interruption as Interruption));
    this.dispatch();
  }

  private retire(worker: WorkerProcess, reason: string): void {
    const killed = worker.kill(reason).finally(() => this.retiring.delete(killed));
    this.retiring.add(killed);
  }

  // The worker stays attached until it exits, so its exit settles the call it was running.
  private killWorker(slot: Slot, reason: string): Promise<unknown> {
    slot.state = 'stopping';
    return (slot.worker as WorkerProcess).kill(reason);
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
