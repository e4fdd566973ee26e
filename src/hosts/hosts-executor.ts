import { EventEmitter } from 'eventemitter3';
import { PyExecError } from '../core/errors.js';
import type { ExecutionResult, ExecutorEvents, ExecutorStatus, SessionInfo } from '../core/results.js';
import type { StrategyCapabilities, StrategyName } from '../core/strategy-names.js';
import type { PythonExecutor } from '../executors/types.js';
import type { ExecutorOptions, NormalizedExecutorOptions } from '../options/executor-options.js';
import type { RunOptions } from '../options/run-options.js';
import type { SessionOptions } from '../options/session-options.js';
import { streamCall, type StreamEvent } from '../pool/call-stream.js';
import type { Session } from '../sessions/session.js';
import { normalizeExecutorOptions } from '../options/executor-options.js';
import { executorNamed, strategyNamed } from '../strategies/registry.js';
import { Host } from './host.js';
import { normalizeHosts, type HostOptions } from './host-options.js';
import { remoteCpuCount } from './remote-cpus.js';

// What each host's executor reports, passed on as the executor's own.
const FORWARDED = [
  'start',
  'end',
  'stdout',
  'stderr',
  'display',
  'worker:spawn',
  'worker:exit',
  'worker:recycle',
  'session:start',
  'session:end',
] as const;

// Failures that mean the host, not the call: the call had not started there and may go elsewhere.
const HOST_FAILURES = new Set(['WORKER_START_FAILED', 'LAUNCHER_NOT_FOUND', 'PYTHON_NOT_FOUND', 'PYTHON_UNSUPPORTED']);
const isHostFailure = (error: unknown) => error instanceof PyExecError && HOST_FAILURES.has(error.code);

/**
 * An executor whose workers run on several hosts (`createExecutor({ hosts })`): each host runs
 * the strategy there, through its launcher, with its own capacity. A call goes to the host with
 * the most free capacity among those not down; a session is placed the same way and stays on its
 * host for life. A host that cannot start workers is marked down (`host:down`), probed again,
 * and up (`host:up`) once a worker answers; a call that had not started there goes elsewhere.
 */
export class HostsExecutor extends EventEmitter<ExecutorEvents> implements PythonExecutor {
  readonly strategy: StrategyName;
  readonly capabilities: StrategyCapabilities;
  /** The options as given (each host's executor differs in launcher, python and pool size). */
  readonly options: NormalizedExecutorOptions;
  private readonly hosts: Host[];
  private readonly waiting = new Set<() => void>();
  private readonly resetHooks: string[] = [];
  private closed = false;

  constructor(options: ExecutorOptions & { hosts: readonly HostOptions[] }) {
    super();
    const { hosts: given, ...rest } = options;
    const strategy = rest.strategy ?? 'optimized';
    const definition = strategyNamed(strategy);
    const hosts = normalizeHosts(given, rest as Record<string, unknown>);
    this.strategy = strategy;
    this.capabilities = definition.capabilities;
    this.options = normalizeExecutorOptions(rest, strategy, definition);
    this.hosts = hosts.map((host) => {
      const python = host.python ?? this.options.python;
      // A host given no capacity runs as many calls as it has CPUs (the executor's poolSize, when
      // given, is every host's).
      return new Host(
        host.name,
        {
          capacity: host.capacity ?? rest.poolSize,
          build: (capacity, made) => {
            const executor = executorNamed(strategy, {
              ...rest,
              ...host.launcher,
              python,
              shipHarness: true,
              hostName: host.name,
              poolSize: capacity,
            });
            for (const hook of this.resetHooks) addResetHookTo(executor, hook);
            this.forward(made, executor);
            return executor;
          },
          measure: () => remoteCpuCount({ ...host.launcher, python, host: host.name }, this.options.startTimeoutMs),
        },
        (changed, error) => this.hostChanged(changed, error),
      );
    });
  }

  async run(code: string, options: RunOptions = {}): Promise<ExecutionResult> {
    // (An invalid timeoutMs is the host executor's to reject, with the option named.)
    const timeoutMs =
      typeof options.timeoutMs === 'number' && options.timeoutMs > 0 ? options.timeoutMs : this.options.timeoutMs;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Placed and handed over in one turn: calls made together see each other's load.
      const host = this.placeNow() ?? (await this.place(deadline));
      try {
        return await (host.executor as PythonExecutor).run(code, options);
      } catch (error) {
        if (!isHostFailure(error)) throw error;
        host.markDown(error); // it never ran there: another host takes it
      }
    }
  }

  stream(code: string, options?: RunOptions): AsyncIterableIterator<StreamEvent> {
    return streamCall((withCallbacks) => this.run(code, withCallbacks), options);
  }

  /** Starts every host's workers; resolves once one host is up, rejects when none could start. */
  async warmUp(): Promise<void> {
    const started = await Promise.allSettled(this.hosts.map((host) => host.warmUp()));
    if (started.every((outcome) => outcome.status === 'rejected')) throw (started[0] as PromiseRejectedResult).reason;
  }

  async createSession(options?: SessionOptions): Promise<Session> {
    const deadline = Date.now() + this.options.startTimeoutMs;
    for (;;) {
      const host = this.placeNow() ?? (await this.place(deadline));
      try {
        return await (host.executor as PythonExecutor).createSession(options);
      } catch (error) {
        if (!isHostFailure(error)) throw error;
        host.markDown(error);
      }
    }
  }

  /** Every open session, each naming its host. */
  sessions(): SessionInfo[] {
    return this.hosts.flatMap((host) => host.executor?.sessions().map((info) => ({ ...info, host: host.name })) ?? []);
  }

  getSession(id: string): Session | undefined {
    for (const host of this.hosts) {
      const session = host.executor?.getSession(id);
      if (session !== undefined) return session;
    }
    return undefined;
  }

  async stop(executionId: string): Promise<boolean> {
    const stopped = await Promise.all(this.hosts.map((host) => host.executor?.stop(executionId)));
    return stopped.includes(true);
  }

  status(): ExecutorStatus {
    const each = this.hosts.flatMap((host) => host.executor?.status() ?? []);
    const totals = { executions: 0, ok: 0, errors: 0, timeouts: 0, stopped: 0, crashes: 0, recycles: 0 };
    for (const status of each)
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += status.totals[key];
    return {
      strategy: this.strategy,
      running: each.flatMap((status) => status.running),
      installing: each.flatMap((status) => status.installing),
      queued: each.reduce((sum, status) => sum + status.queued, 0),
      workers: each.flatMap((status) => status.workers),
      totals,
      hosts: this.hosts.map((host) => host.status()),
    };
  }

  installPackages(): never {
    throw new PyExecError('INVALID_OPTION', 'installPackages is not supported with `hosts` yet: prepare each host');
  }

  /** Adds a reset hook on every host (strategies that have them). */
  addResetHook(hook: string): void {
    this.resetHooks.push(hook);
    for (const host of this.hosts) if (host.executor !== undefined) addResetHookTo(host.executor, hook);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeWaiting();
    await Promise.all(this.hosts.map((host) => host.close()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // The host with the most free capacity among those not down; with every host down (or not yet
  // sized: asked now), waits for one to come back until `deadline`, then NO_HOST_AVAILABLE.
  private async place(deadline: number): Promise<Host> {
    for (;;) {
      if (this.closed) throw new PyExecError('EXECUTOR_CLOSED', 'The executor is closed');
      const best = this.placeNow();
      if (best !== undefined) return best;
      for (const host of this.hosts) host.size(() => this.wakeWaiting());
      const left = deadline - Date.now();
      if (left <= 0)
        throw new PyExecError(
          'NO_HOST_AVAILABLE',
          `No host is up: ${this.hosts.map((host) => `${host.name} (${host.lastError ?? 'down'})`).join('; ')}`,
        );
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiting.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 2 ** 31 - 1));
        this.waiting.add(wake);
      });
    }
  }

  private placeNow(): Host | undefined {
    if (this.closed) return undefined;
    let best: Host | undefined;
    for (const host of this.hosts)
      if (host.state !== 'down' && host.executor !== undefined && (best === undefined || host.free() > best.free()))
        best = host;
    return best;
  }

  private hostChanged(host: Host, error?: unknown): void {
    if (host.state === 'up') {
      this.wakeWaiting();
      this.emit('host:up', { name: host.name });
    } else if (host.state === 'down') this.emit('host:down', { name: host.name, error });
  }

  // Calls waiting for a host look again (one is up, or was sized).
  private wakeWaiting(): void {
    for (const wake of this.waiting) wake();
  }

  private forward(host: Host, executor: PythonExecutor): void {
    for (const event of FORWARDED)
      (executor.on as (name: string, listener: (payload: unknown) => void) => unknown).call(
        executor,
        event,
        (payload) => (this.emit as (name: string, payload: unknown) => boolean).call(this, event, payload),
      );
    executor.on('worker:spawn', () => host.markUp());
    // A worker that cannot be replaced there: the host is gone (its connection, its machine).
    executor.on('error', (error) => (isHostFailure(error) ? host.startFailed(error) : this.emit('error', error)));
  }
}

// Reset hooks reach the strategies that have them (a host's executor is made later when sized).
function addResetHookTo(executor: PythonExecutor, hook: string): void {
  (executor as PythonExecutor & { addResetHook?(hook: string): void }).addResetHook?.(hook);
}
