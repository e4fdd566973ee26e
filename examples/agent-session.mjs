// An agent's tool loop over a session: each step is code a model wrote, run in the same
// interpreter, so the table loaded in step 1 is still there in step 2. One step kills the
// interpreter: the session says so (SESSION_LOST, never a silent fresh interpreter), and the
// agent restarts it and reloads its data. Standard library only.
// Run it with `node examples/agent-session.mjs`.
import { createExecutor } from 'pyexec';

const executor = createExecutor({ strategy: 'forked', timeoutMs: 10_000 });
executor.on('session:end', ({ id, reason }) => console.log(`[session ${id} ended: ${reason}]`));
const session = await executor.createSession({ id: 'agent-1', idleTimeoutMs: 60_000, metadata: { user: 'demo' } });

const LOAD = `import csv, io, statistics
rows = list(csv.DictReader(io.StringIO("city,temp\\nOslo,3\\nRome,17\\nLima,19")))
len(rows)`;
const steps = [
  LOAD,
  'statistics.mean(float(row["temp"]) for row in rows)',
  'import os\nos._exit(1)', // a step that ends the interpreter
  'max(rows, key=lambda row: float(row["temp"]))["city"]',
];

// The tool the agent calls: a result, or what went wrong, as text for the model.
async function runTool(code) {
  try {
    const result = await session.run(code);
    return result.status === 'ok' ? `ok ${result.value ?? ''}` : `${result.status}: ${result.error?.type ?? ''}`;
  } catch (error) {
    if (error.code !== 'SESSION_LOST') throw error;
    await session.restart(); // a new, empty interpreter under the same id
    await session.run(LOAD);
    return 'the interpreter was lost; it was restarted and the data reloaded: run the step again';
  }
}

for (const [number, code] of steps.entries()) console.log(`step ${number + 1}: ${await runTool(code)}`);
console.log(`step 4 again: ${await runTool(steps[3])}`);
console.log(JSON.stringify(executor.sessions().map(({ id, state, calls }) => ({ id, state, calls }))));
await executor.close();
