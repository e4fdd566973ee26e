import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { PyExecError } from '../core/errors.js';
import { harnessRuntimeDir } from './harness-location.js';
import { launcherArgv, type CommandQuoting } from './launcher-argv.js';

/** The harness's files as one JSON document (path → source), and its SHA-256. */
interface HarnessBundle {
  readonly json: string;
  readonly hash: string;
}

let bundle: HarnessBundle | undefined;

function harnessBundle(): HarnessBundle {
  if (bundle !== undefined) return bundle;
  const runtime = harnessRuntimeDir();
  const files: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== '__pycache__') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.py'))
        files[relative(runtime, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(join(runtime, 'pyexec_harness'));
  const json = JSON.stringify(files);
  return (bundle = { json, hash: createHash('sha256').update(json).digest('hex') });
}

// Runs on the other side, reading the bundle on stdin: checks its hash, and prints the directory
// that holds it. The cache is `harness-<hash>` under ~/.cache/pyexec (or $XDG_CACHE_HOME/pyexec),
// a directory only this user may write, reused when every file in it is exactly the bundle's
// (a new version has another hash: another directory). Where the home is read-only (or the
// cache is not this user's alone), a new private temporary directory, not reused.
const INSTALLER = `
import hashlib, json, os, shutil, stat, sys, tempfile
data = sys.stdin.buffer.read()
digest = sys.argv[1]
if hashlib.sha256(data).hexdigest() != digest:
    sys.exit("pyexec: the harness arrived damaged")
files = json.loads(data.decode("utf-8"))
def holds_bundle(path):
    try:
        for name, text in files.items():
            with open(os.path.join(path, name), "rb") as f:
                if f.read() != text.encode("utf-8"):
                    return False
        return True
    except OSError:
        return False
def write_bundle(root):
    made = tempfile.mkdtemp(prefix=".harness-", dir=root)
    for name, text in files.items():
        target = os.path.join(made, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)
    return made
def private_root(root):
    os.makedirs(root, mode=0o700, exist_ok=True)
    info = os.lstat(root)
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022
problems = []
try:
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "pyexec")
    if private_root(cache):
        final = os.path.join(cache, "harness-" + digest[:32])
        if not holds_bundle(final):
            made = write_bundle(cache)
            try:
                os.rename(made, final)
            except OSError:
                if holds_bundle(final):
                    shutil.rmtree(made, ignore_errors=True)
                else:
                    shutil.rmtree(final, ignore_errors=True)
                    os.rename(made, final)
        print("pyexec-harness " + final)
        sys.exit(0)
    problems.append(cache + " is not this user's alone")
except OSError as exc:
    problems.append(str(exc))
try:
    print("pyexec-harness " + write_bundle(tempfile.mkdtemp(prefix="pyexec-harness-")))
except OSError as exc:
    sys.exit("pyexec: nowhere to write the harness: " + "; ".join(problems + [str(exc)]))
`;

const SHIP_TIMEOUT_MS = 60_000;

/**
 * Sends the harness through the launcher (`shipHarness`) and resolves with the directory that
 * holds it on the other side, to start workers with. Fails with WORKER_START_FAILED saying why.
 */
export async function shipHarness(launch: {
  python: string;
  command: readonly string[];
  commandQuoting: CommandQuoting;
}): Promise<string> {
  const { json, hash } = harnessBundle();
  const [file, args] = launcherArgv(launch.command, launch.commandQuoting, launch.python, [
    '-I',
    '-c',
    INSTALLER,
    hash,
  ]);
  const result = await execa(file, args, {
    input: json,
    reject: false,
    timeout: SHIP_TIMEOUT_MS,
    stripFinalNewline: true,
  });
  const dir = /^pyexec-harness (.+)$/m.exec(String(result.stdout))?.[1];
  if (result.exitCode === 0 && dir !== undefined) return dir;
  if ((result as { code?: string }).code === 'ENOENT')
    throw new PyExecError(
      'LAUNCHER_NOT_FOUND',
      `Launcher not found: \`${file}\` (the first word of the \`command\` option)`,
    );
  const said = String(result.stderr).trim().split('\n').slice(-3).join(' | ');
  throw new PyExecError(
    'WORKER_START_FAILED',
    `Could not send the harness through \`${launch.command.join(' ')}\`${result.timedOut ? ` (no answer within ${SHIP_TIMEOUT_MS} ms)` : ''}: ${said || `exit ${result.exitCode}`}`,
  );
}
