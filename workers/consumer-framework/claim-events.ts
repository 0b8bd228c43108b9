/**
 * The idempotency check of a batch: which of its events this consumer group has not applied
 * before. The projection's own claim (its history keyed by event id) when it has one, else the
 * shared `applied_events` table.
 */
import type { PoolClient } from '../../runtime/db';
import { firstOccurrences, type ConsumedEvent, type Projection } from './projection';

/**
 * Claims the events' ids inside the batch transaction.
 * @returns those not applied before (first occurrence of each id, in order), with the state the
 *   projection's claim loaded for `apply`
 */
export async function claimNewEvents<O, S>(
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

/** Inserts event ids into `applied_events`; returns the ids that were new for this group. */
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
