import { EventEmitter } from 'eventemitter3';
import { PyExecError } from '../../src/core/errors.js';
import type { HarnessMessage, HelloMessage, HostMessage, RunMessage } from '../../src/protocol/messages.js';
import type { WorkerEvents, WorkerExit, WorkerHandle, WorkerSource } from '../../src/worker/worker-handle.js';

// Above any pid_max Linux allows (2^22), so no real process can ever be signalled by mistake.
let nextPid = 5_000_000;

/**
 * A scripted stand-in for a harness process, so the pool's transitions can be driven without
 * Python. A call's code says what the "worker" does:
 * `ok` (or any other text: its value), `error`, `hang` (until SIGINT), `stubborn` (ignores
 * SIGINT), `crash` (the process dies), `spoil` (answers, then cannot serve again), `print` (one
 * stream message, then the result), `last-words` (ignores SIGINT, answers as it is killed). With `mode: 'generations'` it behaves as an isolated worker
 * that forks generations; with `mode: 'forked'` as a template that runs each call in a child.
 */
export class FakeWorker extends EventEmitter<WorkerEvents> implements WorkerHandle {
  readonly pid = nextPid++;
  get harnessPid(): number {
    return this.pid;
  }
  readonly namespaced = false;
  readonly hello: HelloMessage;
  servingPid: number | undefined;
  startHooks: readonly string[] = [];
  killReason: string | undefined;
  alive = true;
  readonly received: HostMessage[] = [];
  private running: RunMessage | undefined;
  private childPid: number | undefined;

  constructor(readonly mode: 'plain' | 'generations' | 'forked') {
    super();
    this.servingPid = mode === 'generations' ? nextPid++ : this.pid;
    this.hello = { type: 'hello', protocol: 1, python: '3.11.0', pid: this.servingPid, executable: '' } as HelloMessage;
  }

  diagnostics(): string {
    return 'fake diagnostics';
  }

  send(message: HostMessage): void {
    this.received.push(message);
    if (message.type === 'run') this.later(() => this.run(message));
    else if (message.type === 'recycle') this.later(() => this.nextGeneration(75));
  }

  interrupt(): void {
    const call = this.running;
    if (this.mode === 'forked' && this.childPid === undefined) return; // a template ignores SIGINT
    if (call?.code === 'hang')
      this.later(() =>
        this.answer(call, { status: 'error', error: { type: 'KeyboardInterrupt', message: '', traceback: '' } }),
      );
  }

  kill(reason: string): Promise<WorkerExit> {
    this.killReason ??= reason;
    // `last-words`: the call's answer (or, forked, its child's death) comes before the exit.
    const call = this.running;
    if (call?.code === 'last-words') {
      if (this.mode === 'forked') this.emitMessage({ type: 'exited', pid: this.childPid as number, signal: 'SIGKILL' });
      else this.answer(call, { status: 'ok', value: 'too late' });
    }
    return this.die({ exitCode: null, signal: 'SIGKILL', diagnostics: '' });
  }

  // An idle harness told to shut down reaps its tree and exits 0; a busy one is killed after the grace.
  shutDown(reason: string): Promise<WorkerExit> {
    if (this.running !== undefined) return this.kill(reason);
    this.killReason ??= reason;
    return this.die({ exitCode: 0, signal: null, diagnostics: '' });
  }

  /** The forked child running the current call. */
  get currentChild(): number | undefined {
    return this.childPid;
  }

  /** Forked: the host sent SIGINT to child `pid`. */
  interruptChild(pid: number): void {
    if (pid === this.childPid) this.interrupt();
  }

  /** Forked: the host killed child `pid`'s tree; the template reports its death. */
  killChild(pid: number): void {
    if (pid !== this.childPid) return;
    this.running = undefined;
    this.later(() => this.emitMessage({ type: 'exited', pid, signal: 'SIGKILL' }));
  }

  private run(message: RunMessage): void {
    if (!this.alive) return;
    this.running = message;
    if (this.mode === 'forked') {
      this.childPid = nextPid++;
      this.emitMessage({ type: 'started', id: message.id, pid: this.childPid });
    }
    switch (message.code) {
      case 'hang':
      case 'stubborn':
      case 'last-words':
        return;
      case 'crash':
        if (this.mode === 'generations') this.nextGeneration(3);
        else if (this.mode === 'forked') this.emitMessage({ type: 'exited', pid: this.childPid as number, code: 3 });
        else void this.die({ exitCode: 3, signal: null, diagnostics: 'fake crash' });
        return;
      case 'error':
        this.answer(message, {
          status: 'error',
          error: { type: 'ValueError', message: 'bad', traceback: 'Traceback' },
        });
        return;
      case 'print':
        this.emitMessage({ type: 'stream', id: message.id, name: 'stdout', text: 'streamed\n' });
        this.answer(message, { status: 'ok', stdout: 'tail\n' });
        return;
      case 'spoil':
        this.answer(message, { status: 'ok' });
        this.emitMessage({ type: 'spoiled', reason: 'threads still running: t' });
        return;
      default:
        this.answer(message, { status: 'ok', value: message.code });
    }
  }

  private answer(message: RunMessage, fields: Record<string, unknown>): void {
    this.running = undefined;
    this.emitMessage({
      type: 'result',
      id: message.id,
      status: 'ok',
      stdout: '',
      stderr: '',
      figures: [],
      ...fields,
    } as HarnessMessage);
  }

  // Isolated: the serving generation ends (`code`), its parent reports it and forks the next.
  private nextGeneration(code: number): void {
    const ended = this.servingPid as number;
    this.running = undefined;
    this.emitMessage({ type: 'exited', pid: ended, code });
    this.later(() => {
      if (!this.alive) return;
      this.servingPid = nextPid++;
      this.emitMessage({
        type: 'hello',
        protocol: 1,
        python: '3.11.0',
        pid: this.servingPid,
        executable: '',
      } as HelloMessage);
    });
  }

  private emitMessage(message: HarnessMessage): void {
    if (this.alive) this.emit('message', message);
  }

  private die(exit: WorkerExit): Promise<WorkerExit> {
    if (!this.alive) return Promise.resolve(exit);
    this.alive = false;
    return new Promise((resolve) =>
      this.later(() => {
        this.emit('exit', exit);
        resolve(exit);
      }),
    );
  }

  private later(action: () => void): void {
    setImmediate(action);
  }
}

/** Starts FakeWorkers (after a turn of the event loop, as a real start takes time). */
export class FakeWorkerSource implements WorkerSource {
  resetHooks: readonly string[] = [];
  readonly started: FakeWorker[] = [];
  /** Set to make the next starts fail with this error. */
  failWith: PyExecError | undefined;
  /** Resolves starts only when this is called (to hold a start in progress). */
  private held: (() => void)[] | undefined;

  constructor(private readonly mode: 'plain' | 'generations' | 'forked' = 'plain') {}

  start(): Promise<WorkerHandle> {
    return new Promise((resolve, reject) => {
      const finish = () => {
        if (this.failWith) return reject(this.failWith);
        const worker = new FakeWorker(this.mode);
        worker.startHooks = this.resetHooks;
        this.started.push(worker);
        resolve(worker);
      };
      if (this.held) this.held.push(finish);
      else setImmediate(finish);
    });
  }

  /** Holds every start until release(). */
  hold(): void {
    this.held = [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const finish of held) finish();
  }

  learnPreloads(): boolean {
    return false;
  }

  async dispose(): Promise<void> {}

  /** Workers started and not dead. */
  get alive(): FakeWorker[] {
    return this.started.filter((worker) => worker.alive);
  }
}

export const startFailure = new PyExecError('WORKER_START_FAILED', 'fake start failure');
