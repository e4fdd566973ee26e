import { PyExecError } from '../core/errors.js';

/**
 * How a launcher hands the interpreter's command line on: `none` passes each argument as it is
 * (`docker exec`, `kubectl exec`, `env`); `shell` joins them into one line a shell on the other
 * side parses again (`ssh`), so each is quoted for a POSIX shell first.
 */
export type CommandQuoting = 'none' | 'shell';

/**
 * The file to execute and its arguments: `python args…`, through `command` when there is one.
 * `env`: variables set on the other side of the launcher, through `env NAME=value … python`
 * (a launcher to another machine passes none of ours on).
 */
export function launcherArgv(
  command: readonly string[],
  quoting: CommandQuoting,
  python: string,
  args: readonly string[],
  env?: Readonly<Record<string, string>>,
): [file: string, argv: string[]] {
  if (command.length === 0) return [python, [...args]];
  const [file, ...prefix] = command as [string, ...string[]];
  const pairs = Object.entries(env ?? {}).map(([name, value]) => {
    // `env` would read a name starting with `-` as its own option.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new PyExecError(
        'INVALID_OPTION',
        `The \`env\` option's \`${name}\` cannot be set through a launcher (letters, digits and _ only)`,
      );
    return `${name}=${value}`;
  });
  const line = pairs.length > 0 ? ['env', ...pairs, python, ...args] : [python, ...args];
  return [file, [...prefix, ...(quoting === 'shell' ? line.map(shellQuoted) : line)]];
}

/** A word a POSIX shell reads back as exactly `text` (single quotes; a quote as '\''). */
export function shellQuoted(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
