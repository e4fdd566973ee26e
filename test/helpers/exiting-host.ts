// A host process for the exit-cleanup test (run with `node --import tsx`): a call writes a file
// in its working directory, the host prints where the scratch directories are, then ends with
// process.exit() without closing the executor.
import { createExecutor, type StrategyName } from '../../src/index.js';

const executor = createExecutor({
  strategy: process.argv[2] as StrategyName,
  python: process.env.PYEXEC_PYTHON || 'python3',
});
const code = 'import os\nopen("left-behind.txt", "w").write("x")\nos.getcwd(), os.environ["MPLCONFIGDIR"]';
const result = await executor.run(code);
process.stdout.write(`${result.value}\n`);
process.exit(0);
