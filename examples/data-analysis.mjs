// A data-analysis flow: a CSV made in Node is handed to the code (embedded in it), the
// Python side summarizes it and draws a chart, and Node gets the numbers as JSON and the chart
// as a PNG. Uses the standard library only (csv, statistics, json); the chart needs matplotlib
// (PYEXEC_PYTHON=/usr/bin/python3 with Debian's python3-matplotlib), and is skipped without it.
// Run it with `node examples/data-analysis.mjs`.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecutor } from 'pyexec';

const executor = createExecutor({ strategy: 'isolated', timeoutMs: 30_000 });
const rows = Array.from({ length: 30 }, (_, day) => `${day + 1},${(20 + 8 * Math.sin(day / 4)).toFixed(1)}`);
const csv = `day,temperature\n${rows.join('\n')}\n`;

const code = `
import csv, io, json, statistics
rows = list(csv.DictReader(io.StringIO(${JSON.stringify(csv)})))
temperatures = [float(row["temperature"]) for row in rows]
summary = {"days": len(rows), "mean": round(statistics.mean(temperatures), 2),
           "min": min(temperatures), "max": max(temperatures)}
try:
    import matplotlib.pyplot as plt
    plt.plot([int(row["day"]) for row in rows], temperatures)
    plt.title("temperature by day")
except ImportError:
    summary["chart"] = "matplotlib is not installed: no chart"
print(json.dumps(summary))
`;

const result = await executor.run(code);
if (result.status !== 'ok') throw new Error(`analysis failed: ${result.error?.type}: ${result.error?.message}`);
console.log('summary:', JSON.parse(result.stdout));
for (const [index, figure] of result.figures.entries()) {
  const path = join(tmpdir(), `pyexec-example-chart-${index}.png`);
  writeFileSync(path, Buffer.from(figure.data, 'base64'));
  console.log(`chart written to ${path}`);
}
await executor.close();
