/**
 * The exactly-once-effect consumer loop shared by every worker (transport facade + idempotent
 * handler in one transaction, after the Debezium outbox example).
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
 */
import type { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import {
  backoffDelay,
  consumerGroup,
  DEAD_LETTER_HEADERS,
  topicForType,
  type SupplyChainEvent,
  type TopicNames,
  type WorkerName,
} from '../../contracts';
import { decodeRecord, headersAsText, recordPayload } from '../../runtime/cloudevents-kafka';
import { connectOrExplain, EventPublisher } from '../../runtime/kafka';
import {
  classifyPgError,
  DEFAULT_BATCH_TIMEOUTS,
  setLocalTimeouts,
  withTransaction,
  type BatchTimeouts,
  type Pool,
  type PoolClient,
} from '../../runtime/db';
import type { Logger } from '../../runtime/logger';
import { OffsetMirror } from './offset-mirror';

/** An event with where it was read from. */
export interface ConsumedEvent {
  event: SupplyChainEvent;
  topic: string;
  partition: number;
  offset: number;
}

/** What a worker plugs into the loop. `State` is what its claim loads for `apply` (if anything). */
export interface Projection<Outcome, State = unknown> {
  /** Worker name; the consumer group is `<prefix>.<name>`. */
  readonly name: WorkerName;
  /** Topics it consumes. */
  topics(topics: TopicNames): string[];
  /**
   * Applies new events (never seen before by this group, in partition order) inside the batch
   * transaction. Must only use `client`. Throwing rolls the whole batch back.
   * @param claimed what {@link Projection.claim} loaded, when the projection has a claim
   */
  apply(client: PoolClient, events: ConsumedEvent[], claimed?: State): Promise<Outcome>;
  /**
   * The idempotency check, when the projection keeps a history keyed by event id: inserts the
   * events' history rows that are new (inside the batch transaction) and returns the events that
   * were new, first occurrence of an id only, in order, with whatever state `apply` needs (loaded
   * in the same statement: one round trip). Without it the loop records the ids in
   * `applied_events`. Either way an id is applied once per consumer group.
   */
  claim?(client: PoolClient, events: ConsumedEvent[]): Promise<{ events: ConsumedEvent[]; state: State }>;
  /** Runs after the commit (Redis cache, change notifications). Errors are logged, not retried. */
  afterCommit?(outcome: Outcome): Promise<void>;
  /** Rewrites this worker's Redis entries from PostgreSQL (called on every Redis (re)connect). */
  rebuildCache?(): Promise<number>;
  /**
   * Fetch accumulation for a worker whose output need not be instant: the broker answers a fetch
   * once `minBytes` are there or after `maxWaitTimeInMs` (ms). Fewer, fuller batches mean fewer
   * transactions on shared cores. Default: answer as soon as one message is there.
   */
  readonly fetch?: { minBytes: number; maxWaitTimeInMs: number };
}

/** A message that cannot be applied, as parked in the dead-letter topic and table. */
export interface PoisonMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  /** The event as parked in `dead_letters` (a binary-mode record rebuilt as structured JSON). */
  payload: string;
  /** The record's value and headers as read, copied onto the dead-letter record. */
  value: string;
  headers: Record<string, string>;
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
  retry?: RetryPolicy;
  /** Bounds of each batch statement (ms); default {@link DEFAULT_BATCH_TIMEOUTS}. */
  timeouts?: BatchTimeouts;
  /** False in replays: poison is parked in the table only, not sent to the dead-letter topic again. */
  produceDeadLetters?: boolean;
}

/**
 * Reads and validates one Kafka message (structured or binary CloudEvents content mode, or a
 * record written before the binding; see `runtime/cloudevents-kafka.ts`) and checks that the
 * event belongs on the topic it was read from.
 * @returns the event, or the reason it is poison with the event id and type when known
 */
export function decodeMessage(
  message: KafkaMessage,
  topic?: string,
  topics?: TopicNames,
): { event: SupplyChainEvent } | { error: string; eventId: string | null; eventType: string | null } {
  const result = decodeRecord(message);
  if (!result.ok) return { error: result.error, eventId: result.eventId, eventType: result.eventType };
  // A valid event on the wrong topic (a producer bug) would corrupt the other entity's model.
  if (topic && topics && topicForType(topics, result.event.type) !== topic) {
    return {
      error: `event type ${result.event.type} does not belong on topic ${topic} (expected ${topicForType(topics, result.event.type)})`,
      eventId: result.event.id,
      eventType: result.event.type,
    };
  }
  return { event: result.event };
}

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

/** kafkajs heartbeat interval (ms); also how often a long batch heartbeats while it works. */
const HEARTBEAT_INTERVAL_MS = 1_000;

/** What the batches of one consumer share. */
interface ConsumerContext<O, S> {
  projection: Projection<O, S>;
  opts: BatchConsumerOptions;
  group: string;
  consumer: Consumer;
  mirror: OffsetMirror;
  retry: RetryPolicy;
  timeouts: BatchTimeouts;
  /** `topic/partition` of the partitions assigned in the current generation. */
  assigned: Set<string>;
  /** `topic/partition` of the partitions paused while their stalled batch is retried. */
  stalled: Set<string>;
  stopped: boolean;
}

/** A polled batch, decoded (schema poison already sent to the dead-letter topic). */
interface PreparedBatch {
  decoded: { message: KafkaMessage; result: ReturnType<typeof decodeMessage> }[];
  invalid: PoisonMessage[];
  position: BatchPosition;
  firstOffset: number;
}

/**
 * On assignment: seek each partition to the position stored with the read models, or to the
 * start of the partition when none is stored (new or restored database). Kafka's own committed
 * offset is never trusted to be the truth.
 */
async function seekToStored(
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
      const { rows } = await pool.query<{ kafka_partition: number; next_offset: number }>(
        'SELECT kafka_partition, next_offset FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = ANY($3::int[])',
        [group, topic, partitions],
      );
      const lows = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.low)]));
      for (const partition of partitions) {
        const stored = rows.find((r) => r.kafka_partition === partition)?.next_offset ?? 0;
        consumer.seek({ topic, partition, offset: String(Math.max(stored, lows.get(partition) ?? 0)) });
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** Retry policy of a batch (ms). Handler errors: bounded; dependency outages: until it returns. */
export interface RetryPolicy {
  /** Failed attempts of a whole batch before its events are applied one by one (poison isolation). */
  handlerAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { handlerAttempts: 3, baseBackoffMs: 200, maxBackoffMs: 5_000 };

/** Delay before retry `attempt` (1-based) of a batch: the project's one backoff (contracts/backoff.ts), jittered. */
function retryDelay(ctx: { retry: RetryPolicy }, attempt: number): number {
  return backoffDelay(attempt, { baseMs: ctx.retry.baseBackoffMs, maxMs: ctx.retry.maxBackoffMs });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Decodes a batch; schema poison goes to the dead-letter topic first (acks=all). */
async function prepareBatch(opts: BatchConsumerOptions, group: string, batch: Batch): Promise<PreparedBatch> {
  const { topic, partition } = batch;
  const decoded = batch.messages.map((message) => ({
    message,
    result: decodeMessage(message, topic, opts.topics),
  }));
  const invalid: PoisonMessage[] = [];
  for (const { message, result } of decoded) {
    if ('error' in result)
      invalid.push(poisonOf(topic, partition, message, result.error, result.eventId, result.eventType));
  }
  if (invalid.length > 0) await produceDeadLetters(opts, group, invalid);
  const last = batch.messages[batch.messages.length - 1]!;
  let lastEventTime: string | null = null;
  for (const { result } of decoded) if ('event' in result) lastEventTime = result.event.time;
  return {
    decoded,
    invalid,
    firstOffset: Number(batch.messages[0]!.offset),
    position: {
      topic,
      partition,
      lastOffset: Number(last.offset),
      lastAppendTime: new Date(Number(last.timestamp)).toISOString(),
      lastEventTime,
    },
  };
}

/**
 * Runs `work` while heartbeating every {@link HEARTBEAT_INTERVAL_MS}, so a batch that takes long
 * (a lock wait, a slow statement, up to `statement_timeout`) does not let the session expire.
 * Heartbeat errors (a rebalance began) are left to the loop's own heartbeat after the work.
 */
async function withHeartbeats<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_INTERVAL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

async function handleBatch<O, S>(ctx: ConsumerContext<O, S>, payload: EachBatchPayload): Promise<void> {
  const { batch } = payload;
  if (batch.messages.length === 0) return;
  const { opts, consumer } = ctx;
  const prepared = await prepareBatch(opts, ctx.group, batch);
  const { topic, partition } = prepared.position;
  let handlerFailures = 0;
  let attempt = 0;
  let backoff = retryDelay(ctx, 1);
  let outcomes: O[] = [];
  for (;;) {
    if (!payload.isRunning() || payload.isStale()) return; // nothing committed: redelivered later
    const startedAt = Date.now();
    try {
      const isolate = handlerFailures >= ctx.retry.handlerAttempts;
      outcomes = await withHeartbeats(payload.heartbeat, () => applyBatch(ctx, prepared, isolate));
      if (handlerFailures > 0) opts.log.info({ topic, partition }, 'batch applied after retries');
      break;
    } catch (err) {
      if (err instanceof FetchedPastStoredPosition) {
        opts.log.warn(
          { topic, partition, stored: err.stored, fetched: Number(batch.firstOffset()) },
          'fetch started past the stored position: seeking back',
        );
        consumer.seek({ topic, partition, offset: String(err.stored) });
        return;
      }
      const kind = classifyPgError(err);
      if (kind === 'lock_wait') {
        // Off the fetch path: the other partitions' next fetch waits for every batch of this one.
        retryStalled(ctx, prepared, err, startedAt);
        return; // nothing resolved: the partition goes on from this batch once it is resumed
      }
      if (kind === 'unavailable') {
        opts.log.warn(
          { err: String(err), retryInMs: backoff },
          'PostgreSQL unavailable: pausing this partition, nothing committed',
        );
      } else if (kind === 'conflict') {
        // Another partition's transaction won a lock: not the events' fault, never dead-letter them.
        opts.log.info(
          { err: String(err), topic, partition },
          'batch rolled back by a lock conflict; retrying',
        );
      } else {
        handlerFailures += 1;
        opts.log.warn(
          { err: String(err), attempt: handlerFailures, topic, partition },
          'batch failed; retrying',
        );
      }
      await sleep(backoff);
      backoff = retryDelay(ctx, ++attempt + 1);
      await payload.heartbeat(); // throws on a rebalance: the new owner resumes from the stored position
    }
  }

  payload.resolveOffset(String(prepared.position.lastOffset));
  await afterApplied(ctx, prepared.position, outcomes);
  await payload.heartbeat().catch(() => undefined);
}

/** After a batch committed: mirror its offset to Kafka, then the projection's cache step. */
async function afterApplied<O, S>(
  ctx: ConsumerContext<O, S>,
  pos: BatchPosition,
  outcomes: O[],
): Promise<void> {
  ctx.mirror.record(pos.topic, pos.partition, pos.lastOffset + 1);
  // Cache and change notification first: they are what the console waits for.
  if (!ctx.projection.afterCommit) return;
  for (const outcome of outcomes) {
    await ctx.projection
      .afterCommit(outcome)
      .catch((err: unknown) =>
        ctx.opts.log.warn({ err: String(err) }, 'after-commit step failed (cache only)'),
      );
  }
}

/**
 * A batch whose statement hit `lock_timeout` or `statement_timeout`: pauses its partition (the
 * others keep being fetched), records it as stalled, and retries the same batch with backoff in
 * the background until it commits, the partition is revoked (its new owner resumes from the
 * stored position) or the consumer stops. Then the partition is resumed: after a commit from the
 * next offset, else from this batch again (the consumer loop then handles a non-transient error).
 * Returns at once.
 * @param startedAt when the first attempt began (ms since the epoch): the stall's start
 */
function retryStalled<O, S>(
  ctx: ConsumerContext<O, S>,
  b: PreparedBatch,
  firstError: unknown,
  startedAt: number,
): void {
  const { topic, partition } = b.position;
  const key = `${topic}/${partition}`;
  const { consumer, opts } = ctx;
  if (ctx.stalled.has(key)) return;
  ctx.stalled.add(key);
  consumer.pause([{ topic, partitions: [partition] }]);
  const since = new Date(startedAt).toISOString();
  void (async () => {
    let err = firstError;
    let retry = 0;
    let backoff = retryDelay(ctx, 1);
    try {
      for (;;) {
        const reason = stallReason(err, ctx.timeouts, b.firstOffset, retry);
        opts.log.warn(
          { topic, partition, offset: b.firstOffset, retry, retryInMs: backoff, reason },
          'batch stalled: partition paused, the batch is retried with backoff, other partitions go on',
        );
        await markStalled(ctx, b.position, since, reason);
        await sleep(backoff);
        backoff = retryDelay(ctx, retry + 2);
        if (ctx.stopped || !ctx.assigned.has(key)) return;
        retry += 1;
        try {
          const outcomes = await applyBatch(ctx, b, false);
          consumer.seek({ topic, partition, offset: String(b.position.lastOffset + 1) });
          await afterApplied(ctx, b.position, outcomes);
          opts.log.info(
            { topic, partition, offset: b.firstOffset, retries: retry, stalledMs: Date.now() - startedAt },
            'stalled batch applied; partition resumed',
          );
          return;
        } catch (e) {
          if (e instanceof FetchedPastStoredPosition) {
            consumer.seek({ topic, partition, offset: String(e.stored) });
            return;
          }
          if (classifyPgError(e) === 'other') {
            opts.log.warn(
              { err: String(e), topic, partition, offset: b.firstOffset },
              'stalled batch failed; handing it back to the consumer loop',
            );
            return;
          }
          err = e;
        }
      }
    } catch (e) {
      opts.log.error({ err: String(e), topic, partition }, 'stalled-batch retry failed');
    } finally {
      ctx.stalled.delete(key);
      try {
        consumer.resume([{ topic, partitions: [partition] }]);
      } catch {
        // the consumer stopped meanwhile
      }
    }
  })();
}

/**
 * Why a partition is stalled, for operators: `"waiting on a row lock held by another session:
 * lock_timeout (2000 ms) exceeded at offset 17 (retry 3)"`.
 */
export function stallReason(err: unknown, timeouts: BatchTimeouts, offset: number, retry: number): string {
  const code = (err as { code?: unknown } | null)?.code;
  const where = `at offset ${offset}${retry > 0 ? ` (retry ${retry})` : ''}`;
  if (code === '55P03')
    return `waiting on a row lock held by another session: lock_timeout (${timeouts.lockTimeoutMs} ms) exceeded ${where}`;
  if (code === '57014')
    return `statement_timeout (${timeouts.statementTimeoutMs} ms) exceeded, possibly waiting on a lock, ${where}`;
  const kind = classifyPgError(err);
  const what =
    kind === 'unavailable'
      ? 'PostgreSQL unavailable'
      : kind === 'conflict'
        ? 'lock conflict (deadlock or serialization failure)'
        : 'batch failed';
  return `${what}: ${(err as Error | null)?.message ?? String(err)} ${where}`;
}

/**
 * Records a stalled partition in its stored-position row (`stalled_since` keeps the first
 * instant; the next batch that commits clears both). Bounded like a batch; a failure is logged
 * only (the retry goes on).
 */
async function markStalled<O, S>(
  ctx: ConsumerContext<O, S>,
  pos: BatchPosition,
  since: string,
  reason: string,
): Promise<void> {
  try {
    await withTransaction(ctx.opts.pool, async (client) => {
      await setLocalTimeouts(client, ctx.timeouts);
      await client.query(
        `INSERT INTO consumer_offsets (consumer_group, topic, kafka_partition, next_offset, stalled_since, stall_reason)
         VALUES ($1, $2, $3, 0, $4, $5)
         ON CONFLICT (consumer_group, topic, kafka_partition) DO UPDATE
           SET stalled_since = coalesce(consumer_offsets.stalled_since, EXCLUDED.stalled_since),
               stall_reason = EXCLUDED.stall_reason`,
        [ctx.group, pos.topic, pos.partition, since, reason.slice(0, 500)],
      );
    });
  } catch (err) {
    ctx.opts.log.warn(
      { err: String(err), topic: pos.topic, partition: pos.partition },
      'could not record the stall',
    );
  }
}

/**
 * A fetch can start past the stored position (Kafka's committed offset is only a mirror: after a
 * database restore, or before the seek on assignment took effect, it can be ahead). Such a batch
 * is applied only when the missing offsets were deleted by retention (nothing left to read).
 * @returns true when the offsets from `stored` on were deleted by retention (stored < low watermark)
 */
async function gapDeletedByRetention(
  opts: BatchConsumerOptions,
  topic: string,
  partition: number,
  stored: number,
): Promise<boolean> {
  const admin = opts.kafka.admin();
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

interface BatchPosition {
  topic: string;
  partition: number;
  lastOffset: number;
  /** Broker append time of the last message (UTC ISO): the base of lag in seconds. */
  lastAppendTime: string;
  /** Event time of the batch's last valid event, null when none is valid. */
  lastEventTime: string | null;
}

function poisonOf(
  topic: string,
  partition: number,
  message: KafkaMessage,
  error: string,
  eventId: string | null,
  eventType: string | null,
): PoisonMessage {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key?.toString('utf8') ?? null,
    payload: recordPayload(message),
    value: message.value?.toString('utf8') ?? '',
    headers: headersAsText(message.headers),
    error,
    eventId,
    eventType,
  };
}

/**
 * One attempt at a batch, in one transaction. `isolate` applies the events one by one, each in a
 * savepoint: an event whose handler still fails is rolled back alone, sent to the dead-letter
 * topic and parked, and the rest of the batch commits (the partition moves on).
 */
async function applyBatch<O, S>(
  ctx: ConsumerContext<O, S>,
  b: PreparedBatch,
  isolate: boolean,
): Promise<O[]> {
  const { projection, opts, group } = ctx;
  const { decoded, invalid, position: pos } = b;
  return withTransaction(opts.pool, async (client) => {
    await setLocalTimeouts(client, ctx.timeouts);
    const nextStored = await advancePosition(client, group, pos);
    const firstOffset = Number(decoded[0]!.message.offset);
    if (
      firstOffset > nextStored &&
      !(await gapDeletedByRetention(opts, pos.topic, pos.partition, nextStored))
    )
      throw new FetchedPastStoredPosition(nextStored); // rolls the advance back
    const fresh: ConsumedEvent[] = [];
    for (const { message, result } of decoded) {
      const offset = Number(message.offset);
      if (offset < nextStored || 'error' in result) continue;
      fresh.push({ event: result.event, topic: pos.topic, partition: pos.partition, offset });
    }
    const outcomes: O[] = [];
    const poison = invalid.filter((p) => p.offset >= nextStored);
    if (!isolate) {
      const claimed = await newEvents(projection, client, group, fresh);
      if (claimed.events.length > 0)
        outcomes.push(await projection.apply(client, claimed.events, claimed.state));
    } else {
      const failed: PoisonMessage[] = [];
      for (const consumed of fresh) {
        await client.query('SAVEPOINT one_event');
        try {
          const claimed = await newEvents(projection, client, group, [consumed]);
          if (claimed.events.length > 0)
            outcomes.push(await projection.apply(client, claimed.events, claimed.state));
          await client.query('RELEASE SAVEPOINT one_event');
        } catch (err) {
          if (classifyPgError(err) !== 'other') throw err; // never dead-letter for the database's sake
          await client.query('ROLLBACK TO SAVEPOINT one_event');
          const message = decoded.find((d) => Number(d.message.offset) === consumed.offset)!.message;
          failed.push(
            poisonOf(
              pos.topic,
              pos.partition,
              message,
              `handler failed after retries: ${(err as Error).message}`,
              consumed.event.id,
              consumed.event.type,
            ),
          );
        }
      }
      if (failed.length > 0) {
        await produceDeadLetters(opts, group, failed); // before COMMIT: a failed send rolls back
        poison.push(...failed);
      }
    }
    if (poison.length > 0) await parkDeadLetters(client, group, poison);
    return outcomes;
  });
}

/** Thrown inside a batch transaction whose fetch started past the stored position. */
class FetchedPastStoredPosition extends Error {
  constructor(readonly stored: number) {
    super(`fetch started past the stored position ${stored}`);
  }
}

/** Claims the events' ids; returns those not applied before (first occurrence only). */
async function newEvents<O, S>(
  projection: Projection<O, S>,
  client: PoolClient,
  group: string,
  events: ConsumedEvent[],
): Promise<{ events: ConsumedEvent[]; state?: S }> {
  if (events.length === 0) return { events: [] };
  if (projection.claim) return projection.claim(client, events);
  const ids = await recordApplied(
    client,
    group,
    events.map((c) => c.event.id),
  );
  return { events: firstOccurrences(events, ids) };
}

/** The events whose id is in `newIds`, first occurrence of each id only, in order. */
export function firstOccurrences(events: ConsumedEvent[], newIds: Set<string>): ConsumedEvent[] {
  const seen = new Set<string>();
  return events.filter((c) => {
    if (!newIds.has(c.event.id) || seen.has(c.event.id)) return false;
    seen.add(c.event.id);
    return true;
  });
}

/**
 * Locks this partition's stored position and moves it past the batch (never backwards), in one
 * round trip once the row exists: the move commits with the batch's read-model writes or not at
 * all. Creates the row (at offset 0) for a partition's first batch.
 * @returns the stored next offset before this batch (messages below it were applied already)
 */
async function advancePosition(client: PoolClient, group: string, pos: BatchPosition): Promise<number> {
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
  if (opts.produceDeadLetters === false) return;
  await opts.publisher.publishRaw(
    opts.topics.deadLetter,
    poison.map((p) => ({
      key: p.key,
      value: p.value,
      headers: {
        ...p.headers,
        [DEAD_LETTER_HEADERS.error]: p.error.slice(0, 2000),
        [DEAD_LETTER_HEADERS.sourceTopic]: p.topic,
        [DEAD_LETTER_HEADERS.sourcePartition]: String(p.partition),
        [DEAD_LETTER_HEADERS.sourceOffset]: String(p.offset),
        [DEAD_LETTER_HEADERS.consumerGroup]: group,
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
