/**
 * Consumer lag per worker and partition: the broker's high-water marks against the positions the
 * workers store with their read models (the source of truth for what was applied), and whether a
 * partition is stalled (its batch retried after a lock or statement timeout) and why.
 *
 * This module owns the definition of consumer lag (the health API, the drill halt guard, the
 * Pipeline screen and the benchmark all read these figures; nothing else computes them):
 * - **lag in events** (`lagEvents`) = high-water mark - stored next offset: messages appended but
 *   not applied yet.
 * - **lag in seconds** (`lagSeconds`) = the age of the oldest message not applied yet (the one
 *   at the stored next offset): now - the time it was appended, in seconds; 0 when caught up.
 *   Kafka's high-water marks give no append time, so the time the message exists from is the
 *   first time this process saw the partition's high-water mark pass that offset
 *   ({@link HighWatermarkHistory}; resolution: the interval between two health reads, 2 s while
 *   anything polls). It is never more than the time since the last applied message was
 *   appended (`consumer_offsets.last_append_time`: the oldest unapplied message came after it).
 *   When this process never saw the partition at or below that offset (it started while the
 *   partition was behind), that bound is the figure (an upper bound). Null when neither is known.
 *   QA: "seconds since the last applied message was appended" counted an idle period as lag: one
 *   new message after 8 idle minutes read as 480 s behind and halted drills at low rates.
 */
import type { Admin } from 'kafkajs';
import { consumerGroup, topicNames, topicsOf, type PartitionLag, type WorkerHealth } from '../../contracts';
import type { Pool } from '../../runtime/db';

/** One high-water mark as first seen by this process. */
interface Sample {
  /** When it was first seen (ms since the epoch). */
  at: number;
  high: number;
}

/**
 * Most samples kept per partition; beyond, every other one between the first two (the last seen
 * at or below the offset, the first seen above it) and the last is dropped.
 */
const MAX_SAMPLES = 2_048;

/**
 * The high-water marks this process saw per partition, kept only as far back as they can tell
 * the append time of a message not applied yet. In memory, per process: a restart starts afresh.
 */
export class HighWatermarkHistory {
  private readonly byPartition = new Map<string, Sample[]>();

  /**
   * Records `high` as seen at `now` for the partition `key`, and answers since when the message
   * at `offset` (the consumer's next offset) is known to exist.
   * @param key topic and partition (any stable string)
   * @param high the partition's high-water mark now
   * @param offset the next offset the consumer will apply
   * @param now ms since the epoch
   * @returns the first time (ms) a high-water mark above `offset` was seen, when this history
   *   also saw the partition at or below `offset` before (so the message appeared in between);
   *   null when caught up (`high <= offset`) or when the history cannot tell
   */
  seenSince(key: string, high: number, offset: number, now: number): number | null {
    let samples = this.byPartition.get(key);
    const last = samples?.[samples.length - 1];
    // A high-water mark going back: the topic was recreated; nothing seen before applies.
    if (!samples || (last && high < last.high)) {
      samples = [];
      this.byPartition.set(key, samples);
    }
    if (!last || last.high !== high || samples.length === 0) samples.push({ at: now, high });
    // Keep the last sample at or below the offset (the proof the message came later) and what follows.
    let atOrBelow = -1;
    for (let i = 0; i < samples.length && samples[i]!.high <= offset; i++) atOrBelow = i;
    if (atOrBelow > 0) samples.splice(0, atOrBelow);
    if (samples.length > MAX_SAMPLES) {
      const middle = samples.slice(2, -1).filter((_, i) => i % 2 === 1);
      samples.splice(0, samples.length, samples[0]!, samples[1]!, ...middle, samples[samples.length - 1]!);
    }
    if (high <= offset || atOrBelow < 0) return null;
    return samples.find((s) => s.high > offset)!.at;
  }
}

/**
 * Lag in seconds of one partition (see the module comment): 0 when caught up; else now minus
 * the time the oldest unapplied message is known to exist (`seenSince`), capped by the time since
 * the last applied message was appended (`lastAppendMs`); that bound alone when `seenSince` is
 * null; null when both are unknown. Pure.
 * @param lagEvents messages appended but not applied
 * @param seenSince ms, from {@link HighWatermarkHistory.seenSince}
 * @param lastAppendMs broker append time of the last applied message (ms), null when none
 * @param now ms since the epoch
 * @returns seconds, >= 0, or null
 */
export function lagSecondsOf(
  lagEvents: number,
  seenSince: number | null,
  lastAppendMs: number | null,
  now: number,
): number | null {
  if (lagEvents === 0) return 0;
  const bound = lastAppendMs === null ? null : Math.max(0, now - lastAppendMs) / 1000;
  if (seenSince === null) return bound;
  const age = Math.max(0, now - seenSince) / 1000;
  return bound === null ? age : Math.min(age, bound);
}

/**
 * Adds lag figures to each worker's health (definitions: the module comment).
 * @param history the high-water marks this process saw (one per process, kept across calls)
 * @param now current time in ms (tests pass a fixed one)
 */
export async function withLag(
  workers: WorkerHealth[],
  pool: Pool,
  admin: Admin,
  prefix: string,
  history: HighWatermarkHistory,
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
        const seen = history.seenSince(`${group}/${topic}/${partition}`, mark.high, nextOffset, now);
        partitions.push({
          topic,
          partition,
          nextOffset,
          highWatermark: mark.high,
          lagEvents,
          lagSeconds: lagSecondsOf(lagEvents, seen, appended, now),
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
