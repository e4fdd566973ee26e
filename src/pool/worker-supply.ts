import { PyExecError } from '../core/errors.js';
import type { HarnessMessage } from '../protocol/messages.js';
import type { WorkerExit, WorkerHandle, WorkerSource } from '../worker/worker-handle.js';
import type { Slot } from './slot.js';
import type { Announcer } from './announcer.js';
import { SpareWorkers } from './spare-workers.js';

/** What the pool does when a slot's worker becomes ready, fails to start, speaks or exits. */
export interface WorkerSupplyHandlers {
  ready(slot: Slot): void;
  failed(slot: Slot, error: PyExecError): void;
  message(slot: Slot, worker: WorkerHandle, message: HarnessMessage): void;
  exited(slot: Slot, worker: WorkerHandle, exit: WorkerExit): void;
}

/** Starts, replaces and retires the workers of a pool's slots, with optional warm spares. */
export class WorkerSupply {
  private readonly spares: SpareWorkers;
  /** Kills of workers already detached from their slot; close() waits for them too. */
  private readonly retiring = new Set<Promise<unknown>>();
  /** Set as soon as the pool begins to close: a worker whose start finishes later is killed, not attached. */
  private closing = false;

  constructor(
    private readonly launcher: WorkerSource,
    spareCount: number,
    private readonly announcer: Announcer,
    private readonly handlers: WorkerSupplyHandlers,
  ) {
    this.spares = new SpareWorkers(launcher, spareCount);
  }

  /** Starts a worker for `slot` (the oldest spare, if any); resolves once it is attached or failed. */
  async start(slot: Slot, reason: string): Promise<void> {
    const generation = slot.beginStart();
    const starting = this.spares.take().then(
      (worker) => this.attach(slot, generation, worker, reason),
      (error: PyExecError) => {
        if (slot.generation !== generation) return;
        slot.failStart(error);
        this.handlers.failed(slot, error);
      },
    );
    slot.trackStart(starting);
    await starting;
  }

  private attach(slot: Slot, generation: number, worker: WorkerHandle, reason: string): void {
    if (this.closing || slot.generation !== generation) {
      this.retire(worker, 'closed');
      return;
    }
    slot.attach(worker);
    this.syncHooks(worker);
    worker.on('message', (message) => {
      try {
        this.handlers.message(slot, worker, message);
      } catch (cause) {
        this.poolFault(slot, cause);
      }
    });
    worker.on('exit', (exit) => {
      try {
        this.handlers.exited(slot, worker, exit);
      } catch (cause) {
        this.poolFault(slot, cause);
      }
    });
    worker.on('protocolError', (error) => {
      this.announcer.emit('error', error);
      void this.kill(slot, 'protocol-error');
    });
    this.announcer.emit('worker:spawn', { pid: worker.pid, reason });
    this.handlers.ready(slot);
    if (!this.closing) this.spares.replenish();
  }

  // A fault of the pool itself (a transition Slot refuses) must not become an uncaught exception
  // in the application: it is reported, and the worker it concerns is replaced.
  private poolFault(slot: Slot, cause: unknown): void {
    this.announcer.emit(
      'error',
      new PyExecError('INTERNAL_ERROR', `pyexec's pool failed to handle its worker: ${String(cause)}`, { cause }),
    );
    if (slot.worker?.alive) void this.kill(slot, 'internal-error');
  }

  /** Adds a reset hook for workers started from now on and, from their next call, to `slots`' workers. */
  addResetHook(hook: string, slots: readonly Slot[]): void {
    const hooks = Object.freeze([...this.launcher.resetHooks, hook]);
    this.launcher.resetHooks = hooks;
    for (const slot of slots) slot.worker?.send({ type: 'configure', resetHooks: hooks });
  }

  /**
   * Sends the executor's reset hooks to a worker started before one was added (a spare, or a
   * new generation forked from a process started before), ahead of any call.
   */
  syncHooks(worker: WorkerHandle): void {
    const hooks = this.launcher.resetHooks;
    if (worker.startHooks !== hooks) worker.send({ type: 'configure', resetHooks: hooks });
  }

  /** Ends a worker already detached from its slot (idle: it shuts down), in the background. */
  retire(worker: WorkerHandle, reason: string): void {
    const ended = worker.shutDown(reason).finally(() => this.retiring.delete(ended));
    this.retiring.add(ended);
  }

  // The worker stays attached until it exits, so its exit settles the call it was running.
  kill(slot: Slot, reason: string): Promise<unknown> {
    return slot.stop().kill(reason);
  }

  /** Ends the worker of a slot that runs no call: it reaps what it started, then exits. */
  shutDown(slot: Slot, reason: string): Promise<unknown> {
    return slot.stop().shutDown(reason);
  }

  /** Packages worth preloading from now on; a spare started without them is replaced. */
  learnPreloads(modules: readonly string[]): void {
    if (this.launcher.learnPreloads(modules) && !this.closing) this.spares.refresh();
  }

  /** From now on no worker is attached or kept spare. */
  beginClose(): void {
    this.closing = true;
  }

  /** Once the slots' workers are gone: kills the spares and waits for retired workers. */
  async close(): Promise<void> {
    this.closing = true;
    await this.spares.dispose();
    await Promise.all([...this.retiring]);
    await this.launcher.dispose();
  }
}
