/**
 * kafkajs's `eachBatch` handler: one polled batch from decoding to commit. Poison found by
 * decoding goes to the dead-letter topic first; then the batch is applied (`apply-batch.ts`),
 * retried with backoff while the failure is transient or the handler may still succeed (after
 * `handlerAttempts` failures its events are applied one by one to isolate poison), or handed to
 * `stalled-partition.ts` when it waits on a lock. The member heartbeats during long work so it
 * stays in its group.
 */
import type { EachBatchPayload } from 'kafkajs';
import { classifyPgError } from '../../runtime/db';
import { afterApplied, applyBatch, FetchedPastStoredPosition } from './apply-batch';
import type { ConsumerContext } from './consumer-context';
import { produceDeadLetters } from './dead-letters';
import { decodeBatch } from './record-decoding';
import { retryDelay, sleep } from './retry-policy';
import { retryStalled } from './stalled-partition';

/** kafkajs heartbeat interval (ms); also how often a long batch heartbeats while it works. */
export const HEARTBEAT_INTERVAL_MS = 1_000;

/**
 * Handles one batch: resolves its offset once it committed (or leaves it unresolved when the
 * consumer stopped, the batch went stale, its partition stalled or must seek back).
 * @throws kafkajs's heartbeat error on a rebalance between attempts (the new owner resumes from
 *   the stored position), or the dead-letter producer's error (nothing committed)
 */
export async function handleBatch<O, S>(
  ctx: ConsumerContext<O, S>,
  payload: EachBatchPayload,
): Promise<void> {
  const { batch } = payload;
  if (batch.messages.length === 0) return;
  const { opts, consumer } = ctx;
  const prepared = decodeBatch(batch, opts.topics);
  // Schema poison goes to the dead-letter topic first (acks=all), before anything commits.
  if (prepared.invalid.length > 0) await produceDeadLetters(opts, ctx.group, prepared.invalid);
  const { topic, partition } = prepared.position;
  let handlerFailures = 0;
  let attempt = 0;
  let backoff = retryDelay(ctx.retry, 1);
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
      backoff = retryDelay(ctx.retry, ++attempt + 1);
      await payload.heartbeat(); // throws on a rebalance: the new owner resumes from the stored position
    }
  }

  payload.resolveOffset(String(prepared.position.lastOffset));
  await afterApplied(ctx, prepared.position, outcomes);
  await payload.heartbeat().catch(() => undefined);
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
