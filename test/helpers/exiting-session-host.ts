// A host process for the exit-cleanup test (run with `node --import tsx`): it opens a session
// and forks two copies of it (one idle, one in a long call), prints each process's pid and
// working directory, then ends with process.exit() without closing anything.
import { createExecutor, type StrategyName } from '../../src/index.js';

const executor = createExecutor({
  strategy: process.argv[2] as StrategyName,
  python: process.env.PYEXEC_PYTHON || 'python3',
});
const session = await executor.createSession();
const where = 'import os\nopen("left-behind.txt", "w").write("x")\nos.getpid(), os.getcwd()';
const result = await session.run(where);
const [idle, busy] = await session.fork({ count: 2 });
for (const one of [result, await idle!.run(where), await busy!.run(where)]) process.stdout.write(`${one.value}\n`);
void busy!.run('import time\ntime.sleep(60)');
await new Promise((resolve) => setTimeout(resolve, 100)); // the long call has begun
process.exit(0);
