// A host process for the exit-cleanup test (run with `node --import tsx`): it opens a session,
// prints the session process's pid and working directory, then ends with process.exit() without
// closing anything.
import { createExecutor, type StrategyName } from '../../src/index.js';

const executor = createExecutor({
  strategy: process.argv[2] as StrategyName,
  python: process.env.PYEXEC_PYTHON || 'python3',
});
const session = await executor.createSession();
const result = await session.run('import os\nopen("left-behind.txt", "w").write("x")\nos.getpid(), os.getcwd()');
process.stdout.write(`${result.value}\n`);
process.exit(0);
