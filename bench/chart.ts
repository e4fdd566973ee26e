import { REFERENCE } from './config.js';
import type { BenchResults } from './results-shape.js';

// A horizontal bar chart of sequential calls/s on a log scale, ours beside the reference.
export function renderChart(results: BenchResults): string {
  const bars = [
    { label: 'echo (raw pipe limit)', value: results.echoCallsPerSec, color: '#9ca3af' },
    ...results.strategies.map((s) => ({ label: `pyexec ${s.strategy}`, value: s.callsPerSec, color: '#2563eb' })),
    ...Object.values(REFERENCE).map((r) => ({
      label: `reference: ${r.label}`,
      value: r.callsPerSec,
      color: '#f59e0b',
    })),
  ];
  const left = 230;
  const width = 790;
  const barHeight = 22;
  const top = 40;
  const plotWidth = width - left - 90;
  const maxDecade = Math.ceil(Math.log10(Math.max(...bars.map((b) => b.value))));
  const x = (value: number) => left + (Math.log10(Math.max(value, 1)) / maxDecade) * plotWidth;
  const height = top + bars.length * (barHeight + 8) + 40;
  const ticks = Array.from({ length: maxDecade + 1 }, (_, decade) => {
    const at = x(10 ** decade);
    return `<line x1="${at}" y1="${top - 6}" x2="${at}" y2="${height - 30}" stroke="#e5e7eb"/><text x="${at}" y="${height - 14}" font-size="11" text-anchor="middle" fill="#6b7280">${(10 ** decade).toLocaleString('en-US')}</text>`;
  });
  const rows = bars.map((bar, index) => {
    const y = top + index * (barHeight + 8);
    const label = bar.value >= 100 ? Math.round(bar.value).toLocaleString('en-US') : bar.value.toFixed(1);
    return (
      `<text x="${left - 8}" y="${y + 15}" font-size="12" text-anchor="end" fill="#111827">${bar.label}</text>` +
      `<rect x="${left}" y="${y}" width="${Math.max(1, x(bar.value) - left)}" height="${barHeight}" fill="${bar.color}" rx="3"/>` +
      `<text x="${x(bar.value) + 6}" y="${y + 15}" font-size="12" fill="#111827">${label}</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="600" fill="#111827">Sequential trivial calls per second (log scale)</text>`,
    ...ticks,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
