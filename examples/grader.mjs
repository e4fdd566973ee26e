// A grader for untrusted submissions: each student's solution runs in a fresh sandboxed child
// (forked), with a time limit, against the same tests; a submission that loops, crashes, exits
// or attacks the grader gets its own verdict and cannot touch the next one.
// Run it with `node examples/grader.mjs`.
import { spawnSync } from 'node:child_process';
import { createExecutor } from 'pyexec';

const sandbox = spawnSync('bwrap', ['--version']).status === 0 ? {} : undefined;
const executor = createExecutor({
  strategy: 'forked',
  poolSize: 2,
  timeoutMs: 2_000,
  inheritEnv: false,
  sandbox,
  limits: { memoryMb: 512 },
});

const tests = `
assert add(2, 3) == 5, "add(2, 3)"
assert add(-1, 1) == 0, "add(-1, 1)"
print("all tests passed")
`;

const submissions = {
  alice: 'def add(a, b):\n    return a + b',
  bob: 'def add(a, b):\n    return a - b',
  carol: 'def add(a, b):\n    while True:\n        pass',
  dave: 'import os\nos.kill(os.getppid(), 9)\ndef add(a, b):\n    return a + b',
  erin: 'def add(a, b):\n    return a + b\nimport os\nos._exit(0)',
};

const verdicts = await Promise.all(
  Object.entries(submissions).map(async ([student, solution]) => {
    const result = await executor.run(`${solution}\n${tests}`, { filename: `${student}.py` });
    const verdict =
      result.status === 'ok' && result.stdout.includes('all tests passed')
        ? 'pass'
        : result.status === 'error'
          ? `fail: ${result.error.type}: ${result.error.message}`
          : result.status === 'ok'
            ? 'fail: the tests did not run to the end'
            : `fail: ${result.status}`;
    return [student, verdict];
  }),
);
for (const [student, verdict] of verdicts) console.log(`${student}: ${verdict}`);
await executor.close();
