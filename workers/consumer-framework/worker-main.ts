/**
 * Process entry shared by the three workers: reads configuration (`--config <json file>` and the
 * environment), applies migrations, ensures topics, runs the projection's consumer loop, and
 * shuts down cleanly on SIGTERM/SIGINT. An unreachable service is reported in one line naming
 * the service, the address and how to start it; the process then exits with code 3 so the
 * supervisor retries with backoff.
 */
import { parseArgs } from 'node:util';
import { loadConfig, type AppConfig } from '../../runtime/config';
import { exitAfterFlush } from '../../runtime/exit';
import {
  batchTimeoutsFromEnv,
  createPool,
  migrate,
  findRepoRoot,
  migrationsDir,
  type BatchTimeouts,
  type Pool,
} from '../../runtime/db';
import { createKafka, ensureTopics, EventPublisher } from '../../runtime/kafka';
import { createLogger, type Logger } from '../../runtime/logger';
import { createRedis, type RedisClient } from '../../runtime/redis';
import { ServiceUnavailableError } from '../../runtime/service-errors';
import { runBatchConsumer, type Projection } from './batch-consumer';
import { CacheWriter } from './cache-writer';
import { backoffDelay, consumerGroup, type TopicNames } from '../../contracts';

/** Exit code meaning "a dependency is down" (the supervisor backs off longer). */
export const EXIT_DEPENDENCY_DOWN = 3;

export interface WorkerContext {
  config: AppConfig;
  pool: Pool;
  redis: RedisClient;
  /** Where the projection's after-commit Redis writes go (off the batch path). */
  cache: CacheWriter;
  log: Logger;
}

/** The worker's usage line (`--help`). */
export const WORKER_USAGE =
  'usage: node out/workers/<worker>.mjs [--config <settings.json>]\n' +
  '  --config FILE  settings file (JSON, the keys of the README configuration); the environment\n' +
  '                 (KAFKA_BROKERS, DATABASE_URL, REDIS_URL, ...) fills in the rest\n' +
  '  --help, -h     this text';

/**
 * The worker's command line: `[--config <json file>] [--help]` (node:util parseArgs, the parser
 * every script uses too).
 * @param args the arguments after the script (`process.argv.slice(2)`)
 * @returns the settings file, if one was named, and whether help was asked for
 * @throws TypeError (from parseArgs) naming an unknown option, a missing value or a positional
 */
export function parseWorkerArgs(args: string[]): { configPath: string | undefined; help: boolean } {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  return { configPath: values.config, help: values.help === true };
}

/**
 * Starts a worker process around a projection factory. Never returns normally; exits the process
 * on fatal errors.
 */
export async function startWorker(
  name: Projection<unknown>['name'],
  makeProjection: (ctx: WorkerContext) => Projection<unknown>,
): Promise<void> {
  let config: AppConfig;
  let timeouts: BatchTimeouts;
  try {
    const { configPath: file, help } = parseWorkerArgs(process.argv.slice(2));
    if (help) {
      process.stdout.write(`${name}: ${WORKER_USAGE}\n`);
      return await exitAfterFlush(0);
    }
    config = file ? loadConfig(process.env, file, {}, true) : loadConfig(process.env);
    timeouts = batchTimeoutsFromEnv(process.env);
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message}\n`);
    return await exitAfterFlush(2);
  }
  const log = createLogger(name, config.logLevel);
  const pool = createPool(config, 6);
  const redis = createRedis(config);
  const cache = new CacheWriter(redis, config.topicPrefix, name, log);
  const kafka = createKafka(config, `sct-${name}`);
  let publisher: EventPublisher | null = null;
  let stop: (() => Promise<void>) | null = null;

  const shutdown = async (code: number) => {
    await stop?.().catch(() => undefined);
    await publisher?.close().catch(() => undefined);
    cache.close();
    redis.disconnect();
    await pool.end().catch(() => undefined);
    return exitAfterFlush(code);
  };
  process.once('SIGTERM', () => void shutdown(0));
  process.once('SIGINT', () => void shutdown(0));
  // Under the headless supervisor (fork, IPC channel) the channel closes when the parent dies,
  // also by SIGKILL, which sends no signal here: exit rather than consume on as an orphan that a
  // restarted console would double (QA). Started on its own there is no channel, nothing to watch.
  // (Electron's utility processes end with the app's main process by themselves.)
  if (process.send) {
    process.once('disconnect', () => {
      log.warn('the supervising process is gone (IPC channel closed): stopping');
      void shutdown(0);
    });
  }

  try {
    const topics = await prepareStorage(config, kafka);
    publisher = new EventPublisher(kafka, topics, config.kafkaBrokers);
    const projection = makeProjection({ config, pool, redis, cache, log });
    if (projection.rebuildCache) cache.start(projection.rebuildCache);
    const handle = await runBatchConsumer(projection, {
      kafka,
      pool,
      publisher,
      topics,
      prefix: config.topicPrefix,
      brokers: config.kafkaBrokers,
      log,
      timeouts,
    });
    stop = handle.stop;
    handle.consumer.on(handle.consumer.events.CRASH, (e) => {
      const restart = (e.payload as { restart?: boolean }).restart;
      log.error({ err: String(e.payload.error) }, 'consumer crashed');
      if (!restart) void shutdown(1);
    });
    log.info({ group: consumerGroup(config.topicPrefix, name) }, 'worker running');
    process.send?.({ type: 'ready', name });
  } catch (err) {
    if (err instanceof ServiceUnavailableError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      await shutdown(EXIT_DEPENDENCY_DOWN);
    }
    log.error({ err: String(err) }, 'worker failed to start');
    await shutdown(1);
  }
}

/**
 * Applies migrations and creates topics. Under the supervisor (an IPC channel is present) an
 * outage throws, the worker exits with code 3 and the supervisor backs off; started on its own,
 * the worker waits for the dependency, retrying with backoff up to 30 s.
 */
async function prepareStorage(config: AppConfig, kafka: ReturnType<typeof createKafka>): Promise<TopicNames> {
  const supervised =
    typeof process.send === 'function' || Boolean((process as { parentPort?: unknown }).parentPort);
  for (let attempt = 1; ; attempt++) {
    // Jittered: standalone workers started together spread their retries.
    const delay = backoffDelay(attempt, { baseMs: 1_000, maxMs: 30_000 });
    try {
      await migrate(config, migrationsDir(findRepoRoot()));
      return await ensureTopics(kafka, config);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableError) || supervised) throw err;
      process.stderr.write(`${err.message} Retrying in ${(delay / 1000).toFixed(1)} s.\n`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
