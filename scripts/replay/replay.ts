/**
 * Replay: rebuilds every read model from the Kafka topics alone into a fresh PostgreSQL schema,
 * running the same projections and the same exactly-once batch loop as the live workers (but no
 * cache writes, no change notifications, and no second copy of poison in the dead-letter topic).
 * It reads up to the high-water marks taken when it starts, so the result is a snapshot of the
 * topics at that moment.
 */
import { randomBytes } from 'node:crypto';
import { topicNames, workersConsuming } from '../../contracts';
import type { AppConfig } from '../../runtime/config';
import { createPool, migrate, type Pool } from '../../runtime/db';
import { createKafka, EventPublisher } from '../../runtime/kafka';
import type { Logger } from '../../runtime/logger';
import { createRedis } from '../../runtime/redis';
import { analyticsProjection } from '../../workers/analytics-aggregator/projection';
import { orderProjection } from '../../workers/order-processor/projection';
import { shipmentProjection } from '../../workers/shipment-tracker/projection';
import { runBatchConsumer, type Projection } from '../../workers/consumer-framework/batch-consumer';
import { NO_CACHE } from '../../workers/consumer-framework/cache-writer';

export interface ReplayResult {
  /** Schema holding the rebuilt read models. */
  schema: string;
  /** High-water marks replayed up to, per `topic/partition`. */
  watermarks: Record<string, number>;
  /** Messages read per worker (a message is read by each worker that consumes its topic). */
  messages: number;
  durationMs: number;
  /** messages / duration, in events per second. */
  eventsPerSecond: number;
}

/**
 * Rebuilds all read models into a new schema `replay_<time>_<random>`.
 * @param timeoutMs give up (and throw) when the replay has not caught up by then
 * @throws ServiceUnavailableError when Kafka or PostgreSQL is down; Error on timeout
 */
export async function replayIntoFreshSchema(
  config: AppConfig,
  migrationsDir: string,
  log: Logger,
  timeoutMs = 30 * 60_000,
): Promise<ReplayResult> {
  const started = Date.now();
  const schema = `replay_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${randomBytes(3).toString('hex')}`;
  await migrate(config, migrationsDir, schema);
  // 3 consumers (one per projection) x 3 partitions applied concurrently (batch-consumer.ts,
  // partitionsConsumedConcurrently), each batch one transaction = 9, + 1 for the catch-up poll.
  const pool = createPool(config, 10, schema);
  const kafka = createKafka(config, 'sct-replay');
  const topics = topicNames(config.topicPrefix);
  const admin = kafka.admin();
  await admin.connect();
  const watermarks: Record<string, number> = {};
  let total = 0;
  for (const topic of [topics.orders, topics.shipments]) {
    for (const o of await admin.fetchTopicOffsets(topic)) {
      watermarks[`${topic}/${o.partition}`] = Number(o.high);
      // Both the order-processor and the analytics-aggregator read every orders message.
      total += (Number(o.high) - Number(o.low)) * (topic === topics.orders ? 2 : 1);
    }
  }
  const redis = createRedis(config); // never written: the projections' cache steps are removed
  const groupPrefix = `${config.topicPrefix}.${schema}`;
  const publisher = new EventPublisher(kafka, topics, config.kafkaBrokers);
  const withoutCache = <O>(p: Projection<O>): Projection<O> => {
    const { afterCommit: _cache, rebuildCache: _rebuild, ...pipeline } = p;
    return pipeline;
  };
  const projections: Projection<unknown>[] = [
    withoutCache(orderProjection(pool, redis, config.topicPrefix, NO_CACHE)),
    withoutCache(shipmentProjection(pool, redis, config.topicPrefix, NO_CACHE)),
    withoutCache(analyticsProjection(pool, redis, config.topicPrefix, log, NO_CACHE)),
  ];
  const handles = [];
  try {
    for (const projection of projections) {
      handles.push(
        await runBatchConsumer(projection, {
          kafka,
          pool,
          publisher,
          topics,
          prefix: groupPrefix,
          brokers: config.kafkaBrokers,
          log,
          produceDeadLetters: false,
        }),
      );
    }
    const deadline = started + timeoutMs;
    while (!(await caughtUp(pool, groupPrefix, watermarks, topics))) {
      if (Date.now() > deadline) throw new Error(`replay did not catch up within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    for (const h of handles) await h.stop();
    await admin.deleteGroups(projections.map((p) => `${groupPrefix}.${p.name}`)).catch(() => undefined);
    await admin.disconnect();
    await publisher.close();
    redis.disconnect();
    await pool.end();
  }
  const durationMs = Date.now() - started;
  return { schema, watermarks, messages: total, durationMs, eventsPerSecond: total / (durationMs / 1000) };
}

/** True when every replay group's stored position reached the captured high-water marks. */
async function caughtUp(
  pool: Pool,
  groupPrefix: string,
  watermarks: Record<string, number>,
  topics: ReturnType<typeof topicNames>,
): Promise<boolean> {
  const { rows } = await pool.query<{
    consumer_group: string;
    topic: string;
    kafka_partition: number;
    next_offset: number;
  }>(
    'SELECT consumer_group, topic, kafka_partition, next_offset FROM consumer_offsets WHERE consumer_group LIKE $1',
    [`${groupPrefix}.%`],
  );
  const position = (group: string, topic: string, partition: number) =>
    rows.find((r) => r.consumer_group === group && r.topic === topic && r.kafka_partition === partition)
      ?.next_offset ?? 0;
  const readers: Record<string, string[]> = {
    [topics.orders]: workersConsuming('orders'),
    [topics.shipments]: workersConsuming('shipments'),
  };
  return Object.entries(watermarks).every(([key, high]) => {
    const [topic, partition] = [
      key.slice(0, key.lastIndexOf('/')),
      Number(key.slice(key.lastIndexOf('/') + 1)),
    ];
    return (
      high === 0 ||
      (readers[topic] ?? []).every((name) => position(`${groupPrefix}.${name}`, topic, partition) >= high)
    );
  });
}

/** Drops a replay schema and everything in it. */
export async function dropReplaySchema(pool: Pool, schema: string): Promise<void> {
  if (!/^replay_[0-9a-z_]+$/.test(schema)) throw new Error(`not a replay schema: ${schema}`);
  await pool.query(`DROP SCHEMA ${schema} CASCADE`);
}
