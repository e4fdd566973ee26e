// What a notebook or an agent expects from a call, in four steps: a pandas DataFrame shown as an
// HTML table, input() answered by the host, a CSV handed in and the PNG chart it made handed
// back, and an agent's tool exposed to Python as a host function. Needs pandas and matplotlib
// for steps 1 and 3 (PYEXEC_PYTHON=/usr/bin/python3 with Debian's python3-pandas and
// python3-matplotlib); without them those steps say so. Run it with `node examples/rich-io.mjs`.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecutor } from 'pyexec';

const CITIES = { Lima: { country: 'Peru', population: 10_000_000 }, Oslo: { country: 'Norway', population: 700_000 } };

const executor = createExecutor({
  strategy: 'forked',
  timeoutMs: 30_000,
  functions: {
    // An agent's tool: Python asks the host for it instead of reaching a network itself. It runs
    // in this Node process, with its privileges: give untrusted code only what it may use.
    lookupCity: async (name) => CITIES[name] ?? null,
  },
});

// 1. A DataFrame as pandas shows it in Jupyter: the value's bundle holds its HTML table.
const table = await executor.run(
  'import pandas as pd\npd.DataFrame({"city": ["Lima", "Oslo"], "temperature": [19.5, 4.0]})',
);
if (table.status === 'ok') {
  const html = table.valueBundle?.['text/html'] ?? '';
  console.log(`1. table: ${html.includes('<table') ? 'HTML' : 'text only'}, as text:\n${table.value}`);
} else console.log(`1. table: pandas is not installed here (${table.error?.message})`);

// 2. input() answered by the host, with its prompt.
const greeting = await executor.run('name = input("Your name? ")\nprint(f"Hello, {name}!")', {
  onInput: async (prompt) => (prompt === 'Your name? ' ? 'Ada' : null),
});
console.log(`2. input: ${JSON.stringify(greeting.stdout)}`);

// 3. A CSV in, the chart it made out (collectFiles returns the PNG's bytes).
const rows = Array.from({ length: 14 }, (_, day) => `${day + 1},${(20 + 6 * Math.sin(day / 3)).toFixed(1)}`);
const chart = await executor.run(
  `
import csv
with open("data/temperatures.csv") as source:
    rows = list(csv.DictReader(source))
import matplotlib
import matplotlib.pyplot as plt
plt.plot([int(row["day"]) for row in rows], [float(row["temperature"]) for row in rows])
plt.title("temperature by day")
plt.savefig("chart.png")
len(rows)
`,
  { files: { 'data/temperatures.csv': `day,temperature\n${rows.join('\n')}\n` }, collectFiles: ['*.png'] },
);
const png = chart.files?.find((file) => file.path === 'chart.png');
if (png?.data !== undefined) {
  const path = join(tmpdir(), 'pyexec-example-chart.png');
  writeFileSync(path, png.data);
  console.log(`3. chart: ${chart.value} rows read, ${png.size} bytes written to ${path}`);
} else console.log(`3. chart: none (${chart.error?.message ?? 'no chart.png'})`);

// 4. The agent's tool, called from Python.
const tool = await executor.run('from pyexec_host import lookupCity\ncity = lookupCity("Lima")\ncity["country"]');
console.log(`4. tool: ${tool.value}`);

await executor.close();
