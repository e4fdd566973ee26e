import type { WorkerHandle, WorkerSource } from '../worker/worker-handle.js';

/**
 * Workers started ahead of need, so a recycle (every `maxExecutions` calls, or whenever an
 * isolated worker cannot be restored), a crash or a single-use worker's end does not make the
 * next call wait for a start. With a count of 0 it keeps none: take() starts a worker then.
 */
export class SpareWorkers {
  private pending: Promise<WorkerHandle>[] = [];

  constructor(
    private readonly launcher: WorkerSource,
    private readonly count: number,
  ) {}

  /** Starts spares until `count` are ready or on their way. */
  replenish(): void {
    while (this.pending.length < this.count) {
      const pending = this.launcher.start();
      this.pending.push(pending);
      const forget = () => {
        this.pending = this.pending.filter((other) => other !== pending);
      };
      // A spare that dies or fails to start is dropped; the next take() starts afresh.
      pending.then((worker) => worker.once('exit', forget), forget);
    }
  }

  /** The oldest spare, ready or still starting, or else a fresh start. */
  take(): Promise<WorkerHandle> {
    return this.pending.shift() ?? this.launcher.start();
  }

  /** Replaces the spares with ones started now (the launcher's configuration changed). */
  refresh(): void {
    void this.dispose();
    this.replenish();
  }

  /** Ends the spares, if any (idle: they shut down). */
  async dispose(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending.map(async (started) => (await started.catch(() => undefined))?.shutDown('closed')));
  }
}
