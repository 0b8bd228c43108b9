/**
 * Consumer lag per worker and partition: the broker's high-water marks against the positions the
 * workers store with their read models (the source of truth for what was applied), and whether a
 * partition is stalled (its batch retried after a lock or statement timeout) and why.
 */
import type { Admin } from 'kafkajs';
import { consumerGroup, topicNames, topicsOf, type PartitionLag, type WorkerHealth } from '../../contracts';
import type { Pool } from '../../runtime/db';

/**
 * Adds lag figures to each worker's health.
 * @param now current time in ms (tests pass a fixed one)
 */
export async function withLag(
  workers: WorkerHealth[],
  pool: Pool,
  admin: Admin,
  prefix: string,
  now = Date.now(),
): Promise<WorkerHealth[]> {
  const topics = topicNames(prefix);
  const watermarks = new Map<string, Map<number, { low: number; high: number }>>();
  for (const topic of [topics.orders, topics.shipments]) {
    const offsets = await admin.fetchTopicOffsets(topic);
    watermarks.set(
      topic,
      new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }])),
    );
  }
  const { rows } = await pool.query<{
    consumer_group: string;
    topic: string;
    kafka_partition: number;
    next_offset: number;
    last_append_time: string | null;
    last_event_time: string | null;
    stalled_since: string | null;
    stall_reason: string | null;
  }>(
    `SELECT consumer_group, topic, kafka_partition, next_offset, last_append_time, last_event_time,
            stalled_since, stall_reason
       FROM consumer_offsets WHERE consumer_group LIKE $1 || '.%'`,
    [prefix],
  );
  return workers.map((w) => {
    const group = consumerGroup(prefix, w.name);
    const partitions: PartitionLag[] = [];
    for (const topic of topicsOf(w.name, topics)) {
      for (const [partition, mark] of watermarks.get(topic) ?? []) {
        const stored = rows.find(
          (r) => r.consumer_group === group && r.topic === topic && r.kafka_partition === partition,
        );
        const nextOffset = Math.max(stored?.next_offset ?? 0, mark.low);
        const lagEvents = Math.max(0, mark.high - nextOffset);
        const appended = stored?.last_append_time ? Date.parse(stored.last_append_time) : null;
        partitions.push({
          topic,
          partition,
          nextOffset,
          highWatermark: mark.high,
          lagEvents,
          lagSeconds: lagEvents === 0 ? 0 : appended === null ? null : Math.max(0, (now - appended) / 1000),
          lastEventTime: stored?.last_event_time ?? null,
          // A stall outlives its cause only until the next commit; caught up means not stalled.
          ...(stored?.stalled_since && lagEvents > 0
            ? { stalledSince: stored.stalled_since, stallReason: stored.stall_reason ?? 'stalled' }
            : {}),
        });
      }
    }
    const times = partitions.map((p) => p.lastEventTime).filter((t): t is string => t !== null);
    const seconds = partitions.map((p) => p.lagSeconds);
    return {
      ...w,
      partitions,
      lagEvents: partitions.reduce((sum, p) => sum + p.lagEvents, 0),
      lagSeconds: seconds.includes(null) ? null : Math.max(0, ...(seconds as number[])),
      lastEventTime: times.length > 0 ? times.reduce((a, b) => (a > b ? a : b)) : null,
    };
  });
}
