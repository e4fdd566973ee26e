import { afterEach, describe, expect, it } from 'vitest';
import type { StrategyCapabilities } from '../../src/index.js';
import { strategyNamed } from '../../src/strategies/registry.js';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';
import { isolationProbes, probeLeaks } from './probes.js';

afterEach(closeAllExecutors);

// What each isolation level (a strategy's capability, from its registry) is documented to leak
// (README's isolation matrix); everything else must not.
const expectedLeaks: Record<StrategyCapabilities['isolation'], readonly string[]> = {
  process: [],
  interpreter: [],
  globals: [
    'sys.path',
    'os.environ',
    'working directory',
    'files in the working dir',
    'builtins added',
    'builtins replaced',
    'stdlib monkeypatch',
    'monkeypatch of a module first imported by the call',
    'sys.modules entry',
    'sys attribute',
    'recursion limit',
    'signal handler',
    'warnings filters',
    'audit hook',
    'gc callback',
    'lowered file descriptor limit',
    'blocked signals',
    'file descriptor left open',
    'threads left running',
  ],
};

describe.each(contractStrategies)('isolation of the %s strategy', (strategy) => {
  const leaks = expectedLeaks[strategyNamed(strategy).capabilities.isolation];
  it.each(isolationProbes.map((probe) => [probe.name, probe] as const))('%s', async (name, probe) => {
    const executor = makeExecutor(strategy, { poolSize: 1 });
    expect(await probeLeaks(executor, probe)).toBe(leaks.includes(name));
  });
});
