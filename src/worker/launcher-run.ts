import { execa } from 'execa';
import { PyExecError } from '../core/errors.js';
import { launcherArgv, type CommandQuoting } from './launcher-argv.js';

/** An interpreter behind a launcher (the executor's `command`, a host's preset). */
export interface LaunchedPython {
  readonly python: string;
  readonly command: readonly string[];
  readonly commandQuoting: CommandQuoting;
  /** The host it reaches (the `hostName` option): errors name it. */
  readonly host?: string;
}

/** LAUNCHER_NOT_FOUND for launcher `file`, naming the host it was to reach. */
export function launcherNotFound(file: string, host: string | undefined, cause?: unknown): PyExecError {
  const which = host === undefined ? 'the first word of the `command` option' : `the launcher of host ${host}`;
  return new PyExecError('LAUNCHER_NOT_FOUND', `Launcher not found: \`${file}\` (${which})`, { cause });
}

/**
 * Runs `python args…` once through the launcher (not a worker: a short helper, such as shipping
 * the harness) and resolves with its stdout. `what` says what it was for in the errors:
 * LAUNCHER_NOT_FOUND when the launcher is not there, WORKER_START_FAILED with the last lines it
 * wrote to stderr when it failed or did not answer within `timeoutMs`.
 */
export async function runThroughLauncher(
  launch: LaunchedPython,
  args: readonly string[],
  what: string,
  { input, timeoutMs }: { input?: string; timeoutMs: number },
): Promise<string> {
  const [file, argv] = launcherArgv(launch.command, launch.commandQuoting, launch.python, args);
  const result = await execa(file, argv, {
    input: input ?? '',
    reject: false,
    timeout: timeoutMs,
    stripFinalNewline: true,
  });
  if (result.exitCode === 0) return String(result.stdout);
  if ((result as { code?: string }).code === 'ENOENT') throw launcherNotFound(file, launch.host);
  const said = String(result.stderr).trim().split('\n').slice(-3).join(' | ');
  throw new PyExecError(
    'WORKER_START_FAILED',
    `Could not ${what}${launch.host === undefined ? '' : ` on host ${launch.host}`} through \`${launch.command.join(' ')}\`${result.timedOut ? ` (no answer within ${timeoutMs} ms)` : ''}: ${said || `exit ${result.exitCode}`}`,
  );
}
