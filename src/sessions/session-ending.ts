import { PyExecError } from '../core/errors.js';
import type { SessionEndReason } from '../core/results.js';

/** How and when a session ended (closed, reaped or lost). */
export interface SessionEnding {
  readonly reason: SessionEndReason;
  readonly at: number;
  /** What happened to its process, for SESSION_LOST's message ('' when closed). */
  readonly detail: string;
}

/** What the pool said of a session's process that exited: its `worker:exit`. */
export interface ProcessExit {
  readonly reason: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
}

// Reasons the host gives a worker it killed itself (a call past its grace, a bad channel).
const KILLED_BY_HOST = ['timeout', 'stopped', 'protocol-error', 'internal-error'];

/**
 * Why a session whose process is gone (or going) was lost: `exit` when the pool reported it,
 * `recycle` the last reason the harness gave for retiring (maxRssMb, os._exit).
 */
export function lossOf(exit: ProcessExit | undefined, recycle: string | undefined): Omit<SessionEnding, 'at'> {
  if (recycle !== undefined && /maxRssMb/.test(recycle))
    return { reason: 'memory', detail: `its process passed maxRssMb (${recycle})` };
  if (exit === undefined) return { reason: 'crashed', detail: recycle ?? 'its process ended' };
  const how =
    exit.signal !== null
      ? `its process was killed by ${exit.signal}`
      : exit.exitCode !== null
        ? `its process exited with code ${exit.exitCode}`
        : 'its process ended (a forked copy: how, its new parent reaped before the host could read)';
  return KILLED_BY_HOST.includes(exit.reason)
    ? { reason: 'killed', detail: `${how} (${exit.reason})` }
    : { reason: 'crashed', detail: how };
}

/**
 * What `run` rejects with once session `id` has ended: SESSION_LOST or SESSION_CLOSED. `host`:
 * the machine it ran on, when not this one (the `hostName` option).
 */
export function refusalOf(id: string, ending: SessionEnding, lost: boolean, host?: string): PyExecError {
  const when = new Date(ending.at).toISOString();
  if (lost) {
    return new PyExecError(
      'SESSION_LOST',
      `Session ${id} was lost${host === undefined ? '' : ` on host ${host}`} at ${when}: ${ending.detail || ending.reason}; its state is gone. ` +
        'Call restart() for a new, empty interpreter under the same id',
    );
  }
  return new PyExecError('SESSION_CLOSED', `Session ${id} was closed at ${when} (${closeReason(ending.reason)})`);
}

function closeReason(reason: SessionEndReason): string {
  switch (reason) {
    case 'idle':
      return 'idle for longer than its idleTimeoutMs';
    case 'lifetime':
      return 'past its maxLifetimeMs';
    case 'executor-closed':
      return 'its executor was closed';
    default:
      return 'close() was called';
  }
}
