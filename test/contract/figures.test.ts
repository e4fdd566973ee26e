import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, contractStrategies, makeExecutor } from '../helpers/executors.js';
import { hasMatplotlib, matplotlibPython } from '../helpers/matplotlib.js';

afterEach(closeAllExecutors);

const PNG_SIGNATURE = 'iVBORw0KGgo';

describe.skipIf(!hasMatplotlib).each(contractStrategies)('matplotlib figures with the %s strategy', (strategy) => {
  it('returns figures left open and shown as PNG, then closes them', async () => {
    const executor = makeExecutor(strategy, { python: matplotlibPython });
    const code = [
      'import matplotlib.pyplot as plt',
      'plt.plot([1, 2, 3])',
      'plt.show()',
      'plt.figure()',
      'plt.bar(["a", "b"], [3, 4])',
      'import matplotlib',
      'matplotlib.get_backend()',
    ].join('\n');
    const result = await executor.run(code);
    expect(result.status).toBe('ok');
    expect(result.value).toBe("'agg'");
    expect(result.stderr).toBe('');
    expect(result.figures).toHaveLength(2);
    for (const figure of result.figures) {
      expect(figure.mime).toBe('image/png');
      expect(figure.data.startsWith(PNG_SIGNATURE)).toBe(true);
    }
    const next = await executor.run('import matplotlib.pyplot as plt\nlen(plt.get_fignums())');
    expect(next.value).toBe('0');
    expect(next.figures).toEqual([]);
  });

  it('keeps matplotlib config out of the home directory', async () => {
    const executor = makeExecutor(strategy, { python: matplotlibPython });
    const result = await executor.run(
      'import matplotlib, os\nmatplotlib.get_configdir().startswith(os.path.expanduser("~"))',
    );
    expect(result.value).toBe('False');
  });
});
