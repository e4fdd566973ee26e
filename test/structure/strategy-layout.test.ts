import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../src/core/strategy-names.js';
import { strategyNamed } from '../../src/strategies/registry.js';

const root = resolve(import.meta.dirname, '../..');

// What a strategy is made of, on each side: its folder of the host and its module of the
// harness. Anything else it needs is a registry line (checked by the compiler on the host's side).
describe('the layout of a strategy', () => {
  it.each(STRATEGIES)('%s: src/strategies/<name>/ (strategy, executor) and modes/<name>.py', (name) => {
    expect(readdirSync(join(root, 'src/strategies', name)).sort()).toEqual(['executor.ts', 'strategy.ts']);
    expect(existsSync(join(root, 'python-runtime/pyexec_harness/modes', `${name}.py`))).toBe(true);
  });

  it('has no folder or mode for a strategy that is not registered', () => {
    const folders = readdirSync(join(root, 'src/strategies'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    const modes = readdirSync(join(root, 'python-runtime/pyexec_harness/modes'))
      .filter((file) => file.endsWith('.py') && !file.startsWith('_'))
      .map((file) => file.replace(/\.py$/, ''));
    expect(folders.sort()).toEqual([...STRATEGIES].sort());
    // Besides the strategies' modes, the one every strategy's sessions run in (src/sessions/).
    expect(modes.sort()).toEqual([...STRATEGIES, 'session'].sort());
  });

  // The capabilities a registry declares must say what the strategy's options do.
  it.each(STRATEGIES)('%s: capabilities agree with the options it takes', (name) => {
    const { capabilities, workerLifeOptions } = strategyNamed(name);
    expect(capabilities.resetHooks).toBe(workerLifeOptions.includes('resetHooks'));
    expect(capabilities.persistentWorkers).toBe(workerLifeOptions.includes('maxExecutions'));
  });
});
