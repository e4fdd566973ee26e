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

describe.skipIf(!hasMatplotlib).each(contractStrategies)(
  'figures and tables as displays with the %s strategy',
  (strategy) => {
    it('shows a figure where plt.show() is called, and the ones left open after the value', async () => {
      const executor = makeExecutor(strategy, { python: matplotlibPython });
      const result = await executor.run(
        [
          'import matplotlib.pyplot as plt',
          'print("before")',
          'plt.plot([1, 2])',
          'plt.show()',
          'print("after")',
          'plt.figure()',
          'plt.plot([2, 1])',
          '7',
        ].join('\n'),
      );
      expect(result.status).toBe('ok');
      const kinds = result.outputs.map((item) => (item.type === 'stream' ? item.text.trim() : item.type));
      expect(kinds).toEqual(['before', 'display', 'after', 'value', 'display']);
      const shown = result.outputs.filter((item) => item.type === 'display');
      for (const item of shown) {
        expect(item.data['image/png']?.startsWith(PNG_SIGNATURE)).toBe(true);
        expect(item.data['text/plain']).toBe('<Figure size 640x480 with 1 Axes>');
      }
      expect(result.figures.map((figure) => figure.data)).toEqual(shown.map((item) => item.data['image/png']));
    });

    it('renders figures in every format figureFormats names; result.figures holds the first', async () => {
      const executor = makeExecutor(strategy, { python: matplotlibPython, figureFormats: ['svg', 'pdf'] });
      const result = await executor.run('import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()');
      const [shown] = result.outputs.filter((item) => item.type === 'display');
      expect(Object.keys(shown?.data ?? {})).toEqual(['image/svg+xml', 'application/pdf', 'text/plain']);
      expect(shown?.data['image/svg+xml']).toContain('<svg');
      expect(
        Buffer.from(shown?.data['application/pdf'] ?? '', 'base64')
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
      expect(result.figures).toEqual([{ mime: 'image/svg+xml', data: shown?.data['image/svg+xml'] }]);
      const png = await executor.run('import matplotlib.pyplot as plt\nplt.plot([1])', { figureFormats: ['png'] });
      expect(png.figures.map((figure) => figure.mime)).toEqual(['image/png']);
    });

    it("shows a pandas DataFrame as pandas' own HTML table and text", async () => {
      const executor = makeExecutor(strategy, { python: matplotlibPython });
      const probe = await executor.run('import pandas');
      if (probe.status !== 'ok') {
        console.log(`pandas is not importable by ${matplotlibPython}: DataFrame displays not tested here`);
        expect(process.env.CI, 'CI installs python3-pandas').toBeFalsy();
        return;
      }
      const result = await executor.run('import pandas as pd\ndf = pd.DataFrame({"a": [1, 2]})\ndisplay(df)\ndf');
      const [shown] = result.outputs.filter((item) => item.type === 'display');
      expect(shown?.data['text/html']).toContain('<table border="1" class="dataframe">');
      expect(shown?.data['text/plain']).toBe('   a\n0  1\n1  2');
      expect(result.valueBundle).toEqual(shown?.data);
    });
  },
);
