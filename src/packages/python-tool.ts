import { execa } from 'execa';
import { abortError, PyExecError } from '../core/errors.js';
import { harnessRuntimeDir } from '../worker/harness-location.js';
import { killProcessTree } from '../worker/kill-tree.js';
import { inPrivateDirectory } from '../worker/private-directory.js';

/** How to run one of the harness's helper programs (python-runtime/pyexec_harness/tools/). */
export interface ToolRun {
  readonly python: string;
  /** A launcher prefix, as the executor's `command` option. */
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Start Python in isolated mode (`-I`): no PYTHON* variables, no user site-packages. The
   * import analysis runs without it, since it must find modules as workers do (PYTHONPATH, the
   * user's site-packages); every helper runs from a private empty directory either way.
   */
  readonly isolated?: boolean;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Receives stdout and stderr text as it comes. */
  readonly onOutput?: (text: string) => void;
  /** The error code for running past `timeoutMs`. */
  readonly timeoutCode?: 'INSTALL_TIMEOUT' | 'WORKER_START_FAILED';
}

export interface ToolResult {
  readonly exitCode: number | null;
  readonly stdout: string;
  /** stdout and stderr interleaved as they came. */
  readonly log: string;
}

const BOOTSTRAP = (tool: string) =>
  `import sys;sys.path.insert(0,sys.argv[1]);from pyexec_harness.tools import ${tool} as t;del sys.path[0];t.main(sys.argv[2:])`;

/**
 * Runs helper `tool` with the chosen interpreter, never through a shell, in a process group of
 * its own: a timeout or an aborted signal kills the group (pip and whatever it started), and the
 * promise settles only once that is done.
 */
export async function runPythonTool(tool: string, run: ToolRun): Promise<ToolResult> {
  if (run.signal?.aborted) throw abortError(tool, run.signal.reason);
  return inPrivateDirectory((cwd) => runInDirectory(tool, run, cwd));
}

async function runInDirectory(tool: string, run: ToolRun, cwd: string): Promise<ToolResult> {
  const command = run.command ?? [];
  const [file, ...prefix] = command.length > 0 ? [...command, run.python] : [run.python];
  const flags = run.isolated === false ? [] : ['-I'];
  const subprocess = execa(
    file as string,
    [...prefix, ...flags, '-c', BOOTSTRAP(tool), harnessRuntimeDir(), ...(run.args ?? [])],
    {
      input: run.input ?? '',
      buffer: false,
      reject: false,
      detached: true,
      cwd,
      env: run.env,
      // A given environment is the whole environment (installs leave PIP_* variables out of it).
      extendEnv: run.env === undefined,
      stripFinalNewline: false,
    },
  );
  let stdout = '';
  let log = '';
  const take = (isStdout: boolean) => (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (isStdout) stdout += text;
    log += text;
    run.onOutput?.(text);
  };
  subprocess.stdout?.on('data', take(true));
  subprocess.stderr?.on('data', take(false));
  let stopped: PyExecError | undefined;
  const stop = (error: PyExecError) => {
    stopped ??= error;
    if (subprocess.pid !== undefined) void killProcessTree(subprocess.pid);
  };
  const timer =
    run.timeoutMs !== undefined && Number.isFinite(run.timeoutMs)
      ? setTimeout(
          () =>
            stop(
              new PyExecError(
                run.timeoutCode ?? 'INSTALL_TIMEOUT',
                `\`${tool}\` did not finish within ${run.timeoutMs} ms`,
              ),
            ),
          run.timeoutMs,
        )
      : undefined;
  const onAbort = () => stop(abortError(tool, run.signal?.reason));
  run.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await subprocess;
    if (stopped) throw stopped;
    if (result.failed && result.exitCode === undefined) {
      const cause = result.cause as NodeJS.ErrnoException | undefined;
      if (cause?.code === 'ENOENT') {
        throw new PyExecError(
          command.length > 0 ? 'LAUNCHER_NOT_FOUND' : 'PYTHON_NOT_FOUND',
          `Not found: \`${file}\``,
          { cause },
        );
      }
      throw new PyExecError('WORKER_START_FAILED', `\`${file}\` could not run: ${result.message}`, { cause });
    }
    return { exitCode: result.exitCode ?? null, stdout, log };
  } finally {
    clearTimeout(timer);
    run.signal?.removeEventListener('abort', onAbort);
  }
}
