import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PythonExecutor } from '../executors/types.js';

/**
 * The service's Prometheus metrics, on a registry of its own (two servers in one process do not
 * mix): calls by strategy and status, call durations, the queue, workers, sessions, worker
 * restarts, installs, and with `hosts` each host's state and capacity. Counters follow the
 * executor's events; gauges are read at each scrape.
 */
export function serviceMetrics(executor: PythonExecutor): Registry {
  const registry = new Registry();
  const strategy = executor.strategy;
  const calls = new Counter({
    name: 'pyexec_calls_total',
    help: 'Calls that ended, by strategy and status',
    labelNames: ['strategy', 'status'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'pyexec_call_duration_seconds',
    help: 'How long calls ran, from reaching their worker to their end',
    labelNames: ['strategy'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
    registers: [registry],
  });
  const restarts = new Counter({
    name: 'pyexec_worker_restarts_total',
    help: 'Workers that ended (crashed, killed, recycled) and were replaced, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const installs = new Counter({
    name: 'pyexec_installs_total',
    help: 'autoInstall runs, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  new Gauge({
    name: 'pyexec_queue_length',
    help: 'Calls waiting for a worker',
    registers: [registry],
    collect() {
      this.set(executor.status().queued);
    },
  });
  new Gauge({
    name: 'pyexec_running_calls',
    help: 'Calls running now',
    registers: [registry],
    collect() {
      this.set(executor.status().running.length);
    },
  });
  new Gauge({
    name: 'pyexec_workers',
    help: 'Worker processes, by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const worker of executor.status().workers) this.inc({ state: worker.state });
    },
  });
  new Gauge({
    name: 'pyexec_sessions',
    help: 'Open sessions, by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const session of executor.sessions()) this.inc({ state: session.state });
    },
  });
  // With `hosts`: each host's state (1 for the one it is in) and capacity.
  new Gauge({
    name: 'pyexec_host_state',
    help: 'Each host of an executor with hosts: 1 for the state it is in (up, starting, down)',
    labelNames: ['host', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const host of executor.status().hosts ?? [])
        for (const state of ['up', 'starting', 'down'] as const)
          this.set({ host: host.name, state }, host.state === state ? 1 : 0);
    },
  });
  new Gauge({
    name: 'pyexec_host_capacity',
    help: 'Each host of an executor with hosts: calls it runs at once',
    labelNames: ['host'],
    registers: [registry],
    collect() {
      this.reset();
      for (const host of executor.status().hosts ?? []) this.set({ host: host.name }, host.capacity);
    },
  });
  // Label children made once (per status): every call ends here, and hashing labels per call shows.
  const callsOf = new Map<string, ReturnType<typeof calls.labels>>();
  const durationsOfStrategy = durations.labels({ strategy });
  executor.on('end', ({ result }) => {
    let counter = callsOf.get(result.status);
    if (counter === undefined)
      callsOf.set(result.status, (counter = calls.labels({ strategy, status: result.status })));
    counter.inc();
    durationsOfStrategy.observe(result.durationMs / 1000);
  });
  executor.on('worker:exit', ({ reason }) => {
    if (reason !== 'closed' && reason !== 'shutdown') restarts.inc({ reason });
  });
  executor.on('install:end', ({ error }) => installs.inc({ outcome: error === undefined ? 'ok' : 'failed' }));
  return registry;
}
