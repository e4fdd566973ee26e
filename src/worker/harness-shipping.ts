import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PyExecError } from '../core/errors.js';
import { harnessRuntimeDir } from './harness-location.js';
import { runThroughLauncher, type LaunchedPython } from './launcher-run.js';

/** Where a shipped harness is on the other side, and the hash each worker start checks it by. */
export interface ShippedHarness {
  readonly dir: string;
  readonly hash: string;
}

/** What a worker says when its shipped harness is no longer the one sent: it is sent again. */
export const HARNESS_CHANGED = 'pyexec: the shipped harness changed';

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

// Python, for both scripts below: the bundle.json in a directory, at most `limit` bytes of it, or
// b"" unless it is a regular file there: a FIFO or a symlink put in its place (by whatever else
// runs as the same user) must neither block the reader nor lead it elsewhere.
const READ_BUNDLE = `
def read_bundle(root, limit=-1):
    import os, stat
    try:
        fd = os.open(os.path.join(root, "bundle.json"), os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as f:
            return f.read(limit) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
    except OSError:
        return b""
`;

// Runs on the other side, reading the bundle on stdin: checks its hash, and prints the directory
// that holds it (as bundle.json). The cache is `harness-<hash>` under ~/.cache/pyexec (or
// $XDG_CACHE_HOME/pyexec), a directory only this user may write, reused when its bundle is
// exactly the one sent (a new version has another hash: another directory). Where the home is
// read-only (or the cache is not this user's alone), a new private temporary directory, not
// reused.
const INSTALLER = `
import hashlib, os, shutil, stat, sys, tempfile
${READ_BUNDLE}
data = sys.stdin.buffer.read()
digest = sys.argv[1]
if hashlib.sha256(data).hexdigest() != digest:
    sys.exit("pyexec: the harness arrived damaged")
def holds_bundle(path):
    return read_bundle(path, len(data) + 1) == data
def write_bundle(root):
    made = tempfile.mkdtemp(prefix=".harness-", dir=root)
    with open(os.path.join(made, "bundle.json"), "wb") as f:
        f.write(data)
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
export async function shipHarness(launch: LaunchedPython): Promise<ShippedHarness> {
  const { json, hash } = harnessBundle();
  const said = await runThroughLauncher(launch, ['-I', '-c', INSTALLER, hash], 'send the harness', {
    input: json,
    timeoutMs: SHIP_TIMEOUT_MS,
  });
  const dir = /^pyexec-harness (.+)$/m.exec(said)?.[1];
  if (dir === undefined)
    throw new PyExecError(
      'WORKER_START_FAILED',
      `Could not send the harness through \`${launch.command.join(' ')}\`: it said ${JSON.stringify(said.slice(0, 200))}`,
    );
  return { dir, hash };
}

// Starts a worker from a shipped harness (argv: its directory, the config, the hash): the bundle
// is read once, checked against the hash this side sent, and the modules the harness imports are
// compiled from that checked copy in memory, never imported from the directory (nor from
// bytecode beside it): whatever else runs as the same user there (another tenant's call) may
// have changed the files since they were shipped, even between a check and an import. The
// price is compiling those modules at each worker start (~15 ms), not per call.
export const SHIPPED_BOOTSTRAP = `
import sys
sys.version_info < (3, 9) and sys.exit("pyexec needs Python 3.9 or newer")
${READ_BUNDLE}
def boot():
    import hashlib, json, os
    from importlib.abc import Loader, MetaPathFinder
    from importlib.machinery import ModuleSpec
    root = sys.argv[1]
    data = read_bundle(root)
    if hashlib.sha256(data).hexdigest() != sys.argv[3]:
        sys.exit("${HARNESS_CHANGED} in " + root)
    sources = json.loads(data.decode("utf-8"))
    class Shipped(MetaPathFinder, Loader):
        def find_spec(self, name, path=None, target=None):
            if name != "pyexec_harness" and not name.startswith("pyexec_harness."):
                return None
            base = name.replace(".", "/")
            for rel, package in ((base + "/__init__.py", True), (base + ".py", False)):
                if rel in sources:
                    spec = ModuleSpec(name, self, origin=os.path.join(root, rel), loader_state=rel, is_package=package)
                    spec.has_location = True
                    if package:
                        spec.submodule_search_locations = [os.path.join(root, base)]
                    return spec
            return None
        def create_module(self, spec):
            return None
        def exec_module(self, module):
            spec = module.__spec__
            exec(compile(sources[spec.loader_state], spec.origin, "exec"), module.__dict__)
    sys.meta_path.insert(0, Shipped())
    import pyexec_harness.main
    return pyexec_harness.main.main
boot()(sys.dont_write_bytecode)
`;
