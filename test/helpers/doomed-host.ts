// A host process for the host-death test (run with `node --import tsx`): starts a call that never
// ends and that started a child process of its own, prints the pids it can see, waits to be killed.
import { createExecutor, type StrategyName } from '../../src/index.js';

const executor = createExecutor({
  strategy: process.argv[2] as StrategyName,
  python: process.env.PYEXEC_PYTHON || 'python3',
  timeoutMs: Number.POSITIVE_INFINITY,
});
const code = [
  'import os, subprocess, time',
  'child = subprocess.Popen(["sleep", "300"])',
  'print(os.getpid(), os.getppid(), child.pid, flush=True)',
  'while True:',
  '    time.sleep(0.05)',
].join('\n');
void executor.run(code, { onStdout: (text) => process.stdout.write(text) });
