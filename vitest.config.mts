/**
 * One test runner for the repo. Projects:
 * - unit: beside the code (`*.test.ts[x]`), no services needed;
 * - integration: `tests/integration`, against the real local Kafka, PostgreSQL and Redis;
 * - faults: `tests/faults`, the fault-injection suite (also `npm run test:faults`);
 * - e2e: `tests/e2e`, the headless console in Debian's Chromium via playwright-core.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One file at a time across all projects: the fault suite restarts the shared broker and
    // PostgreSQL, which must never happen under another suite.
    fileParallelism: false,
    maxWorkers: 1,
    projects: [
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
