import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, hostileVariants, makeExecutor } from '../helpers/executors.js';
import { hasMatplotlib, matplotlibPython } from '../helpers/matplotlib.js';

afterEach(closeAllExecutors);

// A tenant's call plants what it can where a later call could pick it up: a module in every
// directory it can reach from its own (the parents of its working and script directories,
// their children, and directories named after the pids the next calls' processes may have),
// and a `main.py` symlink in every script directory it finds. The next call, another tenant's,
// must import none of it, start in an empty working directory, and keep its own script.
const plant = `
import os, sys
here = os.getcwd()
script_dir = os.path.dirname(os.path.abspath(__file__))
# Only the executor's own directories (its scratch and call roots, removed at close): never the
# system's /dev/shm or /tmp themselves, which other programs use.
roots = {os.path.dirname(here), os.path.dirname(script_dir), os.path.dirname(os.path.dirname(here))}
roots = {root for root in roots if os.path.basename(root).startswith(("pyexec-", "worker-"))}
targets = set()
for root in roots:
    try:
        for entry in os.listdir(root):
            targets.add(os.path.join(root, entry))
    except OSError:
        pass
    base = os.getpid()
    for pid in range(base - 5, base + 400):  # the pids the next processes are likely to get
        for prefix in ("call-", "script-"):
            path = os.path.join(root, prefix + str(pid))
            try:
                os.mkdir(path)
            except OSError:
                pass
            targets.add(path)
planted = 0
for target in targets:
    if not os.path.isdir(target) or os.path.realpath(target) in (os.path.realpath(here), os.path.realpath(script_dir)):
        continue
    try:
        with open(os.path.join(target, "tenant_next.py"), "w") as f:
            f.write("print('PLANTED by the previous tenant')\\n")
        planted += 1
    except OSError:
        pass
    try:
        os.symlink("/etc/hostname", os.path.join(target, "main.py"))
    except OSError:
        pass
print("planted", planted)
`;

const victim = `
import os
print("cwd entries", sorted(os.listdir(".")))
try:
    import tenant_next
except ModuleNotFoundError:
    print("clean import")
print("own script", open(__file__).read().lstrip().startswith("import os"))
`;

describe.each(hostileVariants)('one tenant and the next on the %s strategy, sandbox: %s', (strategy, sandbox) => {
  it('cannot plant a module or a script for a later call in any directory it can reach', async () => {
    const executor = makeExecutor(strategy, { poolSize: 1, sandbox: sandbox || undefined });
    // Two rounds: the second attacker runs where earlier calls' processes and directories were.
    for (let round = 0; round < 2; round++) {
      const attack = await executor.run(plant);
      expect(attack.status, attack.stderr).toBe('ok');
      for (let next = 0; next < 2; next++) {
        const result = await executor.run(victim);
        expect(result.stderr).toBe('');
        expect(result.stdout).toBe('cwd entries []\nclean import\nown script True\n');
      }
    }
  });
});

// The same source run twice is written once: the second call must still get the file as sent,
// and nothing else beside it (a module there is a spawned child's sys.path[0]).
const sameSourceTwice = `
import os
script_dir = os.path.dirname(__file__)
if os.environ["ROLE"] == "attacker":
    with open(os.path.join(script_dir, "tenant_next.py"), "w") as f:
        f.write("print('PLANTED')\\n")
    with open(__file__, "a") as f:
        f.write("\\nprint('PLANTED')\\n")
else:
    print(sorted(os.listdir(script_dir)), open(__file__).read().endswith("print('PLANTED')\\n"))
`;

describe.each(hostileVariants.filter(([strategy]) => strategy !== 'optimized'))(
  'script files on the %s strategy, sandbox: %s',
  (strategy, sandbox) => {
    it("never show a later call an earlier call's source, or a script it changed", async () => {
      const executor = makeExecutor(strategy, { poolSize: 1, sandbox: sandbox || undefined });
      const secret = await executor.run('secret = "tenant A"', { filename: 'tenant_a.py' });
      expect(secret.status).toBe('ok');
      const look = await executor.run('import os\nprint(sorted(os.listdir(os.path.dirname(__file__))))');
      expect(look.stdout).toBe("['main.py']\n");
      await executor.run(sameSourceTwice, { env: { ROLE: 'attacker' } });
      const victim = await executor.run(sameSourceTwice, { env: { ROLE: 'victim' } });
      expect(victim.stderr).toBe('');
      expect(victim.stdout).toBe("['main.py'] False\n");
    });
  },
);

// Matplotlib reads a matplotlibrc from MPLCONFIGDIR at import; a `backend: module://…` line there
// makes it import a module of the writer's choosing.
const plantMatplotlibrc = `
import os
configdir = os.environ.get("MPLCONFIGDIR")
os.makedirs(configdir, exist_ok=True)
with open(os.path.join(configdir, "matplotlibrc"), "w") as f:
    f.write("figure.facecolor: red\\n")
print("planted in", configdir)
`;

// Optimized shares one process's state between calls by design (docs/SECURITY.md): not in this list.
describe.skipIf(!hasMatplotlib).each(hostileVariants.filter(([strategy]) => strategy !== 'optimized'))(
  'matplotlib settings of one tenant on the %s strategy, sandbox: %s',
  (strategy, sandbox) => {
    it('never configure the next call', async () => {
      const executor = makeExecutor(strategy, { python: matplotlibPython, poolSize: 1, sandbox: sandbox || undefined });
      const attack = await executor.run(plantMatplotlibrc);
      expect(attack.stdout).toMatch(/^planted in /);
      // Optimized keeps a process's imports across calls by design: a fresh import shows the file.
      const result = await executor.run(
        'import sys\nfor name in [m for m in sys.modules if m.startswith("matplotlib")]:\n    del sys.modules[name]\nimport matplotlib\nprint(matplotlib.rcParams["figure.facecolor"])',
      );
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('white\n');
    });
  },
);

// A call that keeps writing into the directories of the workers beside it (without the sandbox,
// a call sees its siblings) races the host removing a finished worker's directory: rm then fails
// with ENOTEMPTY, which must never reach the application as an unhandled rejection.
describe('a call writing into its neighbours while their workers end', () => {
  it('never makes the host reject unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const executor = makeExecutor('baseline', { poolSize: 2 });
      const flood = `
import os, time
scratch = os.path.dirname(os.path.dirname(os.getcwd()))
end = time.time() + 1.5
n = 0
while time.time() < end:
    for entry in os.listdir(scratch):
        try:
            os.mkdir(os.path.join(scratch, entry, "flood-%d" % n))
        except OSError:
            pass
        n += 1
`;
      const flooding = executor.run(flood, { timeoutMs: 10_000 });
      for (let call = 0; call < 15; call++) expect((await executor.run('1')).status).toBe('ok');
      expect((await flooding).status).toBe('ok');
      await executor.close();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
