import type { ExecutionStatus, ExecutorTotals } from '../core/results.js';

/** Counters behind `status().totals`. */
export class PoolTotals implements ExecutorTotals {
  executions = 0;
  ok = 0;
  errors = 0;
  timeouts = 0;
  stopped = 0;
  crashes = 0;
  recycles = 0;

  count(status: ExecutionStatus): void {
    this.executions++;
    if (status === 'ok') this.ok++;
    else if (status === 'error') this.errors++;
    else if (status === 'timeout') this.timeouts++;
    else if (status === 'stopped') this.stopped++;
    else this.crashes++;
  }

  snapshot(): ExecutorTotals {
    const { executions, ok, errors, timeouts, stopped, crashes, recycles } = this;
    return { executions, ok, errors, timeouts, stopped, crashes, recycles };
  }
}
