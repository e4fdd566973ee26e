import { PyExecError } from '../core/errors.js';
import type { FigureFormat } from '../core/results.js';
import { STRATEGIES, type StrategyName } from '../core/strategy-names.js';
import { DEFAULT_FIGURE_FORMATS, expectFigureFormats } from './figure-formats.js';
import { expectHostFunctions, type HostFunction, type HostFunctions } from './host-functions.js';
import {
  autoInstallPython,
  normalizeAutoInstall,
  type AutoInstallOptions,
  type NormalizedAutoInstall,
} from '../packages/auto-install.js';
import { normalizeSandbox, type NormalizedSandbox, type SandboxOptions } from '../sandbox/sandbox-options.js';
import { normalizeLimits, type NormalizedLimits, type ResourceLimits } from './limits.js';
import {
  defaultSessionLife,
  normalizeSessionLife,
  type NormalizedSessionLife,
  type SessionLifeOptions,
} from './session-options.js';
import {
  normalizeWorkerLife,
  WORKER_LIFE_KEYS,
  type NormalizedWorkerLife,
  type WorkerLifeOptions,
  type WorkerLifeRules,
} from './worker-options.js';
import {
  expectBoolean,
  expectEnvironment,
  expectInteger,
  expectIntegerOrInfinity,
  expectNonEmptyString,
  expectPlainObject,
  expectStringArray,
  invalidOption,
  rejectUnknownKeys,
} from './validators.js';
import type { CommandQuoting } from '../worker/launcher-argv.js';
import type { HostOptions } from '../hosts/host-options.js';

/** Options shared by every executor. All are optional; defaults are filled in once, here. */
export interface ExecutorOptions extends WorkerLifeOptions {
  /** Which strategy `createExecutor` builds. @default 'optimized' */
  strategy?: StrategyName;
  /**
   * The Python executable. Resolved once to the real interpreter (`sys.executable`), so a
   * pyenv-style shim is paid only by the first worker.
   * @default process.env.PYEXEC_PYTHON ?? 'python3'
   */
  python?: string;
  /**
   * A launcher prefix the harness is started through, speaking over its stdio.
   * @example ['docker', 'exec', '-i', 'sandbox']
   */
  command?: readonly string[];
  /**
   * How `command` passes the interpreter's arguments on: `'shell'` when it joins them into a
   * line a shell parses again (`ssh host`), and pyexec quotes each; `'none'` when it passes them
   * as they are (`docker exec`). @default 'none'
   */
  commandQuoting?: CommandQuoting;
  /**
   * Send the harness through `command` before the first worker starts, into a cache directory
   * on the other side named by its hash (`~/.cache/pyexec/harness-<hash>`; a private temporary
   * directory where the home is read-only), checked against that hash at every worker start:
   * nothing to install or mount there but a Python >= 3.9. @default false
   */
  shipHarness?: boolean;
  /**
   * Run the workers on these hosts (SSH, Docker/Podman, Kubernetes, any launcher) instead of
   * here, one pool across them: see the README's "Beyond one machine". Only `createExecutor`
   * takes it.
   */
  hosts?: readonly HostOptions[];
  /**
   * The machine (or container) the workers run on, as crashes and lost sessions name it: "on
   * host <name>". `hosts` sets it to each host's name.
   */
  hostName?: string;
  /** Workers (processes) that run calls at the same time. @default 1 */
  poolSize?: number;
  /** Calls that may wait for a worker; past it `run` rejects with code `QUEUE_FULL`. @default Infinity */
  maxQueue?: number;
  /** Default time limit of one call in ms (Infinity for none). @default 30000 */
  timeoutMs?: number;
  /** How long an interrupted call gets to stop after SIGINT before its worker is killed. @default 1000 */
  interruptGraceMs?: number;
  /** How long a worker may take to start and greet before it counts as failed. @default 60000 */
  startTimeoutMs?: number;
  /** Environment variables added to the workers' environment (which starts from `process.env`). */
  env?: Readonly<Record<string, string>>;
  /**
   * Whether workers start from `process.env` (Node's secrets included). `false` gives them only
   * PATH, HOME, LANG and LC_ALL of it, plus `env`. The sandbox never passes Node's. @default true
   */
  inheritEnv?: boolean;
  /**
   * Run every worker in a bubblewrap sandbox: its own pid, network, IPC, UTS and mount
   * namespaces, no capabilities, a read-only view of Python and the system, only its own
   * directories writable, no network (unless `network`), a clean environment. Start fails with
   * SANDBOX_UNAVAILABLE where bubblewrap is missing or may not make namespaces. Not with
   * `command`. See docs/SECURITY.md. @default false
   */
  sandbox?: boolean | SandboxOptions;
  /** Resource limits of every worker; see {@link ResourceLimits}. */
  limits?: ResourceLimits;
  /**
   * Before a call runs, install the distributions of the modules it imports that its interpreter
   * cannot find (`true`: into the executor's interpreter; an object: into `venv` or `target`,
   * from `indexUrl`/`findLinks`, only those in `allow`). Without `allow`, whatever a call imports
   * gets installed: with untrusted code that is any package its author names. The install has
   * its own time limit, apart from the call's. @default false
   */
  autoInstall?: boolean | AutoInstallOptions;
  /** Sessions that may be open at once; one more rejects SESSION_LIMIT. @default 32 */
  maxSessions?: number;
  /** The life of every session unless its own options say otherwise (`createSession`). */
  sessionDefaults?: SessionLifeOptions;
  /**
   * Formats matplotlib figures are rendered in: each figure's display holds each; `result.figures`
   * holds the first. A call's own `figureFormats` replaces it. @default ['png']
   */
  figureFormats?: readonly FigureFormat[];
  /**
   * Functions of this Node process that every call's Python may call (`from pyexec_host import
   * name`); a call's own `functions` are merged over them. They run with Node's privileges:
   * see the README's "Functions of the host" before giving them to untrusted code.
   */
  functions?: Readonly<Record<string, HostFunction>>;
  /**
   * Give every result `usage` (CPU time and peak RSS, from getrusage). It costs a few
   * microseconds a call, as much as a small call's whole turnaround in the harness: off unless
   * asked for. A call's own `measureUsage` replaces it. @default false
   */
  measureUsage?: boolean;
}

export interface NormalizedExecutorOptions extends NormalizedWorkerLife {
  readonly strategy: StrategyName;
  readonly python: string;
  readonly command: readonly string[];
  readonly commandQuoting: CommandQuoting;
  readonly shipHarness: boolean;
  readonly hostName: string | undefined;
  readonly poolSize: number;
  readonly maxQueue: number;
  readonly timeoutMs: number;
  readonly interruptGraceMs: number;
  readonly startTimeoutMs: number;
  readonly env: Readonly<Record<string, string>>;
  readonly inheritEnv: boolean;
  readonly sandbox: NormalizedSandbox | undefined;
  readonly limits: NormalizedLimits;
  readonly autoInstall: NormalizedAutoInstall | undefined;
  /** The interpreter a `autoInstall.venv` is made from (`python` is then the venv's). */
  readonly basePython: string;
  readonly maxSessions: number;
  readonly sessionDefaults: NormalizedSessionLife;
  readonly figureFormats: readonly FigureFormat[];
  readonly functions: HostFunctions | undefined;
  readonly measureUsage: boolean;
}

const OPTION_KEYS = [
  'strategy',
  'python',
  'command',
  'commandQuoting',
  'shipHarness',
  'hosts',
  'hostName',
  'poolSize',
  'maxQueue',
  'timeoutMs',
  'interruptGraceMs',
  'startTimeoutMs',
  'env',
  'inheritEnv',
  'sandbox',
  'limits',
  'autoInstall',
  'maxSessions',
  'sessionDefaults',
  'figureFormats',
  'functions',
  'measureUsage',
  ...WORKER_LIFE_KEYS,
] as const;

// The one place defaults are decided; everything downstream reads the frozen result. `rules`:
// what strategy `strategy` says of the worker-life options (its definition in src/strategies/).
export function normalizeExecutorOptions(
  input: unknown,
  strategy: StrategyName,
  rules: WorkerLifeRules,
): NormalizedExecutorOptions {
  const options = input === undefined ? {} : expectPlainObject('options', input);
  rejectUnknownKeys('', options, OPTION_KEYS);
  if (options.strategy !== undefined && options.strategy !== strategy) {
    if (!STRATEGIES.includes(options.strategy as StrategyName)) {
      throw invalidOption('strategy', `one of ${STRATEGIES.join(', ')}`, options.strategy);
    }
    throw new PyExecError(
      'INVALID_OPTION',
      `The \`strategy\` option is \`${String(options.strategy)}\` but this executor is \`${strategy}\``,
    );
  }
  const pick = <T>(key: (typeof OPTION_KEYS)[number], fallback: T, check: (name: string, v: unknown) => T): T =>
    options[key] === undefined ? fallback : check(key, options[key]);
  const poolSize = pick('poolSize', 1, (n, v) => expectInteger(n, v, 1));
  const autoInstall = normalizeAutoInstall(options.autoInstall);
  const basePython = pick('python', process.env.PYEXEC_PYTHON || 'python3', expectNonEmptyString);
  const command = pick('command', Object.freeze([]) as readonly string[], expectStringArray);
  const sandbox = normalizeSandbox(options.sandbox);
  const workerLife = normalizeWorkerLife(options, rules, poolSize);
  if (sandbox !== undefined && command.length > 0) {
    throw new PyExecError(
      'INVALID_OPTION',
      'The `sandbox` option cannot be combined with `command`: the sandbox starts the interpreter itself',
    );
  }
  if (options.hosts !== undefined)
    throw new PyExecError('INVALID_OPTION', 'The `hosts` option is taken by `createExecutor`, not by a strategy class');
  const commandQuoting = pick('commandQuoting', 'none' as CommandQuoting, expectCommandQuoting);
  const shipHarness = pick('shipHarness', false, expectBoolean);
  if (shipHarness && command.length === 0)
    throw new PyExecError(
      'INVALID_OPTION',
      'The `shipHarness` option needs a `command` launcher to send the harness through',
    );
  return Object.freeze({
    strategy,
    python: autoInstallPython(autoInstall) ?? basePython,
    basePython,
    autoInstall,
    command,
    commandQuoting,
    shipHarness,
    hostName: pick('hostName', undefined as string | undefined, expectNonEmptyString),
    sandbox,
    poolSize,
    maxQueue: pick('maxQueue', Number.POSITIVE_INFINITY, (n, v) => expectIntegerOrInfinity(n, v, 0)),
    timeoutMs: pick('timeoutMs', 30_000, (n, v) => expectIntegerOrInfinity(n, v, 1)),
    interruptGraceMs: pick('interruptGraceMs', 1000, (n, v) => expectInteger(n, v, 0)),
    startTimeoutMs: pick('startTimeoutMs', 60_000, (n, v) => expectInteger(n, v, 1)),
    env: pick('env', Object.freeze({}), (n, v) => expectEnvironment(n, v, false) as Record<string, string>),
    inheritEnv: pick('inheritEnv', true, expectBoolean),
    limits: normalizeLimits(options.limits),
    maxSessions: pick('maxSessions', 32, (n, v) => expectInteger(n, v, 0)),
    sessionDefaults: normalizeSessionLife(
      'sessionDefaults',
      options.sessionDefaults,
      defaultSessionLife(workerLife.maxRssMb),
    ),
    figureFormats: pick('figureFormats', DEFAULT_FIGURE_FORMATS, expectFigureFormats),
    functions: expectHostFunctions('functions', options.functions),
    measureUsage: pick('measureUsage', false, expectBoolean),
    ...workerLife,
  });
}

// Picks the strategy for createExecutor before the rest is validated by the chosen class.
export function readStrategy(input: unknown): StrategyName {
  const options = input === undefined ? {} : expectPlainObject('options', input);
  const strategy = options.strategy ?? 'optimized';
  if (!STRATEGIES.includes(strategy as StrategyName)) {
    throw invalidOption('strategy', `one of ${STRATEGIES.join(', ')}`, strategy);
  }
  return strategy as StrategyName;
}

function expectCommandQuoting(name: string, value: unknown): CommandQuoting {
  if (value !== 'none' && value !== 'shell') throw invalidOption(name, "'none' or 'shell'", value);
  return value;
}
