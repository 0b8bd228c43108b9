/**
 * One test runner for the repo. Projects:
 * - unit: beside the code (`*.test.ts[x]`), no services needed;
 * - integration: `tests/integration`, against the real local Kafka, PostgreSQL and Redis;
 * - faults: `tests/faults`, the fault-injection suite (also `npm run test:faults`);
 * - e2e: `tests/e2e`, the headless console in Debian's Chromium via playwright-core;
 * - packaging: `tests/packaging`, electron-builder's `--dir` target with a stand-in Electron (offline);
 * - desktop: `tests/desktop`, the real Electron app (`npm run test:desktop` only, which sets
 *   SCT_DESKTOP_TEST; it needs Electron's binary, so it is never part of `npm test`).
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One file at a time across all projects: the fault suite restarts the shared broker and
    // PostgreSQL, which must never happen under another suite.
    fileParallelism: false,
    maxWorkers: 1,
    projects: [
      ...(process.env.SCT_DESKTOP_TEST
        ? [
            {
              test: {
                name: 'desktop',
                include: ['tests/desktop/**/*.test.ts'],
                testTimeout: 180_000,
                hookTimeout: 180_000,
              },
            },
          ]
        : []),
      {
        test: {
          name: 'unit',
          include: ['{contracts,runtime,server,workers,electron,renderer,scripts}/**/*.test.{ts,tsx}'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['tests/faults/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'packaging',
          include: ['tests/packaging/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
