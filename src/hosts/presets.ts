import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { PyExecError } from '../core/errors.js';
import {
  expectInteger,
  expectNonEmptyString,
  expectPlainObject,
  expectStringArray,
  rejectUnknownKeys,
} from '../options/validators.js';
import type { CommandQuoting } from '../worker/launcher-argv.js';
import { ownPrivateDirectory } from '../packages/shared-directory.js';

/** An OpenSSH host: the system's `ssh` client runs the harness there. */
export interface SshPreset {
  host: string;
  user?: string;
  port?: number;
  /** A private key (`~` is the local home). */
  identityFile?: string;
  /** More `-o` options, e.g. `UserKnownHostsFile=/etc/pyexec/known_hosts`. */
  options?: readonly string[];
}

/** A container: `docker exec -i` (or `podman exec -i`) runs the harness in it. */
export interface ContainerPreset {
  container: string;
  /** The user inside (`exec --user`). */
  user?: string;
}

/** A Kubernetes pod: `kubectl exec -i` runs the harness in it. */
export interface KubectlPreset {
  pod: string;
  namespace?: string;
  container?: string;
  /** `kubectl --context`. */
  context?: string;
}

/** How to reach one host: a preset, or any launcher prefix. */
export interface LauncherPreset {
  ssh?: SshPreset;
  docker?: ContainerPreset;
  podman?: ContainerPreset;
  kubectl?: KubectlPreset;
  /** Any launcher prefix the harness's command line is appended to (as the executor's `command`). */
  command?: readonly string[];
}

/** The executor options a preset stands for: a launcher command, nothing more. */
export interface Launcher {
  readonly command: readonly string[];
  readonly commandQuoting: CommandQuoting;
}

const PRESETS = ['ssh', 'docker', 'podman', 'kubectl', 'command'] as const;

/** The launcher of `preset` (`where` names it in errors, e.g. `hosts[1] (b)`). */
export function launcherOf(where: string, preset: LauncherPreset): Launcher {
  const given = PRESETS.filter((key) => (preset as Record<string, unknown>)[key] !== undefined);
  if (given.length !== 1)
    throw new PyExecError(
      'INVALID_OPTION',
      `${where} needs exactly one of ${PRESETS.join(', ')}${given.length > 1 ? `, not ${given.join(' and ')}` : ''}`,
    );
  const key = given[0] as (typeof PRESETS)[number];
  const at = `${where}.${key}`;
  if (key === 'command') {
    const command = expectStringArray(at, preset.command);
    if (command.length === 0) throw new PyExecError('INVALID_OPTION', `${at} is empty`);
    return { command, commandQuoting: 'none' };
  }
  if (key === 'ssh') return { command: sshCommand(at, preset.ssh), commandQuoting: 'shell' };
  if (key === 'kubectl') return { command: kubectlCommand(at, preset.kubectl), commandQuoting: 'none' };
  return { command: containerCommand(key, at, preset[key]), commandQuoting: 'none' };
}

function sshCommand(at: string, value: unknown): string[] {
  const ssh = expectPlainObject(at, value);
  rejectUnknownKeys(at, ssh, ['host', 'user', 'port', 'identityFile', 'options']);
  const host = expectNonEmptyString(`${at}.host`, ssh.host);
  const command = [
    'ssh',
    '-T', // no terminal: the channel is the protocol, byte for byte
    '-o',
    'BatchMode=yes', // never a password prompt: fail instead
    '-o',
    'ConnectTimeout=10', // a host that does not answer is down in seconds, not minutes
    '-o',
    'ServerAliveInterval=5', // a host that went away is noticed within ~15 s
    '-o',
    'ServerAliveCountMax=3',
    ...connectionSharing(),
  ];
  if (ssh.port !== undefined) command.push('-p', String(expectInteger(`${at}.port`, ssh.port, 1)));
  if (ssh.user !== undefined) command.push('-l', expectNonEmptyString(`${at}.user`, ssh.user));
  if (ssh.identityFile !== undefined)
    command.push('-i', expandHome(expectNonEmptyString(`${at}.identityFile`, ssh.identityFile)));
  for (const option of ssh.options === undefined ? [] : expectStringArray(`${at}.options`, ssh.options))
    command.push('-o', option);
  if (host.startsWith('-')) throw new PyExecError('INVALID_OPTION', `${at}.host must not start with \`-\``);
  return [...command, host, '--'];
}

function containerCommand(engine: 'docker' | 'podman', at: string, value: unknown): string[] {
  const container = expectPlainObject(at, value);
  rejectUnknownKeys(at, container, ['container', 'user']);
  const name = expectNonEmptyString(`${at}.container`, container.container);
  const user = container.user === undefined ? [] : ['--user', expectNonEmptyString(`${at}.user`, container.user)];
  return [engine, 'exec', '-i', ...user, name];
}

function kubectlCommand(at: string, value: unknown): string[] {
  const pod = expectPlainObject(at, value);
  rejectUnknownKeys(at, pod, ['pod', 'namespace', 'container', 'context']);
  const command = ['kubectl'];
  if (pod.context !== undefined) command.push('--context', expectNonEmptyString(`${at}.context`, pod.context));
  command.push('exec', '-i');
  if (pod.namespace !== undefined) command.push('-n', expectNonEmptyString(`${at}.namespace`, pod.namespace));
  command.push(expectNonEmptyString(`${at}.pod`, pod.pod));
  if (pod.container !== undefined) command.push('-c', expectNonEmptyString(`${at}.container`, pod.container));
  return [...command, '--'];
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

// One connection per host, shared: a new worker does not pay a new handshake. The control
// sockets live in a directory only this user may write (a socket path must stay short); where
// that cannot be had, every worker connects on its own.
function connectionSharing(): string[] {
  try {
    const dir = ownPrivateDirectory(join(tmpdir(), `pyexec-ssh-${userInfo().uid}`), 'ssh control sockets');
    return ['-o', 'ControlMaster=auto', '-o', `ControlPath=${dir}/%C`, '-o', 'ControlPersist=60'];
  } catch {
    return [];
  }
}
