/**
 * Atomic claims on event ids (idempotency keys) for the API's injections, in `event_id_claims`
 * (migration 1732960003200). Before publishing, the API claims every id of a batch in one
 * transaction: a new id is claimed; an id claimed before must name exactly the same event (a
 * retry: same entity, type, drill, event time and content), anything else is a conflict. The
 * primary key serializes concurrent requests, which the read-only check on the history tables
 * could not (QA: two simultaneous requests reusing one id were both accepted). A claimed order
 * creation keeps its lines (`order_lines`, migration 1732960003800) for the checks of that
 * order's later events before a worker applied it (server/api/commands.ts).
 */
import { createHash } from 'node:crypto';
import { EVENT_TYPES, type SupplyChainEvent } from '../../contracts';
import type { Pool } from '../../runtime/db';
import { withTransaction } from '../../runtime/db';

/** JSON with object keys sorted at every level: one text for one value, whatever the key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * SHA-256 (hex) of what makes an event itself: entity, type, drill, event time as an instant (ms,
 * so `+00:00` and `Z` agree) and its data with keys in any order. Transport attributes (source,
 * content type) are not part of it.
 */
export function eventContentHash(e: SupplyChainEvent): string {
  const content = {
    subject: e.subject,
    type: e.type,
    drillid: e.drillid ?? null,
    time: Date.parse(e.time),
    data: e.data,
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** An id already claimed for another event: the claim's entity, type, drill, event time, content hash. */
export interface ClaimedId {
  id: string;
  subject: string;
  type: string;
  drillid: string | null;
  time: string;
  contentSha256: string;
}

/** What the batch's claims came to: the ids claimed now (to release on refusal) and the conflicts. */
export interface ClaimOutcome {
  claimed: string[];
  /** Event index in the batch -> the claim it conflicts with (first conflict first). */
  conflicts: { index: number; claim: ClaimedId }[];
}

/**
 * Claims every id of `events` (ids are canonical lowercase: `validateEvent`). Commits only when
 * nothing conflicts, so a refused batch claims nothing.
 * @returns the ids newly claimed, or the conflicts (then nothing was claimed)
 * @throws the pg error when PostgreSQL fails (the caller decides whether to go on without claims)
 */
export async function claimEventIds(pool: Pool, events: readonly SupplyChainEvent[]): Promise<ClaimOutcome> {
  const hashes = events.map(eventContentHash);
  const conflictError = new Error('conflict');
  let outcome: ClaimOutcome = { claimed: [], conflicts: [] };
  try {
    await withTransaction(pool, async (client) => {
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO event_id_claims (event_id, subject, type, drill_id, event_time, content_sha256, order_lines)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[],
                              $7::jsonb[])
         ON CONFLICT (event_id) DO NOTHING
         RETURNING event_id::text AS id`,
        [
          events.map((e) => e.id),
          events.map((e) => e.subject),
          events.map((e) => e.type),
          events.map((e) => e.drillid ?? null),
          events.map((e) => e.time),
          hashes,
          // An order creation's lines, for the API's checks of the order's later events.
          events.map((e) => (e.type === EVENT_TYPES.orderCreated ? JSON.stringify(e.data.lines) : null)),
        ],
      );
      const { rows } = await client.query<ClaimedId>(
        `SELECT event_id::text AS id, subject, type, drill_id AS drillid, event_time AS time,
                content_sha256 AS "contentSha256"
           FROM event_id_claims WHERE event_id = ANY($1::uuid[])`,
        [events.map((e) => e.id)],
      );
      const byId = new Map(rows.map((r) => [r.id, { ...r, time: new Date(r.time).toISOString() }]));
      const conflicts = events.flatMap((e, index) => {
        const claim = byId.get(e.id);
        return claim && claim.contentSha256 !== hashes[index] ? [{ index, claim }] : [];
      });
      outcome = { claimed: inserted.rows.map((r) => r.id), conflicts };
      if (conflicts.length > 0) throw conflictError; // roll back: a refused batch claims nothing
    });
  } catch (err) {
    if (err !== conflictError) throw err;
    return { claimed: [], conflicts: outcome.conflicts };
  }
  return outcome;
}

/**
 * Releases claims made for a batch that was then not accepted (Kafka refused it), so the ids stay
 * free: a refused request changes nothing.
 * @throws the pg error when PostgreSQL fails
 */
export async function releaseEventIds(pool: Pool, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await pool.query('DELETE FROM event_id_claims WHERE event_id = ANY($1::uuid[])', [ids]);
}
