/**
 * One attempt at a decoded batch, in ONE PostgreSQL transaction, and what follows its commit:
 *  1. lock this group's stored position for the partition and move it past the batch; skip
 *     messages below the old position (redelivery after a crash or a rebalance); a batch that
 *     starts past it rolls back ({@link FetchedPastStoredPosition}) so the caller seeks back;
 *  2. drill isolation (`drill-screen.ts`): an event that would mix drill and live traffic, or
 *     belongs to a purged drill, is refused (dead-lettered with the rule);
 *  3. claim the event ids; ids claimed before are duplicates and skipped;
 *  4. let the projection apply the new events to its read models, and a drill's purge record
 *     (in its place between them) remove the drill's entities of this partition;
 *  5. park poison in `dead_letters`.
 * Every statement is bounded by the consumer's `lock_timeout` and `statement_timeout`.
 */
import { classifyPgError, withTransaction } from '../../runtime/db';
import { claimNewEvents } from './claim-events';
import { applyPurge, screenBatchItems, type BatchItem } from './drill-screen';
import type { ConsumerContext } from './consumer-context';
import { parkDeadLetters, produceDeadLetters } from './dead-letters';
import { gapDeletedByRetention } from './partition-seek';
import type { ConsumedEvent } from './projection';
import { poisonOf, type DecodedBatch } from './record-decoding';
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
      const items: BatchItem[] = [];
      for (const { message, result } of decoded) {
        const offset = Number(message.offset);
        if (offset < nextStored || 'error' in result) continue;
        if ('control' in result) items.push({ kind: 'purge', purge: result.control, offset, message });
        else
          items.push({
            kind: 'event',
            consumed: { event: result.event, topic: pos.topic, partition: pos.partition, offset },
            message,
          });
      }
      const at = { topic: pos.topic, partition: pos.partition };
      // Drill isolation first: a refused event is neither claimed nor applied (dead-lettered below).
      const { accepted, refused } = await screenBatchItems(projection, client, group, at, items);
      const outcomes: O[] = [];
      const poison = invalid.filter((p) => p.offset >= nextStored);
      if (!isolate) {
        // Runs of events between purge records, each claimed and applied as one; purges in between.
        let run: ConsumedEvent[] = [];
        const flush = async () => {
          const claimed = await claimNewEvents(projection, client, group, run);
          if (claimed.events.length > 0)
            outcomes.push(await projection.apply(client, claimed.events, claimed.state));
          run = [];
        };
        for (const item of accepted) {
          if (item.kind === 'event') {
            run.push(item.consumed);
            continue;
          }
          await flush();
          outcomes.push(await applyPurge(projection, client, group, at, item));
        }
        await flush();
      } else {
        for (const item of accepted) {
          await client.query('SAVEPOINT one_event');
          try {
            if (item.kind === 'purge') {
              outcomes.push(await applyPurge(projection, client, group, at, item));
            } else {
              const claimed = await claimNewEvents(projection, client, group, [item.consumed]);
              if (claimed.events.length > 0)
                outcomes.push(await projection.apply(client, claimed.events, claimed.state));
            }
            await client.query('RELEASE SAVEPOINT one_event');
          } catch (err) {
            if (classifyPgError(err) !== 'other') throw err; // never dead-letter for the database's sake
            await client.query('ROLLBACK TO SAVEPOINT one_event');
            const event = item.kind === 'event' ? item.consumed.event : item.purge;
            refused.push(
              poisonOf(
                pos.topic,
                pos.partition,
                item.message,
                `handler failed after retries: ${(err as Error).message}`,
                event.id,
                event.type,
              ),
            );
          }
        }
      }
      if (refused.length > 0) {
        await produceDeadLetters(opts, group, refused); // before COMMIT: a failed send rolls back
        poison.push(...refused);
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
