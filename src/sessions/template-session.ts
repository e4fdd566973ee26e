import { join } from 'node:path';
import type { NormalizedExecutorOptions } from '../options/executor-options.js';
import type { SessionMessage } from '../protocol/messages.js';
import { WorkerCgroup } from '../worker/cgroup.js';
import { keepOutOfTreeKills } from '../worker/kill-tree.js';
import { parentOf } from '../worker/process-tree.js';
import { SocketWorker } from '../worker/socket-worker.js';
import { maxLineLength } from '../worker/worker-launcher.js';
import type { ForkListener } from './fork-listener.js';
import { CopySource, removeQuietly } from './session-fork.js';

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
  const place = listener.place();
  const { token, connection } = listener.expect(options.startTimeoutMs);
  const cgroup = WorkerCgroup.create(options.limits);
  const abandon = () => {
    listener.forget([token]);
    void connection.then(
      (socket) => socket.destroy(),
      () => undefined,
    );
    cgroup?.removeSoon();
    void removeQuietly(place.copyDirectory);
    return undefined;
  };
  try {
    await place.listening;
    const message: SessionMessage = {
      type: 'session',
      socket: place.socket,
      token,
      workDir: join(place.copyDirectory, 'work'),
      scriptDir: join(place.copyDirectory, 'script'),
    };
    if (cgroup !== undefined) message.cgroups = cgroup.directories;
    if (maxRssMb !== undefined) message.maxRssMb = maxRssMb;
    const template = await templates.send(message);
    if (template === undefined) return abandon();
    const worker = await SocketWorker.afterHello(
      await connection,
      maxLineLength(options.limits),
      options.startTimeoutMs,
      (pid) => parentOf(pid) === template,
    );
    const release = keepOutOfTreeKills(worker.pid);
    return new CopySource(worker, place.copyDirectory, () => {
      release();
      cgroup?.removeSoon();
    });
  } catch {
    return abandon();
  }
}
