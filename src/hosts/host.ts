import { messageOf } from '../core/errors.js';
import type { HostState, HostStatus } from '../core/results.js';
import type { PythonExecutor } from '../executors/types.js';

const FIRST_PROBE_MS = 500;
const LONGEST_PROBE_MS = 30_000;

/**
 * One host of an executor with `hosts`: its own executor (workers, templates, sessions there,
 * through its launcher), its state, and the probes that bring it back: a host marked down is
 * tried again after 0.5 s, then twice as long each time up to 30 s, and is up once a worker
 * starts there.
 */
export class Host {
  state: HostState = 'starting';
  since = Date.now();
  lastError: string | undefined;
  private probeMs = FIRST_PROBE_MS;
  private probe: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    readonly executor: PythonExecutor,
    readonly capacity: number,
    private readonly changed: (host: Host, error?: unknown) => void,
  ) {}

  /** Calls it could take now without waiting: its capacity less what runs or waits there. */
  free(): number {
    const status = this.executor.status();
    return this.capacity - status.running.length - status.queued;
  }

  markUp(): void {
    if (this.closed || this.state === 'up') return;
    clearTimeout(this.probe);
    this.probe = undefined;
    this.probeMs = FIRST_PROBE_MS;
    this.state = 'up';
    this.since = Date.now();
    this.changed(this);
  }

  markDown(error: unknown): void {
    if (this.closed) return;
    this.lastError = messageOf(error);
    if (this.state !== 'down') {
      this.state = 'down';
      this.since = Date.now();
      this.changed(this, error);
    }
    this.probe ??= setTimeout(() => void this.tryAgain(), this.probeMs);
    this.probe.unref();
  }

  /**
   * A worker could not be replaced there: down, unless a worker runs there now (the failed start
   * may be older than the host's return: it is not taken on its word).
   */
  startFailed(error: unknown): void {
    const alive = this.executor.status().workers.some((worker) => worker.state === 'idle' || worker.state === 'busy');
    if (!alive) this.markDown(error);
  }

  /** Starts its workers; up when one answers, down (and probed) when they cannot start. */
  async warmUp(): Promise<void> {
    try {
      await this.executor.warmUp();
      if (this.executor.status().workers.some((worker) => worker.state === 'idle' || worker.state === 'busy'))
        this.markUp();
    } catch (error) {
      this.markDown(error);
      throw error;
    }
  }

  status(): HostStatus {
    const status = this.executor.status();
    const shown: HostStatus = {
      name: this.name,
      state: this.state,
      capacity: this.capacity,
      workers: status.workers.length,
      running: status.running.length,
      queued: status.queued,
      sessions: this.executor.sessions().length,
      since: this.since,
    };
    if (this.lastError !== undefined) shown.lastError = this.lastError;
    return shown;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.probe);
    await this.executor.close();
  }

  private async tryAgain(): Promise<void> {
    this.probe = undefined;
    this.probeMs = Math.min(this.probeMs * 2, LONGEST_PROBE_MS);
    await this.warmUp().catch(() => undefined); // (down again: the next probe is scheduled)
  }
}
