import { defineConfig } from 'vitest/config';

// Three projects, run together by `npm test` and apart by `npm run test:unit` and
// `npm run test:integration`:
// - unit: no Python process (PYEXEC_PYTHON points nowhere, so one would fail), seconds in all;
// - integration: real Python workers; a 2-core machine under load needs headroom;
// - installs: pip against a loopback index, venvs made with ensurepip: tens of seconds each.
const UNIT = [
  'test/pool/**/*.test.ts',
  'test/protocol/**/*.test.ts',
  'test/structure/**/*.test.ts',
  'test/types/**/*.test.ts',
  'test/bench/report.test.ts',
  'test/bench/echo-median.test.ts',
  'test/options/executor-options.test.ts',
  'test/packages/requirements.test.ts',
  'test/hosts/presets.test.ts',
];
const INSTALLS = ['test/packages/**/*.test.ts', 'test/package/**/*.test.ts'];

export default defineConfig({
  test: {
    // `npm test` reports the share of src/ its tests run (v8's own counters, nearly free).
    // (src/playground/ runs in the browser: test/browser drives it in Chromium, out of v8's sight.)
    coverage: { provider: 'v8', include: ['src/**/*.ts'], exclude: ['src/playground/**'], reporter: ['text-summary'] },
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: UNIT,
          env: { PYEXEC_PYTHON: '/nonexistent/no-python-in-unit-tests' },
          testTimeout: 5_000,
          hookTimeout: 5_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...UNIT, ...INSTALLS],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: { name: 'installs', include: INSTALLS, exclude: UNIT, testTimeout: 180_000, hookTimeout: 180_000 },
      },
    ],
  },
});
