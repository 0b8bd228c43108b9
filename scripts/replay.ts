/**
 * `npm run replay [-- --keep] [--no-check]`: rebuilds every read model from the Kafka topics into
 * a fresh schema, then runs the drift check (live PostgreSQL vs. the replay vs. the Redis cache),
 * prints the report, stores it (the console shows the latest), and drops the replay schema
 * unless `--keep`. Exit code: 0 no drift, 1 drift found, 2 bad options, 3 a service is down.
 */
import { loadConfig } from '../runtime/config';
import { createPool, findRepoRoot, migrate, migrationsDir } from '../runtime/db';
import { createLogger } from '../runtime/logger';
import { createRedis } from '../runtime/redis';
import { ServiceUnavailableError } from '../runtime/service-errors';
import { parseCliOrExit, runCliMain, type CliDefinition, type OptionSpec } from './cli';
import { checkDrift } from './replay/drift';
import { dropReplaySchema, replayIntoFreshSchema } from './replay/replay';

const REPLAY_USAGE = 'usage: npm run replay [-- --keep] [--no-check] [--help]';

const REPLAY_CLI = {
  name: 'replay',
  usage: REPLAY_USAGE,
  help: `${REPLAY_USAGE}

Rebuilds every read model from the Kafka topics into a fresh schema, then compares it with the
live read models and the Redis cache (the drift check) and stores the report.

options:
  --keep        keep the replay schema afterwards (dropped by default)
  --no-check    replay only, no drift check
  -h, --help    show this help

environment: KAFKA_BROKERS, SCT_TOPIC_PREFIX, DATABASE_URL, REDIS_URL (see runtime/config.ts).
exit codes: 0 no drift, 1 drift found, 2 bad options, 3 a service is down.`,
  options: {
    keep: { type: 'boolean' },
    'no-check': { type: 'boolean' },
  },
} satisfies CliDefinition<OptionSpec>;

async function main(): Promise<number> {
  const { values: args } = parseCliOrExit(process.argv.slice(2), REPLAY_CLI);
  const config = loadConfig();
  const log = createLogger('replay', 'warn');
  const dir = migrationsDir(findRepoRoot());
  await migrate(config, dir); // the live schema must exist (drift_checks lives there)
  const started = new Date();
  console.log(
    `Replaying topics ${config.topicPrefix}.orders and ${config.topicPrefix}.shipments into a fresh schema...`,
  );
  const replay = await replayIntoFreshSchema(config, dir, log);
  console.log(
    `replayed ${replay.messages} messages into ${replay.schema} in ${(replay.durationMs / 1000).toFixed(1)} s (${Math.round(replay.eventsPerSecond)} events/s)`,
  );
  let code = 0;
  if (!args['no-check']) {
    const redis = createRedis(config);
    await new Promise((r) => setTimeout(r, 300)); // let the cache client connect
    try {
      const report = await checkDrift(config, redis, replay, started);
      for (const t of report.tables) {
        console.log(
          `${t.table.padEnd(22)} ${t.differingKeys === 0 ? 'same' : `${t.differingKeys} entities differ, e.g. ${t.sampleKeys.join(', ')}`}`,
        );
      }
      console.log(
        `${'KPI totals'.padEnd(22)} ${report.kpiDifferences.length === 0 ? 'same' : `differ: ${report.kpiDifferences.join(', ')}`}`,
      );
      console.log(
        `${'Redis cache'.padEnd(22)} ${report.redis.checked} entries checked, ${report.redis.stale} stale${report.redis.stale ? `, e.g. ${report.redis.sampleKeys.join(', ')}` : ''}`,
      );
      if (report.streamMoved)
        console.log(
          'note: live traffic moved past the replayed positions during the check; differences may be that traffic',
        );
      console.log(`drift check #${report.id}: ${report.ok ? 'NO DRIFT' : 'DRIFT FOUND'}`);
      code = report.ok ? 0 : 1;
    } finally {
      redis.disconnect();
    }
  }
  if (!args.keep) {
    const pool = createPool(config, 1);
    await dropReplaySchema(pool, replay.schema).finally(() => pool.end());
  } else {
    console.log(`kept schema ${replay.schema}`);
  }
  return code;
}

runCliMain('replay', () => main(), {
  known: (err) => ({ code: err instanceof ServiceUnavailableError ? 3 : 1, message: (err as Error).message }),
});
