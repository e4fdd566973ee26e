import type { PyExecError } from '../errors.js';
import type { WorkerStatus } from '../executors/types.js';
import { readRssMb } from '../worker/rss.js';
import type { WorkerProcess } from '../worker/worker-process.js';
import type { Call } from './call.js';

export type SlotState = 'empty' | 'starting' | 'idle' | 'busy' | 'stopping';

/** One place in the pool: at most one worker, running at most one call. */
export class Slot {
  state: SlotState = 'empty';
  worker: WorkerProcess | undefined;
  call: Call | undefined;
  /** Forked strategy: the child of this slot's template running `call`. */
  childPid: number | undefined;
  /** Calls finished by the current worker. */
  executions = 0;
  /** Bumped at every start, so a start that finishes after it was superseded is recognised. */
  generation = 0;
  starting: Promise<void> | undefined;
  lastStartError: PyExecError | undefined;
  everStarted = false;
  /**
   * One reusable timer for calls with the executor's default timeout: refresh() costs far less
   * than a new setTimeout per call. It fires timeoutMs after the latest call began on this slot.
   */
  private deadline: NodeJS.Timeout | undefined;

  /** Restarts the slot's deadline for the call beginning now. */
  armDeadline(timeoutMs: number, onExpired: () => void): void {
    if (this.deadline === undefined) {
      this.deadline = setTimeout(onExpired, timeoutMs);
      this.deadline.unref();
    } else this.deadline.refresh();
  }

  disarmDeadline(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  beginStart(): number {
    this.state = 'starting';
    this.worker = undefined;
    this.executions = 0;
    this.lastStartError = undefined;
    this.everStarted = true;
    return ++this.generation;
  }

  attach(worker: WorkerProcess): void {
    this.worker = worker;
    this.state = 'idle';
    this.starting = undefined;
  }

  failStart(error: PyExecError): void {
    this.state = 'empty';
    this.starting = undefined;
    this.lastStartError = error;
  }

  detach(): void {
    this.worker = undefined;
    this.childPid = undefined;
    this.state = 'empty';
    this.executions = 0;
  }

  /** This slot's worker for status(), or undefined when it has none. */
  describe(): WorkerStatus | undefined {
    if (this.state === 'empty') return undefined;
    const status: WorkerStatus = {
      pid: this.worker?.servingPid,
      state: this.state,
      executions: this.executions,
    };
    const servingPid = this.worker?.servingPid;
    const rssMb = servingPid === undefined ? undefined : readRssMb(servingPid);
    if (rssMb !== undefined) status.rssMb = rssMb;
    if (this.childPid !== undefined) status.childPid = this.childPid;
    return status;
  }
}
