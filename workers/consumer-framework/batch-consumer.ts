/**
 * The exactly-once-effect consumer loop shared by every worker (transport facade + idempotent
 * handler in one transaction, after the Debezium outbox example). This module is its public
 * entry: {@link runBatchConsumer} and the {@link Projection} a worker plugs in.
 *
 * For each polled batch (one topic-partition), in ONE PostgreSQL transaction:
 *  1. lock this group's stored position for the partition and move it past the batch; skip
 *     messages below the old position (redelivery after a crash or a rebalance); a batch that
 *     starts past it rolls back and seeks back instead;
 *  2. claim the event ids (in the projection's history table, else `applied_events`); ids
 *     claimed before are duplicates and skipped;
 *  3. let the projection apply the new events to its read models;
 *  4. park poison messages (invalid JSON or schema) in `dead_letters` (they were first produced to
 *     the dead-letter topic, acks=all, so they are never dropped).
 * After the commit the projection may write Redis, and the offset is mirrored to Kafka within 5 s
 * (for lag tools: the stored position wins). Kafka delivers at least once; the read models see each event once.
 *
 * Every statement of a batch is bounded (`lock_timeout`, `statement_timeout`). A batch that hits a
 * bound (a row locked by another session) must not hold up the other partitions: kafkajs fetches
 * the next round from a broker only when every batch of the last one is handled. So the partition
 * is paused, recorded as stalled (`consumer_offsets.stalled_since/stall_reason`, shown by the
 * health API), and the batch is retried with backoff off the fetch path; the other partitions go
 * on, and the member keeps heartbeating (during long work too) so it stays in its group.
 *
 * Where each part lives (all in this folder):
 * - `projection.ts`: what a worker plugs in; `record-decoding.ts`: Kafka record -> event or poison;
 * - `batch-loop.ts`: one batch from decoding to commit, its retries and heartbeats;
 * - `apply-batch.ts`: the batch transaction (steps 1-4) and the after-commit steps;
 * - `claim-events.ts`: step 2; `stored-positions.ts`: the SQL of `consumer_offsets`;
 * - `dead-letters.ts`: the dead-letter topic and table; `stalled-partition.ts`: pause, record, retry;
 * - `partition-seek.ts`: where a partition is read from; `retry-policy.ts`: backoff;
 * - `offset-mirror.ts`: Kafka's committed offsets, off the batch path.
 */
import type { Consumer } from 'kafkajs';
import { consumerGroup } from '../../contracts';
import { DEFAULT_BATCH_TIMEOUTS } from '../../runtime/db';
import { connectOrExplain } from '../../runtime/kafka';
import { handleBatch, HEARTBEAT_INTERVAL_MS } from './batch-loop';
import type { BatchConsumerOptions, ConsumerContext } from './consumer-context';
import { OffsetMirror } from './offset-mirror';
import { seekToStored } from './partition-seek';
import type { Projection } from './projection';
import { DEFAULT_RETRY } from './retry-policy';

export type { BatchConsumerOptions } from './consumer-context';
export { firstOccurrences, type ConsumedEvent, type Projection } from './projection';
export { decodeMessage } from './record-decoding';
export type { RetryPolicy } from './retry-policy';

/**
 * Runs a projection as a consumer group member until `stop()` is called.
 * @returns a handle whose `stop()` disconnects cleanly
 * @throws ServiceUnavailableError when Kafka is unreachable at start
 */
export async function runBatchConsumer<O, S>(
  projection: Projection<O, S>,
  opts: BatchConsumerOptions,
): Promise<{ stop(): Promise<void>; consumer: Consumer }> {
  const group = consumerGroup(opts.prefix, projection.name);
  const consumer = opts.kafka.consumer({
    groupId: group,
    // A SIGKILLed member holds its partitions until the session times out: keep that short.
    sessionTimeout: 10_000,
    heartbeatInterval: HEARTBEAT_INTERVAL_MS,
    maxBytesPerPartition: 1_048_576,
    ...(projection.fetch ?? {}),
    retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
  });
  await connectOrExplain(consumer, opts.brokers);
  for (const topic of projection.topics(opts.topics))
    await consumer.subscribe({ topic, fromBeginning: true });

  // Kafka's committed offsets only mirror the stored positions: committed every 5 s, off the batch path.
  const mirror = new OffsetMirror((offsets) => consumer.commitOffsets(offsets), opts.log);
  const ctx: ConsumerContext<O, S> = {
    projection,
    opts,
    group,
    consumer,
    mirror,
    retry: opts.retry ?? DEFAULT_RETRY,
    timeouts: opts.timeouts ?? DEFAULT_BATCH_TIMEOUTS,
    assigned: new Set(),
    stalled: new Set(),
    stopped: false,
  };

  // On assignment, resume from the positions stored with the read models.
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const assignment = e.payload.memberAssignment as Record<string, number[]>;
    ctx.assigned = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => `${t}/${p}`)));
    void seekToStored(consumer, opts.kafka, opts.pool, group, assignment).catch((err: unknown) =>
      opts.log.warn(
        { err: String(err) },
        'could not seek to stored positions; in-batch position check still applies',
      ),
    );
  });

  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    // Partitions are independent (own transaction, own stored position, disjoint entities).
    partitionsConsumedConcurrently: 3,
    eachBatch: async (payload) => handleBatch(ctx, payload),
  });
  return {
    consumer,
    stop: async () => {
      ctx.stopped = true;
      await mirror.close();
      await consumer.disconnect().catch(() => undefined);
    },
  };
}
