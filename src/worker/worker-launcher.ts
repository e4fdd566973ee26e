import { dir, type DirectoryResult } from 'tmp-promise';
import { PyExecError } from '../errors.js';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import { PROTOCOL_VERSION } from '../protocol/messages.js';
import { WorkerProcess } from './worker-process.js';

// Room for a result holding two full streams (JSON-escaped) plus figures.
const PROTOCOL_SLACK = 64 * 1024 * 1024;

/** Starts harness processes for one executor and owns what they share (scratch dir, interpreter). */
export class WorkerLauncher {
  private python: string;
  private scratch: Promise<DirectoryResult> | undefined;

  constructor(private readonly options: NormalizedExecutorOptions) {
    this.python = options.python;
  }

  async start(): Promise<WorkerProcess> {
    const scratch = await (this.scratch ??= dir({ prefix: 'pyexec-', unsafeCleanup: true }));
    const { limits } = this.options;
    const worker = await WorkerProcess.start({
      python: this.python,
      command: this.options.command,
      env: this.environment(scratch.path),
      startTimeoutMs: this.options.startTimeoutMs,
      maxLineLength: Number.isFinite(limits.maxOutputBytes) ? limits.maxOutputBytes * 12 + PROTOCOL_SLACK : Number.MAX_SAFE_INTEGER,
      config: { limits },
    });
    if (worker.hello.protocol !== PROTOCOL_VERSION) {
      await worker.kill('protocol-mismatch');
      throw new PyExecError(
        'WORKER_START_FAILED',
        `The Python harness speaks protocol ${worker.hello.protocol}, this host speaks ${PROTOCOL_VERSION}`,
      );
    }
    // Later spawns skip launcher shims (pyenv's costs ~80 ms a start) by naming the real interpreter.
    if (worker.hello.executable) this.python = worker.hello.executable;
    return worker;
  }

  /** Removes the scratch directory; workers must be gone first. */
  async dispose(): Promise<void> {
    const scratch = this.scratch;
    this.scratch = undefined;
    if (scratch) await (await scratch).cleanup();
  }

  private environment(scratchDir: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    // Matplotlib must never write to the home directory nor try to open a window.
    env.MPLBACKEND ??= 'Agg';
    env.MPLCONFIGDIR = scratchDir;
    return Object.assign(env, this.options.env);
  }
}
