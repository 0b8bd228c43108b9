/**
 * The SQL of `consumer_offsets`, where each consumer group's position per partition is stored
 * with its read models (the truth; Kafka's committed offset only mirrors it): reading positions,
 * advancing one inside a batch transaction, and recording a stalled partition.
 */
import type { Pool, PoolClient } from '../../runtime/db';

/** Where a batch ends, as stored when it commits. */
export interface BatchPosition {
  topic: string;
  partition: number;
  lastOffset: number;
  /** Broker append time of the last message (UTC ISO): the base of lag in seconds. */
  lastAppendTime: string;
  /** Event time of the batch's last valid event, null when none is valid. */
  lastEventTime: string | null;
}

/**
 * The stored next offsets of a group's partitions of one topic (partitions without a row are
 * absent: nothing was applied yet).
 * @returns partition -> next offset to apply
 */
export async function readStoredPositions(
  pool: Pool,
  group: string,
  topic: string,
  partitions: number[],
): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ kafka_partition: number; next_offset: number }>(
    'SELECT kafka_partition, next_offset FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = ANY($3::int[])',
    [group, topic, partitions],
  );
  return new Map(rows.map((r) => [r.kafka_partition, r.next_offset]));
}

/**
 * Locks this partition's stored position and moves it past the batch (never backwards), in one
 * round trip once the row exists: the move commits with the batch's read-model writes or not at
 * all. Creates the row (at offset 0) for a partition's first batch. Clears a recorded stall.
 * @returns the stored next offset before this batch (messages below it were applied already)
 */
export async function advancePosition(
  client: PoolClient,
  group: string,
  pos: BatchPosition,
): Promise<number> {
  // The FOR UPDATE subquery locks the row and yields its value before the update (RETURNING
  // alone only has the new one); the advance fields change only when the position moves.
  const advance = () =>
    client.query<{ previous: number }>(
      `UPDATE consumer_offsets c
          SET next_offset = greatest(c.next_offset, $4),
              last_append_time = CASE WHEN $4 > c.next_offset THEN $5::timestamptz ELSE c.last_append_time END,
              last_event_time = CASE WHEN $4 > c.next_offset THEN coalesce($6::timestamptz, c.last_event_time)
                                     ELSE c.last_event_time END,
              stalled_since = NULL,
              stall_reason = NULL,
              updated_at = now()
         FROM (SELECT next_offset FROM consumer_offsets
                WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = $3 FOR UPDATE) old
        WHERE c.consumer_group = $1 AND c.topic = $2 AND c.kafka_partition = $3
        RETURNING old.next_offset AS previous`,
      [group, pos.topic, pos.partition, pos.lastOffset + 1, pos.lastAppendTime, pos.lastEventTime],
    );
  let { rows } = await advance();
  if (!rows[0]) {
    await client.query(
      'INSERT INTO consumer_offsets (consumer_group, topic, kafka_partition, next_offset) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING',
      [group, pos.topic, pos.partition],
    );
    ({ rows } = await advance());
  }
  return rows[0]?.previous ?? 0;
}

/**
 * Records a stalled partition in its stored-position row, creating the row at offset 0 when
 * missing. `stalled_since` keeps the first instant; the next batch that commits clears both
 * ({@link advancePosition}).
 * @param since start of the stall (UTC ISO)
 * @param reason for operators (cut to 500 characters)
 */
export async function recordStall(
  client: PoolClient,
  group: string,
  pos: Pick<BatchPosition, 'topic' | 'partition'>,
  since: string,
  reason: string,
): Promise<void> {
  await client.query(
    `INSERT INTO consumer_offsets (consumer_group, topic, kafka_partition, next_offset, stalled_since, stall_reason)
     VALUES ($1, $2, $3, 0, $4, $5)
     ON CONFLICT (consumer_group, topic, kafka_partition) DO UPDATE
       SET stalled_since = coalesce(consumer_offsets.stalled_since, EXCLUDED.stalled_since),
           stall_reason = EXCLUDED.stall_reason`,
    [group, pos.topic, pos.partition, since, reason.slice(0, 500)],
  );
}
