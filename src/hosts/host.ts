import { messageOf, PyExecError } from '../core/errors.js';
import type { HostState, HostStatus } from '../core/results.js';
import type { PythonExecutor } from '../executors/types.js';

const FIRST_PROBE_MS = 500;
const LONGEST_PROBE_MS = 30_000;

/** How a host gets its executor: made for a capacity, which is asked of the host when not given. */
export interface HostMaking {
  readonly capacity: number | undefined;
  /** Its executor (workers, templates, sessions there, through its launcher) for `capacity`. */
  build(capacity: number, host: Host): PythonExecutor;
  /** The CPU count the host reports. */
  measure(): Promise<number>;
}

/**
 * One host of an executor with `hosts`: its own executor, its state, and the probes that bring
 * it back: a host marked down is tried again after 0.5 s, then twice as long each time up to
 * 30 s, and is up once a worker starts there. A host given no capacity gets its executor once it
 * said how many CPUs it has (its first warm-up or placement asks).
 */
export class Host {
  state: HostState = 'starting';
  since = Date.now();
  lastError: string | undefined;
  capacity: number | undefined;
  private built: PythonExecutor | undefined;
  private sizing: Promise<PythonExecutor> | undefined;
  private probeMs = FIRST_PROBE_MS;
  private probe: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly making: HostMaking,
    private readonly changed: (host: Host, error?: unknown) => void,
  ) {
    this.capacity = making.capacity;
    if (this.capacity !== undefined) this.built = making.build(this.capacity, this);
  }

  /** Its executor; undefined while its capacity is not known yet. */
  get executor(): PythonExecutor | undefined {
    return this.built;
  }

  /** Its executor, made once the host said how many CPUs it has (asked once, again after a failure). */
  ready(): Promise<PythonExecutor> {
    if (this.built !== undefined) return Promise.resolve(this.built);
    this.sizing ??= this.making.measure().then(
      (cpus) => {
        if (this.closed) throw new PyExecError('EXECUTOR_CLOSED', 'The executor is closed');
        this.capacity = cpus;
        this.built = this.making.build(cpus, this);
        return this.built;
      },
      (error: unknown) => {
        this.sizing = undefined;
        throw error;
      },
    );
    return this.sizing;
  }

  /**
   * Asks the host how many CPUs it has, unless it has its executor, is being asked or is down
   * (its probe asks then): `sized` once its executor is made, down when it cannot say.
   */
  size(sized: () => void): void {
    if (this.built !== undefined || this.sizing !== undefined || this.state === 'down') return;
    this.ready().then(sized, (error: unknown) => this.markDown(error));
  }

  /** Calls it could take now without waiting: its capacity less what runs or waits there. */
  free(): number {
    if (this.built === undefined) return 0;
    const status = this.built.status();
    return (this.capacity ?? 0) - status.running.length - status.queued;
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
    if (!this.hasLiveWorker()) this.markDown(error);
  }

  /** Starts its workers; up when one answers, down (and probed) when they cannot start. */
  async warmUp(): Promise<void> {
    try {
      await (await this.ready()).warmUp();
      if (this.hasLiveWorker()) this.markUp();
    } catch (error) {
      this.markDown(error);
      throw error;
    }
  }

  status(): HostStatus {
    const status = this.built?.status();
    const shown: HostStatus = {
      name: this.name,
      state: this.state,
      capacity: this.capacity ?? 0,
      workers: status?.workers.length ?? 0,
      running: status?.running.length ?? 0,
      queued: status?.queued ?? 0,
      sessions: this.built?.sessions().length ?? 0,
      since: this.since,
    };
    if (this.lastError !== undefined) shown.lastError = this.lastError;
    return shown;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.probe);
    await this.built?.close();
  }

  private hasLiveWorker(): boolean {
    return this.built?.status().workers.some((worker) => worker.state === 'idle' || worker.state === 'busy') === true;
  }

  private async tryAgain(): Promise<void> {
    this.probe = undefined;
    this.probeMs = Math.min(this.probeMs * 2, LONGEST_PROBE_MS);
    await this.warmUp().catch(() => undefined); // (down again: the next probe is scheduled)
  }
}
