/**
 * One attempt at a decoded batch, in ONE PostgreSQL transaction, and what follows its commit:
 *  1. lock this group's stored position for the partition and move it past the batch; skip
 *     messages below the old position (redelivery after a crash or a rebalance); a batch that
 *     starts past it rolls back ({@link FetchedPastStoredPosition}) so the caller seeks back;
 *  2. claim the event ids; ids claimed before are duplicates and skipped;
 *  3. let the projection apply the new events to its read models;
 *  4. park poison in `dead_letters`.
 * Every statement is bounded by the consumer's `lock_timeout` and `statement_timeout`.
 */
import { classifyPgError, withTransaction } from '../../runtime/db';
import { claimNewEvents } from './claim-events';
import type { ConsumerContext } from './consumer-context';
import { parkDeadLetters, produceDeadLetters } from './dead-letters';
import { gapDeletedByRetention } from './partition-seek';
import type { ConsumedEvent } from './projection';
import { poisonOf, type DecodedBatch, type PoisonMessage } from './record-decoding';
import { advancePosition, type BatchPosition } from './stored-positions';

/** Thrown inside a batch transaction whose fetch started past the stored position. */
export class FetchedPastStoredPosition extends Error {
  constructor(readonly stored: number) {
    super(`fetch started past the stored position ${stored}`);
  }
}

/**
 * One attempt at a batch, in one transaction. `isolate` applies the events one by one, each in a
 * savepoint: an event whose handler still fails is rolled back alone, sent to the dead-letter
 * topic and parked, and the rest of the batch commits (the partition moves on).
 * @returns the projection's outcomes (one per apply), for {@link afterApplied}
 * @throws FetchedPastStoredPosition (rolled back: seek to `stored`); a database error (see
 *   `classifyPgError`) or the projection's error, the transaction rolled back
 */
export async function applyBatch<O, S>(
  ctx: ConsumerContext<O, S>,
  b: DecodedBatch,
  isolate: boolean,
): Promise<O[]> {
  const { projection, opts, group } = ctx;
  const { decoded, invalid, position: pos } = b;
  return withTransaction(
    opts.pool,
    async (client) => {
      const nextStored = await advancePosition(client, group, pos);
      const firstOffset = Number(decoded[0]!.message.offset);
      if (
        firstOffset > nextStored &&
        !(await gapDeletedByRetention(opts.kafka, pos.topic, pos.partition, nextStored))
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
        const claimed = await claimNewEvents(projection, client, group, fresh);
        if (claimed.events.length > 0)
          outcomes.push(await projection.apply(client, claimed.events, claimed.state));
      } else {
        const failed: PoisonMessage[] = [];
        for (const consumed of fresh) {
          await client.query('SAVEPOINT one_event');
          try {
            const claimed = await claimNewEvents(projection, client, group, [consumed]);
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
    },
    ctx.timeouts,
  );
}

/**
 * After a batch committed: mirror its offset to Kafka (within 5 s, off the batch path), then the
 * projection's after-commit step per outcome. Never throws: after-commit errors are logged (the
 * cache is only a cache).
 */
export async function afterApplied<O, S>(
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
