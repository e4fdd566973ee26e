// A host process for the host-death test (run with `node --import tsx`). Mode `running` (the
// default): starts a call that never ends and that started a child process of its own. Mode
// `idle`: runs one call to its end and keeps its worker. The call prints its pid, its parent's,
// its child's (0 when idle) and its working directory, or when idle the host's scratch directory
// (which holds every worker's directory); then the host waits to be killed.
import { createExecutor, type StrategyName } from '../../src/index.js';

const executor = createExecutor({
  strategy: process.argv[2] as StrategyName,
  python: process.env.PYEXEC_PYTHON || 'python3',
  timeoutMs: Number.POSITIVE_INFINITY,
});
const running = [
  'import os, subprocess, time',
  'child = subprocess.Popen(["sleep", "300"])',
  "open('left-behind.txt', 'w').write('x')",
  'print(os.getpid(), os.getppid(), child.pid, os.getcwd(), flush=True)',
  'while True:',
  '    time.sleep(0.05)',
].join('\n');
// The scratch directory is the parent of the worker's own directory, named in the start
// configuration on the harness's command line.
const idle = [
  'import json, os',
  "open('left-behind.txt', 'w').write('x')",
  "config = json.loads(open('/proc/self/cmdline', 'rb').read().split(b'\\0')[-2])",
  "print(os.getpid(), os.getppid(), 0, os.path.dirname(config['workDir']), flush=True)",
].join('\n');
void executor.run(process.argv[3] === 'idle' ? idle : running, { onStdout: (text) => process.stdout.write(text) });
setInterval(() => {}, 60_000); // an idle executor keeps no handle open: stay until killed
