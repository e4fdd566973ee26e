import type { WorkerHandle, WorkerSource } from '../worker/worker-handle.js';

/**
 * One worker started ahead of need, so a recycle (every `maxExecutions` calls, or whenever an
 * isolated worker cannot be restored) or a crash does not make the next call wait for a start.
 */
export class SpareWorker {
  private pending: Promise<WorkerHandle> | undefined;

  constructor(private readonly launcher: WorkerSource) {}

  /** Starts a spare unless one is ready or on its way. */
  replenish(): void {
    if (this.pending) return;
    const pending = this.launcher.start();
    this.pending = pending;
    const forget = () => {
      if (this.pending === pending) this.pending = undefined;
    };
    // A spare that dies or fails to start is dropped; the next take() starts afresh.
    pending.then((worker) => worker.once('exit', forget), forget);
  }

  /** The spare, ready or still starting, or else a fresh start. */
  take(): Promise<WorkerHandle> {
    const pending = this.pending;
    this.pending = undefined;
    return pending ?? this.launcher.start();
  }

  /** Replaces the spare with one started now (the launcher's configuration changed). */
  refresh(): void {
    void this.dispose();
    this.replenish();
  }

  /** Kills the spare, if any. */
  async dispose(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    const worker = await pending?.catch(() => undefined);
    await worker?.kill('closed');
  }
}
