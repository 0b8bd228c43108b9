/**
 * Where a consumer starts reading a partition: the position stored with the read models, never
 * Kafka's committed offset (a mirror that a database restore or a slow seek can leave ahead).
 */
import type { Consumer, Kafka } from 'kafkajs';
import type { Pool } from '../../runtime/db';
import { readStoredPositions } from './stored-positions';

/**
 * On assignment: seek each partition to the position stored with the read models, or to the
 * start of the partition when none is stored (new or restored database), never below the
 * partition's low watermark.
 * @param assignment topic -> partitions assigned to this member
 * @throws the admin client's or the pool's error (the caller logs it: the in-batch check still applies)
 */
export async function seekToStored(
  consumer: Consumer,
  kafka: Kafka,
  pool: Pool,
  group: string,
  assignment: Record<string, number[]>,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const [topic, partitions] of Object.entries(assignment)) {
      const stored = await readStoredPositions(pool, group, topic, partitions);
      const lows = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.low)]));
      for (const partition of partitions) {
        const next = stored.get(partition) ?? 0;
        consumer.seek({ topic, partition, offset: String(Math.max(next, lows.get(partition) ?? 0)) });
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * A fetch can start past the stored position (Kafka's committed offset is only a mirror: after a
 * database restore, or before the seek on assignment took effect, it can be ahead). Such a batch
 * is applied only when the missing offsets were deleted by retention (nothing left to read).
 * @returns true when the offsets from `stored` on were deleted by retention (stored < low watermark)
 */
export async function gapDeletedByRetention(
  kafka: Kafka,
  topic: string,
  partition: number,
  stored: number,
): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const low = Number(
      (await admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition)?.low ?? 0,
    );
    return stored < low;
  } finally {
    await admin.disconnect();
  }
}
