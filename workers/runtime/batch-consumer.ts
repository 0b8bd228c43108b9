/**
 * The exactly-once-effect consumer loop shared by every worker (transport facade + idempotent
 * handler in one transaction, after the Debezium outbox example).
 *
 * For each polled batch (one topic-partition), in ONE PostgreSQL transaction:
 *  1. lock this group's stored position for the partition and skip messages below it
 *     (redelivery after a crash or a rebalance);
 *  2. record the event ids in `applied_events`; ids already there are duplicates and skipped;
 *  3. let the projection apply the new events to its read models;
 *  4. park poison messages (invalid JSON or schema) in `dead_letters` (they were first produced to
 *     the dead-letter topic, acks=all, so they are never dropped);
 *  5. store the next offset.
 * After the commit: Kafka offsets are committed (best effort: the stored position wins) and the
 * projection may write Redis. Kafka delivers at least once; the read models see each event once.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { HEADERS, validateEvent, type SupplyChainEvent, type TopicNames } from '../../contracts';
import { connectOrExplain, EventPublisher } from '../../runtime/kafka';
import { withTransaction, type Pool, type PoolClient } from '../../runtime/db';
import type { Logger } from '../../runtime/logger';

/** An event with where it was read from. */
export interface ConsumedEvent {
  event: SupplyChainEvent;
  topic: string;
  partition: number;
  offset: number;
}

/** What a worker plugs into the loop. */
export interface Projection<Outcome> {
  /** Worker name; the consumer group is `<prefix>.<name>`. */
  readonly name: 'order-processor' | 'shipment-tracker' | 'analytics-aggregator';
  /** Topics it consumes. */
  topics(topics: TopicNames): string[];
  /**
   * Applies new events (never seen before by this group, in partition order) inside the batch
   * transaction. Must only use `client`. Throwing rolls the whole batch back.
   */
  apply(client: PoolClient, events: ConsumedEvent[]): Promise<Outcome>;
  /** Runs after the commit (Redis cache, change notifications). Errors are logged, not retried. */
  afterCommit?(outcome: Outcome): Promise<void>;
}

/** A message that cannot be applied, as parked in the dead-letter topic and table. */
export interface PoisonMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string;
  error: string;
  eventId: string | null;
  eventType: string | null;
}

export interface BatchConsumerOptions {
  kafka: Kafka;
  pool: Pool;
  publisher: EventPublisher;
  topics: TopicNames;
  prefix: string;
  brokers: string[];
  log: Logger;
}

/** Parses and validates one Kafka message; returns the event or the reason it is poison. */
export function decodeMessage(
  message: KafkaMessage,
): { event: SupplyChainEvent } | { error: string; eventId: string | null; eventType: string | null } {
  const text = message.value?.toString('utf8') ?? '';
  const headerId = message.headers?.[HEADERS.id]?.toString() ?? null;
  const headerType = message.headers?.[HEADERS.type]?.toString() ?? null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return {
      error: `value is not JSON: ${(err as Error).message}`,
      eventId: headerId,
      eventType: headerType,
    };
  }
  const result = validateEvent(json);
  if (result.ok) return { event: result.event };
  const detail = result.issues.map((i) => `${i.field}: ${i.rule} (${i.message})`).join('; ');
  return { error: `schema validation failed: ${detail}`, eventId: headerId, eventType: headerType };
}

/**
 * Runs a projection as a consumer group member until `stop()` is called.
 * @returns a handle whose `stop()` disconnects cleanly
 * @throws ServiceUnavailableError when Kafka is unreachable at start
 */
export async function runBatchConsumer<O>(
  projection: Projection<O>,
  opts: BatchConsumerOptions,
): Promise<{ stop(): Promise<void>; consumer: Consumer }> {
  const group = `${opts.prefix}.${projection.name}`;
  const consumer = opts.kafka.consumer({
    groupId: group,
    // A SIGKILLed member holds its partitions until the session times out: keep that short.
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxBytesPerPartition: 1_048_576,
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
  await connectOrExplain(consumer, opts.brokers);
  for (const topic of projection.topics(opts.topics))
    await consumer.subscribe({ topic, fromBeginning: true });

  // On assignment, resume from the positions stored with the read models.
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const assignment = e.payload.memberAssignment as Record<string, number[]>;
    void seekToStored(consumer, opts.pool, group, assignment).catch((err: unknown) =>
      opts.log.warn(
        { err: String(err) },
        'could not seek to stored positions; in-batch position check still applies',
      ),
    );
  });

  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async (payload) => handleBatch(projection, opts, group, payload, consumer),
  });
  return {
    consumer,
    stop: async () => {
      await consumer.disconnect().catch(() => undefined);
    },
  };
}

async function seekToStored(
  consumer: Consumer,
  pool: Pool,
  group: string,
  assignment: Record<string, number[]>,
): Promise<void> {
  for (const [topic, partitions] of Object.entries(assignment)) {
    const { rows } = await pool.query<{ kafka_partition: number; next_offset: number }>(
      'SELECT kafka_partition, next_offset FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = ANY($3::int[])',
      [group, topic, partitions],
    );
    for (const row of rows)
      consumer.seek({ topic, partition: row.kafka_partition, offset: String(row.next_offset) });
  }
}

async function handleBatch<O>(
  projection: Projection<O>,
  opts: BatchConsumerOptions,
  group: string,
  payload: EachBatchPayload,
  consumer: Consumer,
): Promise<void> {
  const { batch } = payload;
  if (batch.messages.length === 0) return;
  const topic = batch.topic;
  const partition = batch.partition;

  // Decode outside the transaction; poison goes to the dead-letter topic first (acks=all).
  const decoded = batch.messages.map((message) => ({ message, result: decodeMessage(message) }));
  const poison: PoisonMessage[] = [];
  for (const { message, result } of decoded) {
    if ('error' in result) {
      poison.push({
        topic,
        partition,
        offset: Number(message.offset),
        key: message.key?.toString('utf8') ?? null,
        payload: message.value?.toString('utf8') ?? '',
        error: result.error,
        eventId: result.eventId,
        eventType: result.eventType,
      });
    }
  }
  if (poison.length > 0) await produceDeadLetters(opts, group, poison);

  const lastOffset = Number(batch.messages[batch.messages.length - 1]!.offset);
  const outcome = await withTransaction(opts.pool, async (client) => {
    const nextStored = await lockPosition(client, group, topic, partition);
    const fresh: ConsumedEvent[] = [];
    for (const { message, result } of decoded) {
      const offset = Number(message.offset);
      if (offset < nextStored || 'error' in result) continue;
      fresh.push({ event: result.event, topic, partition, offset });
    }
    const newIds = await recordApplied(
      client,
      group,
      fresh.map((c) => c.event.id),
    );
    const seen = new Set<string>();
    const toApply = fresh.filter((c) => {
      if (!newIds.has(c.event.id) || seen.has(c.event.id)) return false;
      seen.add(c.event.id);
      return true;
    });
    const result = toApply.length > 0 ? await projection.apply(client, toApply) : null;
    const freshPoison = poison.filter((p) => p.offset >= nextStored);
    if (freshPoison.length > 0) await parkDeadLetters(client, group, freshPoison);
    if (lastOffset + 1 > nextStored) {
      await client.query(
        'UPDATE consumer_offsets SET next_offset = $4, updated_at = now() WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = $3',
        [group, topic, partition, lastOffset + 1],
      );
    }
    return result;
  });

  payload.resolveOffset(String(lastOffset));
  // Mirror the position in Kafka too (lag tools read it); the stored position stays the truth.
  await consumer
    .commitOffsets([{ topic, partition, offset: String(lastOffset + 1) }])
    .catch((err: unknown) =>
      opts.log.debug({ err: String(err) }, 'kafka offset commit failed; stored position wins'),
    );
  await payload.heartbeat().catch(() => undefined);
  if (outcome !== null && projection.afterCommit) {
    await projection
      .afterCommit(outcome)
      .catch((err: unknown) => opts.log.warn({ err: String(err) }, 'after-commit step failed (cache only)'));
  }
}

/** Locks (creating if needed) the stored position row; returns the next offset to apply. */
async function lockPosition(
  client: PoolClient,
  group: string,
  topic: string,
  partition: number,
): Promise<number> {
  await client.query(
    'INSERT INTO consumer_offsets (consumer_group, topic, kafka_partition, next_offset) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING',
    [group, topic, partition],
  );
  const { rows } = await client.query<{ next_offset: number }>(
    'SELECT next_offset FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = $3 FOR UPDATE',
    [group, topic, partition],
  );
  return rows[0]?.next_offset ?? 0;
}

/** Inserts event ids; returns the ids that were new for this group. */
async function recordApplied(client: PoolClient, group: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await client.query<{ event_id: string }>(
    `INSERT INTO applied_events (consumer_group, event_id)
     SELECT $1, id FROM unnest($2::uuid[]) AS id
     ON CONFLICT DO NOTHING RETURNING event_id`,
    [group, ids],
  );
  return new Set(rows.map((r) => r.event_id));
}

async function produceDeadLetters(
  opts: BatchConsumerOptions,
  group: string,
  poison: PoisonMessage[],
): Promise<void> {
  await opts.publisher.publishRaw(
    opts.topics.deadLetter,
    poison.map((p) => ({
      key: p.key,
      value: p.payload,
      headers: {
        dlq_error: p.error.slice(0, 2000),
        dlq_source_topic: p.topic,
        dlq_source_partition: String(p.partition),
        dlq_source_offset: String(p.offset),
        dlq_consumer_group: group,
      },
    })),
  );
  opts.log.warn(
    { count: poison.length, first: poison[0]?.error },
    'poison events sent to the dead-letter topic',
  );
}

async function parkDeadLetters(client: PoolClient, group: string, poison: PoisonMessage[]): Promise<void> {
  await client.query(
    `INSERT INTO dead_letters (source_topic, source_partition, source_offset, consumer_group, event_id, event_type, error, payload)
     SELECT * FROM json_to_recordset($1::json) AS x(source_topic text, source_partition int, source_offset bigint,
       consumer_group text, event_id text, event_type text, error text, payload text)
     ON CONFLICT DO NOTHING`,
    [
      JSON.stringify(
        poison.map((p) => ({
          source_topic: p.topic,
          source_partition: p.partition,
          source_offset: p.offset,
          consumer_group: group,
          event_id: p.eventId,
          event_type: p.eventType,
          error: p.error,
          payload: p.payload,
        })),
      ),
    ],
  );
}
