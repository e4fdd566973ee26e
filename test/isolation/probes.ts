import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PythonExecutor } from '../../src/index.js';

/**
 * One isolation probe: `leave` runs in a call and leaves a trace; `seen` runs in the next call
 * and evaluates to True if the trace is visible. Shared by the isolation suite and the benchmark.
 */
export interface IsolationProbe {
  name: string;
  leave: string;
  seen: string;
}

const leakDir = join(tmpdir(), 'pyexec-probe-cwd');

export const isolationProbes: IsolationProbe[] = [
  { name: 'variables', leave: 'leaked_variable = 42', seen: "'leaked_variable' in globals()" },
  { name: 'functions', leave: 'def leaked_function():\n    return 1', seen: "'leaked_function' in globals()" },
  { name: 'classes', leave: 'class LeakedClass:\n    pass', seen: "'LeakedClass' in globals()" },
  { name: 'imported names', leave: 'import json as leaked_json', seen: "'leaked_json' in globals()" },
  {
    name: 'sys.path',
    leave: "import sys\nsys.path.append('/leaked/path')",
    seen: "import sys\n'/leaked/path' in sys.path",
  },
  {
    name: 'os.environ',
    leave: "import os\nos.environ['PYEXEC_LEAKED'] = '1'",
    seen: "import os\n'PYEXEC_LEAKED' in os.environ",
  },
  {
    name: 'working directory',
    leave: `import os\nos.makedirs(${JSON.stringify(leakDir)}, exist_ok=True)\nos.chdir(${JSON.stringify(leakDir)})`,
    seen: `import os\nos.getcwd() == ${JSON.stringify(leakDir)}`,
  },
  {
    name: 'files in the working dir',
    leave: "open('leaked_file.txt', 'w').write('x')",
    seen: "import os\nos.path.exists('leaked_file.txt')",
  },
  {
    name: 'builtins added',
    leave: 'import builtins\nbuiltins.leaked_builtin = 1',
    seen: "import builtins\nhasattr(builtins, 'leaked_builtin')",
  },
  {
    name: 'builtins replaced',
    leave: "import builtins\nvars(builtins)['len'] = lambda x: -1",
    seen: 'len([1, 2]) == -1',
  },
  {
    name: 'stdlib monkeypatch',
    leave: "import json\njson.dumps = lambda *a, **k: 'patched'",
    seen: "import json\njson.dumps({}) == 'patched'",
  },
  {
    name: 'monkeypatch of a module first imported by the call',
    leave: 'import colorsys\ncolorsys.leaked = True',
    seen: "import colorsys\nhasattr(colorsys, 'leaked')",
  },
  {
    name: 'sys.modules entry',
    leave: "import sys, types\nsys.modules['leaked_module'] = types.ModuleType('leaked_module')",
    seen: "import sys\n'leaked_module' in sys.modules",
  },
  {
    name: 'sys attribute',
    leave: 'import sys\nsys.leaked_attribute = 1',
    seen: "import sys\nhasattr(sys, 'leaked_attribute')",
  },
  {
    name: 'recursion limit',
    leave: 'import sys\nsys.setrecursionlimit(4321)',
    seen: 'import sys\nsys.getrecursionlimit() == 4321',
  },
  {
    name: 'signal handler',
    leave: 'import signal\nsignal.signal(signal.SIGUSR1, lambda *args: None)',
    seen: 'import signal\ncallable(signal.getsignal(signal.SIGUSR1))',
  },
  {
    name: 'sys.stdout replaced',
    leave: 'import sys, io\nsys.stdout = io.StringIO()',
    seen: "import sys\ntype(sys.stdout).__name__ == 'StringIO'",
  },
  {
    name: 'warnings filters',
    leave: "import warnings\nwarnings.simplefilter('error')",
    seen: "import warnings\nwarnings.filters[0][0] == 'error'",
  },
  {
    // The hook would see every later call's code and data: another tenant's secrets.
    name: 'audit hook',
    leave:
      "import sys\ndef spy(event, args):\n    if event == 'exec':\n        import sys, types\n        sys.modules['audit_spy_saw'] = types.ModuleType('audit_spy_saw')\nsys.addaudithook(spy)",
    seen: "import sys\n'audit_spy_saw' in sys.modules",
  },
  {
    name: 'gc callback',
    leave: 'import gc\ndef leaked_gc_callback(phase, info):\n    pass\ngc.callbacks.append(leaked_gc_callback)',
    seen: "import gc\nany(getattr(c, '__name__', '') == 'leaked_gc_callback' for c in gc.callbacks)",
  },
  {
    name: 'lowered file descriptor limit',
    leave:
      'import resource\nresource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))',
    seen: 'import resource\nresource.getrlimit(resource.RLIMIT_NOFILE)[0] == 64',
  },
  {
    // A blocked SIGINT makes every later call impossible to interrupt (a timeout becomes a kill).
    name: 'blocked signals',
    leave: 'import signal\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGUSR2})',
    seen: 'import signal\nsignal.SIGUSR2 in signal.pthread_sigmask(signal.SIG_BLOCK, set())',
  },
  {
    // The lowest free number: what a call that forgot to close a file or socket leaves.
    name: 'file descriptor left open',
    leave: "import os\nfd = os.open(os.devnull, os.O_RDONLY)\nopen('/tmp/pyexec-probe-leaked-fd', 'w').write(str(fd))",
    seen: "import fcntl\nfd = int(open('/tmp/pyexec-probe-leaked-fd').read())\ntry:\n    fcntl.fcntl(fd, fcntl.F_GETFD)\n    still_open = True\nexcept OSError:\n    still_open = False\nstill_open",
  },
  {
    name: 'threads left running',
    leave:
      "import threading, time\nthreading.Thread(target=time.sleep, args=(30,), name='leaked-thread', daemon=True).start()",
    seen: "import threading\nany(t.name == 'leaked-thread' for t in threading.enumerate())",
  },
];

/** Runs one probe: true when the second call could see the first call's trace. */
export async function probeLeaks(executor: PythonExecutor, probe: IsolationProbe): Promise<boolean> {
  const left = await executor.run(probe.leave);
  if (left.status !== 'ok') throw new Error(`probe ${probe.name}: leaving the trace failed: ${left.error?.message}`);
  const seen = await executor.run(probe.seen);
  if (seen.status !== 'ok' || (seen.value !== 'True' && seen.value !== 'False')) {
    throw new Error(
      `probe ${probe.name}: looking for the trace failed: ${seen.status} ${seen.value} ${seen.error?.message}`,
    );
  }
  return seen.value === 'True';
}
