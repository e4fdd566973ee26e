// A host process for the close-reaping test, run with `node --import tsx` under a PID 1 that never
// reaps orphans: a call leaves processes behind, the executor closes, and the host prints (JSON)
// which processes its workers started are still in the process table, and which cgroups are left.
import { existsSync } from 'node:fs';
import { createExecutor, type StrategyName } from '../../src/index.js';
import { descendantsOf } from '../../src/worker/process-tree.js';
import { describeProcess, hostCgroups } from './proc.js';

const [strategy, sandboxed] = process.argv.slice(2) as [StrategyName, string];
const before = new Set(descendantsOf(process.pid)); // tsx's own helper
const executor = createExecutor({
  strategy,
  python: process.env.PYEXEC_PYTHON || 'python3',
  poolSize: 2,
  sandbox: sandboxed === 'sandbox' ? {} : undefined,
  limits: { maxProcesses: 20, memoryMb: 512 },
});
const result = await executor.run("import subprocess\nfor _ in range(3):\n    subprocess.Popen(['sleep', '60'])");
if (result.status !== 'ok') throw new Error(`the call failed: ${result.error?.message}`);
const started = descendantsOf(process.pid).filter((pid) => !before.has(pid));
await executor.close();

// Killed processes take a moment to leave; what this PID 1 holds as zombies never does.
// (bubblewrap's init is such a zombie by bubblewrap's design: the test allows for it.)
const left = () => started.filter((pid) => existsSync(`/proc/${pid}`));
const waitedFor = () => left().filter((pid) => !describeProcess(pid)?.includes(' (bwrap) Z '));
const deadline = Date.now() + 3_000;
while ((waitedFor().length > 0 || hostCgroups().length > 0) && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
process.stdout.write(
  `${JSON.stringify({ started: started.length, left: left().map(describeProcess), cgroups: hostCgroups() })}\n`,
);
