import type { PythonLayout } from './python-layout.js';
import type { NormalizedSandbox } from './sandbox-options.js';

/** Where the harness is in the sandbox: not at its host path, whose parents would show. */
export const SANDBOX_RUNTIME_DIR = '/run/pyexec/python-runtime';

/** What one sandboxed worker needs to see besides the system's libraries. */
export interface SandboxMounts {
  readonly python: PythonLayout;
  /** The harness (python-runtime), read-only at SANDBOX_RUNTIME_DIR. */
  readonly harnessDir: string;
  /** Read-only extras the executor needs there (autoInstall's target or venv). */
  readonly readOnly: readonly string[];
  /** The worker's own working directory and call root, writable; nothing of other workers. */
  readonly writable: readonly string[];
}

// The system's programs and libraries; where /lib and friends are links into /usr (merged /usr),
// binding the link's target at the link's place works the same.
const SYSTEM_DIRECTORIES = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
// Of /etc, only what programs and Python's standard library read: never the whole of it
// (/etc/shadow is readable by root, whom bubblewrap's root stays inside).
const ETC_FILES = [
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/alternatives',
  '/etc/localtime',
  '/etc/nsswitch.conf',
  '/etc/passwd',
  '/etc/group',
  '/etc/hosts',
  '/etc/mime.types',
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/fonts',
  '/etc/matplotlibrc',
];

/**
 * The bubblewrap command line a sandboxed worker starts with (the interpreter and its arguments
 * follow): new pid, network, IPC, UTS, mount (and where needed user) namespaces, no capability,
 * killed with the host, a read-only view of Python and the system, the worker's directories
 * writable, a private /tmp and /dev/shm, and only `env` for environment.
 *
 * `harnessAsPid1`: for a harness that runs no call itself but forks the processes that do (the
 * forked template, the process that forks isolated generations), which then serve one tenant
 * after another in the same sandbox. Without it, bubblewrap's own init is pid 1 there, holding
 * the channel's descriptors, dumpable and of the same user: a call could open the channel
 * through /proc/1/fd, or write its own code into that init's memory to outlive it. The harness
 * as pid 1 makes itself undumpable (prctl.py), so nothing in the sandbox can reach either. Not
 * for harnesses that run calls: as pid 1, a process ignores the signals it sends itself.
 */
export function bubblewrapCommand(
  sandbox: NormalizedSandbox,
  mounts: SandboxMounts,
  env: Readonly<Record<string, string>>,
  cwd: string,
  harnessAsPid1 = false,
): string[] {
  const args = [
    'bwrap',
    '--unshare-all',
    ...(sandbox.network ? ['--share-net'] : []),
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
  ];
  if (harnessAsPid1) args.push('--as-pid-1');
  for (const path of SYSTEM_DIRECTORIES) args.push('--ro-bind-try', path, path);
  for (const path of ETC_FILES) args.push('--ro-bind-try', path, path);
  if (sandbox.network) args.push('--ro-bind-try', '/etc/resolv.conf', '/etc/resolv.conf');
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/dev/shm');
  args.push('--ro-bind', mounts.harnessDir, SANDBOX_RUNTIME_DIR);
  for (const path of [...mounts.python.directories, ...mounts.readOnly, ...sandbox.readOnlyPaths]) {
    args.push('--ro-bind', path, path);
  }
  for (const path of [...mounts.writable, ...sandbox.writablePaths]) args.push('--bind', path, path);
  args.push('--chdir', cwd, '--clearenv');
  for (const [key, value] of Object.entries(env)) args.push('--setenv', key, value);
  args.push('--');
  return args;
}
