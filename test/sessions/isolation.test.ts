import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PythonExecutor, Session } from '../../src/index.js';
import { contractStrategies, makeExecutor } from '../helpers/executors.js';
import { isolationProbes } from '../isolation/probes.js';

// Each session is an interpreter of its own: nothing one leaves (the isolation suite's probes)
// is seen by another session of the same executor, whatever the strategy.
describe.each(contractStrategies)('two sessions of the %s strategy', (strategy) => {
  let executor: PythonExecutor;
  let leaving: Session;
  let looking: Session;

  beforeAll(async () => {
    executor = makeExecutor(strategy, { maxSessions: 2 });
    [leaving, looking] = await Promise.all([executor.createSession(), executor.createSession()]);
  });
  afterAll(() => executor.close());
  // Each probe leaves its trace in a fresh interpreter: a session keeps what earlier probes did.
  beforeEach(() => leaving.restart());

  it.each(isolationProbes.map((probe) => [probe.name, probe] as const))(
    '%s: not seen by the other',
    async (name, probe) => {
      const left = await leaving.run(probe.leave);
      expect(left.status, `${name}: ${left.error?.message}`).toBe('ok');
      const seen = await looking.run(probe.seen);
      expect(seen.status, `${name}: ${seen.error?.message}`).toBe('ok');
      expect(seen.value).toBe('False');
    },
  );
});
