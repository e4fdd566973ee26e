import { join } from 'node:path';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import type { SessionMessage } from '../protocol/messages.js';
import { parentOf } from '../worker/process-tree.js';
import { SocketWorker } from '../worker/socket-worker.js';
import { maxLineLength } from '../worker/worker-launcher.js';
import type { ForkListener } from './fork-listener.js';
import { abandonCopies, copySource, expectCopy, type CopySource } from './session-fork.js';

/** The executor's workers that fork sessions (forked's templates). */
export interface SessionTemplates {
  /** Sends `message` to a template (started first if none is up); its pid, or undefined. */
  send(message: SessionMessage): Promise<number | undefined>;
}

/**
 * A session's process forked from a warm template: no interpreter start, no imports, one fork.
 * The template connects to `listener` with the session's one-time token and forks; the child
 * moves into the cgroup made for it here and says hello on that socket as the harness in session
 * mode (python-runtime/pyexec_harness/forking/session_child.py). It must be the template's own
 * child. Undefined when no template could make it (none up, a fork that failed): the session is
 * then started as a process of its own.
 */
export async function sessionFromTemplate(
  listener: ForkListener,
  options: NormalizedExecutorOptions,
  templates: SessionTemplates,
  /** The session's own (its options'); the template has the executor's. */
  maxRssMb: number | undefined,
): Promise<CopySource | undefined> {
  const copy = expectCopy(listener, options);
  try {
    await copy.listening;
    const message: SessionMessage = {
      type: 'session',
      socket: copy.socket,
      token: copy.token,
      workDir: join(copy.copyDirectory, 'work'),
      scriptDir: join(copy.copyDirectory, 'script'),
    };
    if (copy.cgroup !== undefined) message.cgroups = copy.cgroup.directories;
    if (maxRssMb !== undefined) message.maxRssMb = maxRssMb;
    const template = await templates.send(message);
    if (template !== undefined) {
      const worker = await SocketWorker.afterHello(
        await copy.connection,
        maxLineLength(options.limits),
        options.startTimeoutMs,
        (pid) => parentOf(pid) === template,
      );
      return copySource(worker, copy);
    }
  } catch {
    // No template could make it: the session is started as a process instead.
  }
  await abandonCopies(listener, [copy]);
  return undefined;
}
