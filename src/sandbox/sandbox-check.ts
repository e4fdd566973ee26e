import { execa } from 'execa';
import { PyExecError } from '../core/errors.js';

/** bubblewrap's arguments for a sandbox that only runs `true`: the namespaces, /proc and /dev the sandbox needs. */
export const SANDBOX_PROBE_ARGS: readonly string[] = [
  '--unshare-all',
  '--die-with-parent',
  '--cap-drop',
  'ALL',
  '--ro-bind',
  '/',
  '/',
  '--proc',
  '/proc',
  '--dev',
  '/dev',
  'true',
];

const INSTALL_HINT =
  'install bubblewrap (Debian and Ubuntu: `apt-get install bubblewrap`; Fedora: `dnf install bubblewrap`)';

/**
 * Rejects with SANDBOX_UNAVAILABLE unless bubblewrap runs here and can make the namespaces the
 * sandbox uses (a container may forbid them): checked once per executor, before its first worker.
 */
export async function checkSandbox(): Promise<void> {
  const probe = await execa('bwrap', SANDBOX_PROBE_ARGS, {
    reject: false,
    timeout: 30_000,
  });
  if (probe.exitCode === 0) return;
  if ((probe.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new PyExecError(
      'SANDBOX_UNAVAILABLE',
      `The \`sandbox\` option needs bubblewrap (\`bwrap\`), which is not on PATH: ${INSTALL_HINT}`,
    );
  }
  throw new PyExecError(
    'SANDBOX_UNAVAILABLE',
    `bubblewrap cannot make the sandbox's namespaces here (${probe.stderr.trim() || probe.shortMessage}); allow unprivileged user namespaces or run where they are allowed`,
  );
}
