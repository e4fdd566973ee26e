import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { launcherOf } from '../../src/hosts/presets.js';
import { launcherArgv, shellQuoted } from '../../src/worker/launcher-argv.js';

describe('host presets', () => {
  it('build the launcher commands of docker, podman and kubectl, passing arguments as they are', () => {
    expect(launcherOf('h', { docker: { container: 'py-runner' } })).toEqual({
      command: ['docker', 'exec', '-i', 'py-runner'],
      commandQuoting: 'none',
    });
    expect(launcherOf('h', { podman: { container: 'py', user: 'runner' } }).command).toEqual([
      'podman',
      'exec',
      '-i',
      '--user',
      'runner',
      'py',
    ]);
    expect(
      launcherOf('h', { kubectl: { pod: 'py-runner-0', namespace: 'code', container: 'python', context: 'prod' } })
        .command,
    ).toEqual(['kubectl', '--context', 'prod', 'exec', '-i', '-n', 'code', 'py-runner-0', '-c', 'python', '--']);
    expect(launcherOf('h', { command: ['my-launcher', '--'] })).toEqual({
      command: ['my-launcher', '--'],
      commandQuoting: 'none',
    });
  });

  it('build an ssh command without a terminal or prompts, with keepalives, ending at the host, quoting for its shell', () => {
    const { command, commandQuoting } = launcherOf('h', {
      ssh: {
        host: 'py-1.internal',
        user: 'runner',
        port: 2222,
        identityFile: '~/.ssh/id',
        options: ['Compression=yes'],
      },
    });
    expect(commandQuoting).toBe('shell');
    expect(command.slice(0, 2)).toEqual(['ssh', '-T']);
    expect(command).toEqual(expect.arrayContaining(['BatchMode=yes', 'ServerAliveInterval=5', 'Compression=yes']));
    expect(command.join(' ')).toContain('-p 2222 -l runner -i ');
    expect(command.slice(-2)).toEqual(['py-1.internal', '--']);
    expect(command.some((part) => part.endsWith('/.ssh/id') && !part.startsWith('~'))).toBe(true);
  });

  it('refuse a host with no preset or two, an unknown key, a bad value, naming where', () => {
    expect(() => launcherOf('hosts[0] (a)', {})).toThrow(/hosts\[0\] \(a\) needs exactly one of ssh, docker/);
    expect(() => launcherOf('hosts[0]', { docker: { container: 'x' }, ssh: { host: 'y' } })).toThrow(
      /not ssh and docker/,
    );
    expect(() => launcherOf('hosts[1]', { ssh: { host: 'x', prot: 22 } as never })).toThrow(
      /Unknown option `hosts\[1\]\.ssh\.prot`/,
    );
    expect(() => launcherOf('hosts[1]', { ssh: { host: '-oProxyCommand=evil' } })).toThrow(/must not start with `-`/);
    expect(() => launcherOf('hosts[2]', { kubectl: { pod: '' } })).toThrow(/hosts\[2\]\.kubectl\.pod/);
  });
});

describe('shell quoting for launchers that join arguments (ssh)', () => {
  it('gives a POSIX shell back exactly each argument', () => {
    const tricky = [`it's`, '"$HOME"', '`id`', 'a b\tc\nd', '\\', ';|&<>*?[]{}()!#~', '', 'plain-word_1.2/x:y=z'];
    // What ssh does: join the words with spaces into one line, which a shell parses.
    const line = tricky.map(shellQuoted).join(' ');
    const echoed = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`]);
    expect(echoed.toString().split('\0').slice(0, -1)).toEqual(tricky);
  });

  it('quotes only with `shell`, and only what follows the launcher', () => {
    expect(launcherArgv(['ssh', 'h', '--'], 'shell', 'python3', ['-c', 'print("a b")'])).toEqual([
      'ssh',
      ['h', '--', 'python3', '-c', `'print("a b")'`],
    ]);
    expect(launcherArgv([], 'shell', 'python3', ['-c', 'x y'])).toEqual(['python3', ['-c', 'x y']]);
  });
});
