// An agent's tool loop over a session: each step is code a model wrote, run in the same
// interpreter, so the pandas DataFrame loaded in step 1 is still there in step 2. The agent
// branches with fork() to try a destructive step on a copy, keeping the original as it was. One
// step kills the interpreter: the session says so (SESSION_LOST, never a silent fresh
// interpreter), and the agent restarts it and reloads its data.
// Needs pandas for the interpreter it runs (PYEXEC_PYTHON, or python3): `pip install pandas`, or
// Debian's python3-pandas for /usr/bin/python3. Run it with `node examples/agent-session.mjs`.
import { createExecutor } from 'pyexec';

const executor = createExecutor({ strategy: 'forked', timeoutMs: 10_000 });
executor.on('session:end', ({ id, reason }) => console.log(`[session ${id} ended: ${reason}]`));
const session = await executor.createSession({ id: 'agent-1', idleTimeoutMs: 60_000, metadata: { user: 'demo' } });

const LOAD = `import io
import pandas as pd
df = pd.read_csv(io.StringIO("city,temp\\nOslo,3\\nRome,17\\nLima,19"))
len(df)`;

// The tool the agent calls on `target`: a result, or what went wrong, as text for the model.
async function runTool(code, target = session) {
  try {
    const result = await target.run(code);
    return result.status === 'ok' ? `ok ${result.value ?? ''}` : `${result.status}: ${result.error?.type ?? ''}`;
  } catch (error) {
    if (error.code !== 'SESSION_LOST') throw error;
    await target.restart(); // a new, empty interpreter under the same id
    await target.run(LOAD);
    return 'the interpreter was lost; it was restarted and the data reloaded: run the step again';
  }
}

console.log(`step 1: ${await runTool(LOAD)}`);
console.log(`step 2: ${await runTool('float(df["temp"].mean())')}`);

// A branch: the copy has the DataFrame too; what it drops, the original keeps.
const branch = await session.fork();
console.log(`branch: ${await runTool('df = df[df["temp"] > 10]\nlen(df)', branch)}`);
console.log(`original: ${await runTool('len(df)')}`);
await branch.close();

console.log(`step 3: ${await runTool('import os\nos._exit(1)')}`); // a step that ends the interpreter
const step4 = 'df.loc[df["temp"].idxmax(), "city"]';
console.log(`step 4: ${await runTool(step4)}`);
console.log(`step 4 again: ${await runTool(step4)}`);
console.log(JSON.stringify(executor.sessions().map(({ id, state, calls }) => ({ id, state, calls }))));
await executor.close();
