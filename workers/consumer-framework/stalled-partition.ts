/**
 * A batch that hit a bound (`lock_timeout` or `statement_timeout`: a row locked by another
 * session) must not hold up the other partitions: kafkajs fetches the next round from a broker
 * only when every batch of the last one is handled. So its partition is paused, recorded as
 * stalled (`consumer_offsets.stalled_since/stall_reason`, shown by the health API), and the batch
 * is retried with backoff off the fetch path; the other partitions go on.
 */
import { classifyPgError, withTransaction, type BatchTimeouts } from '../../runtime/db';
import { afterApplied, applyBatch, FetchedPastStoredPosition } from './apply-batch';
import type { ConsumerContext } from './consumer-context';
import type { DecodedBatch } from './record-decoding';
import { retryDelay, sleep } from './retry-policy';
import { recordStall, type BatchPosition } from './stored-positions';

/**
 * Pauses the batch's partition (the others keep being fetched), records it as stalled, and
 * retries the same batch with backoff in the background until it commits, the partition is
 * revoked (its new owner resumes from the stored position) or the consumer stops. Then the
 * partition is resumed: after a commit from the next offset, else from this batch again (the
 * consumer loop then handles a non-transient error). Returns at once; does nothing when the
 * partition is already being retried.
 * @param firstError the error of the attempt that stalled
 * @param startedAt when the first attempt began (ms since the epoch): the stall's start
 */
export function retryStalled<O, S>(
  ctx: ConsumerContext<O, S>,
  b: DecodedBatch,
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
    let backoff = retryDelay(ctx.retry, 1);
    try {
      for (;;) {
        const reason = stallReason(err, ctx.timeouts, b.firstOffset, retry);
        opts.log.warn(
          { topic, partition, offset: b.firstOffset, retry, retryInMs: backoff, reason },
          'batch stalled: partition paused, the batch is retried with backoff, other partitions go on',
        );
        await markStalled(ctx, b.position, since, reason);
        await sleep(backoff);
        backoff = retryDelay(ctx.retry, retry + 2);
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
 * Records a stalled partition in its stored-position row, bounded like a batch; a failure is
 * logged only (the retry goes on).
 */
async function markStalled<O, S>(
  ctx: ConsumerContext<O, S>,
  pos: BatchPosition,
  since: string,
  reason: string,
): Promise<void> {
  try {
    await withTransaction(
      ctx.opts.pool,
      (client) => recordStall(client, ctx.group, pos, since, reason),
      ctx.timeouts,
    );
  } catch (err) {
    ctx.opts.log.warn(
      { err: String(err), topic: pos.topic, partition: pos.partition },
      'could not record the stall',
    );
  }
}
