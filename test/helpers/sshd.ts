import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SshPreset } from '../../src/hosts/presets.js';
import { descendantsOf } from '../../src/worker/process-tree.js';
import { processesNaming } from './proc.js';

// OpenSSH's server on a loopback port, with keys made for it: a remote host on this machine.
// .ci/run installs openssh-server; under CI a missing sshd fails instead of skipping.
export const SSHD = '/usr/sbin/sshd';
export const hasSshd = existsSync(SSHD) && existsSync('/usr/bin/ssh-keygen');
if (process.env.CI && !hasSshd) throw new Error(`CI needs ${SSHD}: apt-get install openssh-server`);

export interface SshHost {
  /** The preset that reaches it. */
  readonly ssh: SshPreset;
  /** Its own directory: XDG_CACHE_HOME of its sessions is `${root}/cache`. */
  readonly root: string;
  readonly port: number;
  stop(): Promise<void>;
  /** The machine dies: the daemon and every process below it (sessions, what they run) are killed. */
  crash(): Promise<void>;
  /** Starts it again on the same port (after stop()). */
  restart(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Starts an sshd on a free loopback port that lets this user in with a key made for it. */
export async function startSshHost(): Promise<SshHost> {
  const root = mkdtempSync(join(tmpdir(), 'pyexec-sshd-'));
  mkdirSync('/run/sshd', { recursive: true }); // its privilege separation directory
  for (const key of ['host_key', 'client_key'])
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(root, key)]);
  writeFileSync(join(root, 'authorized_keys'), readFileSync(join(root, 'client_key.pub')));
  const port = await freePort();
  const hostKey = readFileSync(join(root, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(join(root, 'known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
  writeFileSync(
    join(root, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(root, 'host_key')}`,
      `PidFile ${join(root, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(root, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      `SetEnv XDG_CACHE_HOME=${join(root, 'cache')}`,
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  let daemon: ChildProcess | undefined;
  const start = async () => {
    daemon = spawn(SSHD, ['-D', '-e', '-f', join(root, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    daemon.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
    for (let tries = 0; !(await accepting(port)); tries++) {
      if (tries > 200 || daemon.exitCode !== null) throw new Error(`sshd did not start: ${said}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  await start();
  return {
    root,
    port,
    ssh: {
      host: '127.0.0.1',
      port,
      identityFile: join(root, 'client_key'),
      options: [`UserKnownHostsFile=${join(root, 'known_hosts')}`, 'StrictHostKeyChecking=yes'],
    },
    async stop() {
      const running = daemon;
      if (running === undefined || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    },
    async crash() {
      const running = daemon;
      if (running === undefined || running.exitCode !== null) return;
      const below = descendantsOf(running.pid as number);
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      for (const pid of below) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await exited;
    },
    restart: start,
  };
}

/**
 * Processes on the remote side naming `part` (the harness and what it started), not the local
 * ssh clients whose command lines name the same paths (nor a shared connection's master).
 */
export function remoteProcesses(part: string): number[] {
  return processesNaming(part).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'ssh';
    } catch {
      return false;
    }
  });
}
