/**
 * This machine's limits, measured with the pipeline's own client libraries and payloads:
 * - Kafka produce: kafkajs, the pipeline's serialized events (key, JSON value, ce_* headers),
 *   acks=all, 1,000 messages per request, several requests in flight (the best this client does);
 *   plus the API publisher's configuration (idempotent, one request in flight) for reference;
 * - Kafka consume: a kafkajs consumer group that only counts the messages (same fetch settings as
 *   the workers);
 * - PostgreSQL batched upserts of `orders` rows, one transaction per 1,000 rows, with the workers'
 *   own statement (`upsertRows`: json_populate_recordset + ON CONFLICT) on a durable (logged)
 *   copy of the `orders` table with its indexes.
 */
import { Partitioners, type Kafka } from 'kafkajs';
import type { OrderEvent, SupplyChainEvent } from '../../contracts';
import { entityOfType } from '../../contracts';
import { withTransaction, type Pool } from '../../runtime/db';
import { toKafkaMessage } from '../../runtime/kafka';
import { applyOrderEvent, type OrderState } from '../../workers/order-processor/order-state';
import { upsertRows } from '../../workers/consumer-framework/rows';
import { nowMs, runLimited } from './stats';

export interface RateResult {
  count: number;
  seconds: number;
  perSecond: number;
}

const rate = (count: number, ms: number): RateResult => ({
  count,
  seconds: ms / 1000,
  perSecond: count / (ms / 1000),
});

/** Kafka messages exactly as the pipeline produces them. */
export function kafkaMessagesOf(events: readonly SupplyChainEvent[]) {
  return events.map((e) => toKafkaMessage(e));
}

/**
 * Produces `messages` to `topic` in requests of `batchSize`, `inFlight` requests at a time.
 * @param idempotent the API publisher's setting (then one request in flight, as it configures)
 */
export async function produceRate(
  kafka: Kafka,
  topic: string,
  messages: ReturnType<typeof kafkaMessagesOf>,
  opts: { batchSize: number; inFlight: number; idempotent: boolean },
): Promise<RateResult> {
  const producer = kafka.producer({
    idempotent: opts.idempotent,
    ...(opts.idempotent ? { maxInFlightRequests: 1 } : {}),
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    const chunks: (typeof messages)[] = [];
    for (let i = 0; i < messages.length; i += opts.batchSize)
      chunks.push(messages.slice(i, i + opts.batchSize));
    // Warm-up requests (metadata, connections, JIT): not timed.
    for (const chunk of chunks.splice(0, Math.min(5, chunks.length - 1)))
      await producer.send({ topic, acks: -1, messages: chunk });
    const count = chunks.reduce((n, c) => n + c.length, 0);
    const t0 = nowMs();
    await runLimited(chunks, opts.inFlight, async (chunk) => {
      await producer.send({ topic, acks: -1, timeout: 30_000, messages: chunk });
    });
    return rate(count, nowMs() - t0);
  } finally {
    await producer.disconnect();
  }
}

/**
 * Reads `expected` messages of `topic` from the beginning with a fresh consumer group that only
 * counts them. Timed from the first delivered batch to the last (group join excluded).
 */
export async function consumeRate(
  kafka: Kafka,
  topic: string,
  groupId: string,
  expected: number,
): Promise<RateResult> {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxBytesPerPartition: 1_048_576,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let count = 0;
    let first = 0;
    let last = 0;
    const done = new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(
        () => reject(new Error(`consumed ${count}/${expected} messages in 120 s`)),
        120_000,
      );
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (first === 0) first = nowMs();
          count += batch.messages.length;
          last = nowMs();
          if (count >= expected) {
            clearTimeout(timeout);
            resolve();
          }
        },
      });
    });
    await done;
    return rate(count, last - first);
  } finally {
    await consumer.disconnect();
  }
}

/** Final `orders` rows of the events (the order-processor's pure fold), one per order. */
export function orderRowsOf(events: readonly SupplyChainEvent[]): Record<string, unknown>[] {
  const states = new Map<string, OrderState>();
  for (const e of events) {
    if (entityOfType(e.type) !== 'order') continue;
    states.set(e.subject, applyOrderEvent(states.get(e.subject), e as OrderEvent));
  }
  return [...states.values()].map((s) => ({ ...s.row }));
}

/**
 * Batched upserts of `orders` rows into a durable copy of `orders` (same columns, defaults and
 * indexes), `batchSize` rows per transaction, one connection: first every row as an insert, then
 * `updatePasses` passes of updates of the same rows (the pipeline's mix: an order is inserted once
 * and updated by each later event).
 */
export async function pgUpsertRate(
  pool: Pool,
  rows: Record<string, unknown>[],
  opts: { batchSize: number; updatePasses: number },
): Promise<{ all: RateResult; inserts: RateResult; updates: RateResult; table: string }> {
  const table = 'bench_limit_orders';
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.query(`CREATE TABLE ${table} (LIKE orders INCLUDING ALL)`);
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < rows.length; i += opts.batchSize) chunks.push(rows.slice(i, i + opts.batchSize));
  const pass = async (mutate: (row: Record<string, unknown>) => Record<string, unknown>) => {
    const t0 = nowMs();
    for (const chunk of chunks) {
      const batch = chunk.map(mutate);
      await withTransaction(pool, (client) =>
        upsertRows(client, { table, keyColumns: ['order_id'], rows: batch }),
      );
    }
    return nowMs() - t0;
  };
  const insertMs = await pass((r) => r);
  let updateMs = 0;
  for (let p = 1; p <= opts.updatePasses; p++) {
    updateMs += await pass((r) => ({ ...r, event_count: Number(r.event_count) + p }));
  }
  const updates = rows.length * opts.updatePasses;
  return {
    table,
    inserts: rate(rows.length, insertMs),
    updates: rate(updates, updateMs),
    all: rate(rows.length + updates, insertMs + updateMs),
  };
}
