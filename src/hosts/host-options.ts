import { PyExecError } from '../core/errors.js';
import { expectInteger, expectNonEmptyString, expectPlainObject, rejectUnknownKeys } from '../options/validators.js';
import { launcherOf, type Launcher, type LauncherPreset } from './presets.js';

/** One machine (or container, or pod) the executor runs workers on: see the README's "Beyond one machine". */
export interface HostOptions extends LauncherPreset {
  /** How status(), events, sessions and errors name it. */
  name: string;
  /** The interpreter there. @default the executor's `python` */
  python?: string;
  /** Calls it runs at once (its workers). @default the executor's `poolSize` */
  capacity?: number;
}

export interface NormalizedHost {
  readonly name: string;
  readonly launcher: Launcher;
  readonly python: string | undefined;
  readonly capacity: number | undefined;
}

const HOST_KEYS = ['name', 'python', 'capacity', 'ssh', 'docker', 'podman', 'kubectl', 'command'] as const;

// Executor options that mean one launcher, one local sandbox or one local environment: each host
// has its own launcher, and installs there are not supported yet.
const NOT_WITH_HOSTS = ['command', 'commandQuoting', 'shipHarness', 'hostName', 'sandbox', 'autoInstall'] as const;

/** The `hosts` option, checked: names present and distinct, one preset each. */
export function normalizeHosts(value: unknown, options: Record<string, unknown>): NormalizedHost[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new PyExecError('INVALID_OPTION', 'Expected the `hosts` option to be a non-empty array of hosts');
  for (const key of NOT_WITH_HOSTS)
    if (options[key] !== undefined && options[key] !== false)
      throw new PyExecError(
        'INVALID_OPTION',
        `The \`${key}\` option cannot be combined with \`hosts\` (each host has its own launcher)`,
      );
  const seen = new Set<string>();
  return value.map((entry, index) => {
    const host = expectPlainObject(`hosts[${index}]`, entry);
    if (host.name === undefined) throw new PyExecError('INVALID_OPTION', `hosts[${index}] has no \`name\``);
    const name = expectNonEmptyString(`hosts[${index}].name`, host.name);
    const where = `hosts[${index}] (${name})`;
    if (seen.has(name)) throw new PyExecError('INVALID_OPTION', `${where}: two hosts are named \`${name}\``);
    seen.add(name);
    rejectUnknownKeys(`hosts[${index}]`, host, HOST_KEYS);
    return Object.freeze({
      name,
      launcher: launcherOf(where, host as LauncherPreset),
      python: host.python === undefined ? undefined : expectNonEmptyString(`${where}.python`, host.python),
      capacity: host.capacity === undefined ? undefined : expectInteger(`${where}.capacity`, host.capacity, 1),
    });
  });
}
