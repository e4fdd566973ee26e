import { EventEmitter } from 'eventemitter3';
import { execa, type ResultPromise } from 'execa';
import { PyExecError } from '../core/errors.js';
import { decodeHarnessMessage, encodeHostMessage } from '../protocol/codec.js';
import { LineSplitter } from '../protocol/line-splitter.js';
import type { HarnessMessage, HelloMessage, HostMessage } from '../protocol/messages.js';
import { shutDownGracefully, type WorkerEvents, type WorkerExit, type WorkerHandle } from './worker-handle.js';
import { HARNESS_BOOTSTRAP, harnessRuntimeDir } from './harness-location.js';
import { launcherArgv, type CommandQuoting } from './launcher-argv.js';
import { launcherNotFound } from './launcher-run.js';
import { SHIPPED_BOOTSTRAP, type ShippedHarness } from './harness-shipping.js';
import { explainStartFailure } from './interpreter-check.js';
import { killProcessTree, signalQuietly } from './kill-tree.js';
import { killPipeHolders, stdioPipes } from './pipe-holders.js';
import { descendantCalled } from './process-tree.js';

/** How to start one harness process. */
export interface WorkerLaunch {
  readonly python: string;
  readonly command: readonly string[];
  /** How `command` passes arguments on (`shell`: quoted, for ssh). @default 'none' */
  readonly commandQuoting?: CommandQuoting;
  /** Variables set on the other side of `command` (a launcher to another machine passes none on). */
  readonly remoteEnv?: Readonly<Record<string, string>>;
  /** Working directory the process starts in. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly startTimeoutMs: number;
  readonly maxLineLength: number;
  /** Handed to the harness at start (limits, preloads), as JSON on its command line. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The harness forks generations that serve calls (see generations.py); `pid` only forks. */
  readonly generations: boolean;
  /** Started inside a pid namespace of its own (the sandbox): it reports other pids than ours. */
  readonly namespaced: boolean;
  /** Where the process finds python-runtime (elsewhere in the sandbox). @default harnessRuntimeDir() */
  readonly runtimeDir?: string;
  /** A harness shipped through the launcher (`shipHarness`): checked by its hash at start. */
  readonly shipped?: ShippedHarness;
  /** The machine it runs on, as crashes name it (the `hostName` option). */
  readonly host?: string;
  /** Called with the process's pid as soon as it exists, before it can start anything (its cgroup). */
  readonly onSpawn?: (pid: number) => void;
}

const DIAGNOSTICS_TAIL = 8192;
// After the process exits, how long its last messages may take to be read before whatever still
// holds its pipes open is killed (something it started, holding the inherited descriptors).
const EXIT_DRAIN_MS = 250;

/** One running harness process and its JSON-lines channel. */
export class WorkerProcess extends EventEmitter<WorkerEvents> implements WorkerHandle {
  readonly pid: number;
  readonly harnessPid: number;
  readonly namespaced: boolean;
  readonly hello: HelloMessage;
  /** The process that runs calls: `pid`, or the generation it forked that serves now. */
  servingPid: number | undefined;
  /** The reset hooks this process was started with (a later `configure` reaches one generation). */
  startHooks: readonly string[] = [];
  /** Why the host killed it (`timeout`, `recycled`, `closed`, …); undefined if it died by itself. */
  killReason: string | undefined;
  private exitInfo: WorkerExit | undefined;
  private readonly exited: Promise<WorkerExit>;

  private constructor(
    private readonly subprocess: ResultPromise,
    hello: HelloMessage,
    exited: Promise<WorkerExit>,
    /** The last few KB the process wrote to its real stderr so far (crash reports). */
    readonly diagnostics: () => string,
    generations: boolean,
    namespaced: boolean,
    /** The machine it runs on when not this one (the `hostName` option): crashes name it. */
    readonly host: string | undefined,
  ) {
    super();
    this.pid = subprocess.pid as number;
    // In the sandbox, the process bubblewrap runs Python in (below its own init).
    this.harnessPid = (namespaced ? descendantCalled(this.pid, hello.pid) : undefined) ?? this.pid;
    this.namespaced = namespaced;
    this.hello = hello;
    this.servingPid = generations ? hello.pid : this.pid;
    this.exited = exited;
    void exited.then((info) => {
      this.exitInfo = info;
      this.emit('exit', info);
    });
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  // Spawns the harness and resolves once it has said hello; rejects with a PyExecError otherwise.
  static start(launch: WorkerLaunch): Promise<WorkerProcess> {
    const [file, args] = launcherArgv(
      launch.command,
      launch.commandQuoting ?? 'none',
      launch.python,
      launch.shipped !== undefined
        ? ['-c', SHIPPED_BOOTSTRAP, launch.shipped.dir, JSON.stringify(launch.config), launch.shipped.hash]
        : ['-c', HARNESS_BOOTSTRAP, launch.runtimeDir ?? harnessRuntimeDir(), JSON.stringify(launch.config)],
      launch.remoteEnv,
    );
    const subprocess = execa(file, args, {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      // Its own process group, so a kill reaches everything user code started.
      detached: true,
      cwd: launch.cwd,
      env: launch.env,
      extendEnv: false,
      stripFinalNewline: false,
    });
    if (subprocess.pid !== undefined) launch.onSpawn?.(subprocess.pid);
    return new Promise((resolve, reject) => {
      let diagnostics = '';
      let worker: WorkerProcess | undefined;
      const splitter = new LineSplitter(launch.maxLineLength);
      let failed = false;
      const fail = (error: PyExecError | Promise<PyExecError>) => {
        if (failed) return; // its exit follows a reported failure: one explanation is enough
        failed = true;
        clearTimeout(startTimer);
        void killProcessTree(subprocess.pid as number);
        void Promise.resolve(error).then(reject);
      };
      // The executable ran but never said hello: find out whether it is a (recent) Python at all.
      const failUnready = (error: PyExecError) => {
        if (!failed) fail(explainStartFailure(launch.python, launch.command, error, launch.commandQuoting));
      };
      const startTimer = setTimeout(
        () => fail(startError(launch, `did not start within ${launch.startTimeoutMs} ms`, diagnostics)),
        launch.startTimeoutMs,
      );
      // Read now: spawn returns once the process runs Python, whose harness duplicates them
      // before it replaces fds 0-2 with its capture.
      const pipes = subprocess.pid === undefined ? new Set<string>() : stdioPipes(subprocess.pid);
      const exited = new Promise<WorkerExit>((resolveExit) => {
        // 'close', not 'exit': every message the process wrote (a last `spoiled`) is read first.
        subprocess.on('close', (exitCode, signal) => resolveExit({ exitCode, signal, diagnostics }));
        // But the worker is gone when its process is: a descendant that kept its pipes must not
        // delay a timeout or close() for as long as it lives.
        subprocess.on('exit', () => {
          const drained = setTimeout(() => {
            killPipeHolders(pipes);
            for (const stream of [subprocess.stdin, subprocess.stdout, subprocess.stderr]) stream?.destroy();
          }, EXIT_DRAIN_MS);
          subprocess.on('close', () => clearTimeout(drained));
        });
      });
      subprocess.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') fail(startError(launch, error.message, diagnostics));
        else if (launch.command.length > 0) {
          fail(launcherNotFound(file, launch.host, error));
        } else {
          fail(
            new PyExecError(
              'PYTHON_NOT_FOUND',
              `Python executable not found: \`${file}\` (set the \`python\` option or PYEXEC_PYTHON)`,
              {
                cause: error,
              },
            ),
          );
        }
      });
      void exited.then((info) => {
        if (worker !== undefined) return;
        const notFound = info.exitCode === 127 && launch.command.length > 0;
        // bubblewrap's own complaint (a missing path to bind, no namespaces): it, not Python, failed.
        const bubblewrapSaid = launch.command[0] === 'bwrap' ? /^bwrap: (.*)$/m.exec(info.diagnostics) : null;
        if (bubblewrapSaid !== null) {
          fail(
            new PyExecError('SANDBOX_UNAVAILABLE', `bubblewrap could not make the sandbox: ${bubblewrapSaid[1]}`, {
              cause: startError(launch, 'exited', info.diagnostics),
            }),
          );
        } else if (notFound) {
          fail(
            new PyExecError(
              'PYTHON_NOT_FOUND',
              `Python executable not found through the launcher: \`${launch.python}\`\n${info.diagnostics}`,
            ),
          );
        } else
          failUnready(
            startError(
              launch,
              `exited (code ${info.exitCode}, signal ${info.signal}) before it was ready`,
              info.diagnostics,
            ),
          );
      });
      subprocess.stderr?.setEncoding('utf8');
      subprocess.stderr?.on('data', (chunk: string) => {
        diagnostics = (diagnostics + chunk).slice(-DIAGNOSTICS_TAIL);
      });
      subprocess.stdin?.on('error', () => {
        // A dead worker's stdin: the exit handler reports it.
      });
      subprocess.stdout?.setEncoding('utf8');
      subprocess.stdout?.on('data', (chunk: string) => {
        let lines: string[];
        let messages: HarnessMessage[];
        try {
          lines = splitter.push(chunk);
          messages = lines.map(decodeHarnessMessage);
        } catch (error) {
          if (worker === undefined) failUnready(error as PyExecError);
          else worker.emit('protocolError', error as PyExecError);
          return;
        }
        for (const message of messages) {
          if (worker !== undefined) worker.emit('message', message);
          else if (message.type === 'hello') {
            clearTimeout(startTimer);
            worker = new WorkerProcess(
              subprocess,
              message,
              exited,
              () => diagnostics,
              launch.generations,
              launch.namespaced,
              launch.host,
            );
            resolve(worker);
          } else if (message.type === 'fault') fail(startError(launch, message.message, ''));
          else fail(startError(launch, `sent ${message.type} before hello`, diagnostics));
        }
      });
    });
  }

  send(message: HostMessage): void {
    this.subprocess.stdin?.write(encodeHostMessage(message));
  }

  // SIGINT interrupts the running call only; the harness survives it.
  interrupt(): void {
    if (this.alive) signalQuietly(this.harnessPid, 'SIGINT'); // gone: its exit is reported
  }

  /**
   * Asks the harness to end: it kills and reaps everything it started before it exits, so no
   * process of its tree is left to a PID 1 that may be slow to reap (a zombie holds its cgroup).
   * Killed instead if it is not gone within a grace (busy, or its loop broken by user code).
   */
  shutDown(reason: string): Promise<WorkerExit> {
    if (this.alive) this.killReason ??= reason;
    return shutDownGracefully(this, this.exited, reason);
  }

  /** Kills the process and all it started; resolves once it has exited. */
  async kill(reason: string): Promise<WorkerExit> {
    this.killReason ??= reason;
    if (this.alive) await killProcessTree(this.pid);
    return this.exited;
  }
}

function startError(launch: WorkerLaunch, what: string, diagnostics: string): PyExecError {
  // A sandbox's command line runs to a kilobyte of mounts: its first word says enough.
  const command = launch.command[0] === 'bwrap' ? ['bwrap', '…'] : launch.command;
  const shown = [...command, launch.python].join(' ');
  return new PyExecError(
    'WORKER_START_FAILED',
    `The Python worker (\`${shown}\`) ${what}${diagnostics ? `:\n${diagnostics}` : ''}`,
  );
}
