/**
 * A main-process core to kill (tests/integration/drills.test.ts, crash mid-run): starts the core
 * without workers on the configuration in its environment (`configToEnv`), starts the drill run
 * described by `DRILL_START` (a `POST /api/drills/runs` body, JSON) as the machine owner, prints
 * `{"runId", "drillId"}` on one line, and keeps sending until it is killed.
 *
 * Run with `node --import tsx tests/support/drill-crash-child.ts` (one process: SIGKILL ends it all).
 */
import { drillStartRequestSchema } from '../../contracts';
import { loadConfig } from '../../runtime/config';
import { migrationsDir } from '../../runtime/db';
import { createLogger } from '../../runtime/logger';
import { startCore } from '../../server/core';
import { repoRoot } from './harness';

async function main(): Promise<void> {
  const config = { ...loadConfig(process.env), apiPort: 0 };
  const core = await startCore({
    config,
    log: createLogger('drill-crash-child', 'warn'),
    migrationsDir: migrationsDir(repoRoot),
  });
  const run = await core.drills.start(
    { operator: 'os:crash-test', displayName: 'crash test', role: 'owner', method: 'token', expiresAt: null },
    drillStartRequestSchema.parse(JSON.parse(process.env.DRILL_START ?? '{}')),
  );
  process.stdout.write(`${JSON.stringify({ runId: run.id, drillId: run.drillId })}\n`);
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  process.stderr.write(`drill crash child failed: ${String(err)}\n`);
  process.exit(1);
});
