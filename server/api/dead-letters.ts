/**
 * Dead letters: the query (list, one row per source message) and the re-drive command.
 *
 * The workers own `dead_letters` (they park poison there, once per consumer group that read it).
 * The API never writes it: a re-drive is recorded in `dead_letter_redrives` (one row per parking
 * group, all pointing at the one new Kafka position).
 *
 * Re-drive = re-publish the original payload ONCE through the normal producer path: the payload is
 * parsed and checked with `validateEvent`, then published with `EventPublisher.publish` (acks=all,
 * key = subject, structured CloudEvents content mode with its `content-type` and `sct-event-*`
 * headers, topic by event type; see `runtime/cloudevents-kafka.ts`). Every consumer group reads it
 * again; a group that already applied the event id skips it (idempotency), one that parked it
 * applies it now, so a re-driven event is counted once however often it is re-driven. A payload
 * that is still invalid is rejected (422, naming each field and rule) and never published, so it
 * cannot loop back into the dead-letter topic.
 */
import {
  DEAD_LETTER_PAYLOAD_PREVIEW_CHARS,
  validateEvent,
  type DeadLetter,
  type DeadLetterKey,
  type DeadLetterListQuery,
  type DeadLetterPage,
  type DeadLetterRedriveOutcome,
  type DeadLetterRedriveResult,
  type FieldIssue,
  type Principal,
  type SupplyChainEvent,
} from '../../contracts';
import type { Pool } from '../../runtime/db';
import { recordAudit } from './audit-log';
import type { CommandDeps } from './commands';

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

/** A stable text form of a key (`topic/partition/offset`), for maps and messages. */
export function keyText(key: DeadLetterKey): string {
  return `${key.sourceTopic}/${key.sourcePartition}/${key.sourceOffset}`;
}

/** The keys without repeats, in first-seen order (a key named twice is re-driven once). */
export function distinctKeys(keys: readonly DeadLetterKey[]): DeadLetterKey[] {
  const seen = new Set<string>();
  const out: DeadLetterKey[] = [];
  for (const key of keys) {
    const text = keyText(key);
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({
      sourceTopic: key.sourceTopic,
      sourcePartition: key.sourcePartition,
      sourceOffset: key.sourceOffset,
    });
  }
  return out;
}

/** What a parked payload allows today: a valid event to re-publish, or why it is still rejected. */
export type RedrivePlan =
  | { ok: true; event: SupplyChainEvent }
  | { ok: false; error: 'payload_not_json' | 'validation_failed'; message: string; issues: FieldIssue[] };

/**
 * Parses and validates a parked payload with the same rules as the API and the workers.
 * Never throws.
 */
export function planRedrive(payload: string): RedrivePlan {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (err) {
    const message = `payload is not JSON: ${(err as Error).message}`;
    return {
      ok: false,
      error: 'payload_not_json',
      message,
      issues: [{ field: '(payload)', rule: 'json', message }],
    };
  }
  const result = validateEvent(json);
  if (result.ok) return { ok: true, event: result.event };
  return {
    ok: false,
    error: 'validation_failed',
    message: `payload is still not a valid event: ${result.issues.map((i) => `${i.field} ${i.rule}`).join(', ')}`,
    issues: result.issues,
  };
}

/**
 * Whether the console offers a re-drive of a parked payload ({@link planRedrive}: a valid event
 * today), and if not, why it could never pass. Never throws.
 */
export function redriveOffer(payload: string): DeadLetter['redrive'] {
  const plan = planRedrive(payload);
  return plan.ok
    ? { offered: true, reason: null }
    : { offered: false, reason: `re-drive not offered: ${plan.message}; inject a corrected event instead` };
}

/** HTTP status of a re-drive answer: 202 if anything was re-driven, else 422 if rejected, else 404. */
export function redriveHttpStatus(results: readonly DeadLetterRedriveOutcome[]): 202 | 404 | 422 {
  if (results.some((r) => r.outcome === 'redriven')) return 202;
  if (results.some((r) => r.outcome === 'rejected')) return 422;
  return 404;
}

/** Sums up per-key outcomes; adds the {@link ApiError} fields when nothing was re-driven. */
export function summarizeRedrive(results: DeadLetterRedriveOutcome[]): DeadLetterRedriveResult {
  const count = (o: DeadLetterRedriveOutcome['outcome']) => results.filter((r) => r.outcome === o).length;
  const body: DeadLetterRedriveResult = {
    results,
    redriven: count('redriven'),
    rejected: count('rejected'),
    notFound: count('not_found'),
  };
  const status = redriveHttpStatus(results);
  if (status === 422) {
    const rejected = results.filter((r) => r.outcome === 'rejected');
    body.error = 'redrive_rejected';
    body.message =
      rejected.length === 1
        ? `dead letter ${keyText(rejected[0]!)} was not re-driven: ${rejected[0]!.message}`
        : `${rejected.length} dead letters were not re-driven: their payloads are still invalid`;
    body.issues = rejected.flatMap((r) => r.issues ?? []).slice(0, 100);
  } else if (status === 404) {
    body.error = 'not_found';
    body.message =
      results.length === 1 ? `no dead letter ${keyText(results[0]!)}` : 'none of these dead letters exists';
  }
  return body;
}

/**
 * Order of re-publication: source topic, partition, offset. Events of one entity share a
 * partition, so re-driving many keeps each entity's events in their original order.
 */
export function compareKeys(a: DeadLetterKey, b: DeadLetterKey): number {
  if (a.sourceTopic !== b.sourceTopic) return a.sourceTopic < b.sourceTopic ? -1 : 1;
  if (a.sourcePartition !== b.sourcePartition) return a.sourcePartition - b.sourcePartition;
  const x = BigInt(a.sourceOffset);
  const y = BigInt(b.sourceOffset);
  return x < y ? -1 : x > y ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Query
// ---------------------------------------------------------------------------------------------

/** Dead letters grouped by source message, with their latest re-drive (lateral, per message). */
const GROUPED = `
  SELECT g.*, r.redriven_at, coalesce(r.redrives, 0)::int AS redrives,
         CASE WHEN g.header_id IS NULL OR g.header_type IS NULL THEN sct_try_jsonb(g.payload) END AS doc
    FROM (
      SELECT source_topic, source_partition, source_offset,
             array_agg(consumer_group ORDER BY consumer_group) AS groups,
             (array_agg(event_id ORDER BY recorded_at) FILTER (WHERE event_id IS NOT NULL))[1] AS header_id,
             (array_agg(event_type ORDER BY recorded_at) FILTER (WHERE event_type IS NOT NULL))[1] AS header_type,
             (array_agg(error ORDER BY recorded_at, consumer_group))[1] AS error,
             (array_agg(payload ORDER BY recorded_at, consumer_group))[1] AS payload,
             min(recorded_at) AS recorded_at
        FROM dead_letters
       GROUP BY source_topic, source_partition, source_offset
    ) g
    LEFT JOIN LATERAL (
      SELECT max(redriven_at) AS redriven_at,
             count(DISTINCT (new_topic, new_partition, new_offset)) AS redrives
        FROM dead_letter_redrives x
       WHERE x.source_topic = g.source_topic AND x.source_partition = g.source_partition
         AND x.source_offset = g.source_offset
    ) r ON true`;

/** The event type of a grouped row: the header's, else the payload's `type` when it is a string. */
const TYPE_OF = `coalesce(header_type, CASE WHEN jsonb_typeof(doc->'type') = 'string' THEN doc->>'type' END)`;
const ID_OF = `coalesce(header_id, CASE WHEN jsonb_typeof(doc->'id') = 'string' THEN doc->>'id' END)`;

/**
 * One page of dead letters, one row per source message, newest first; filtered by status
 * (open = never re-driven) and exact event type.
 */
export async function listDeadLetters(pool: Pool, q: DeadLetterListQuery): Promise<DeadLetterPage> {
  const where = `($1::text = 'all' OR ($1 = 'open') = (redriven_at IS NULL))
    AND ($2::text IS NULL OR ${TYPE_OF} = $2)`;
  const params = [q.status, q.type ?? null];
  const [items, total, open, types] = await Promise.all([
    pool.query<Omit<DeadLetter, 'redrive'> & { wholePayload: string }>(
      `SELECT source_topic AS "sourceTopic", source_partition AS "sourcePartition",
              source_offset::text AS "sourceOffset", groups, ${ID_OF} AS "eventId", ${TYPE_OF} AS "eventType",
              error, left(payload, ${DEAD_LETTER_PAYLOAD_PREVIEW_CHARS}) AS payload,
              length(payload) AS "payloadLength", payload AS "wholePayload", recorded_at AS "recordedAt", redriven_at AS "redrivenAt",
              redrives AS "redriveCount"
         FROM (${GROUPED}) d WHERE ${where}
        ORDER BY recorded_at DESC, source_topic, source_partition, source_offset DESC
        LIMIT $3 OFFSET $4`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    ),
    pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${GROUPED}) d WHERE ${where}`, params),
    pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT DISTINCT source_topic, source_partition, source_offset FROM dead_letters) d
        WHERE NOT EXISTS (SELECT 1 FROM dead_letter_redrives x WHERE x.source_topic = d.source_topic
                            AND x.source_partition = d.source_partition AND x.source_offset = d.source_offset)`,
    ),
    pool.query<{ t: string }>(
      `SELECT DISTINCT ${TYPE_OF} AS t FROM (${GROUPED}) d WHERE ${TYPE_OF} IS NOT NULL ORDER BY 1 LIMIT 200`,
    ),
  ]);
  return {
    items: items.rows.map(({ wholePayload, ...r }) => ({
      ...r,
      redrive: redriveOffer(wholePayload),
      recordedAt: iso(r.recordedAt),
      redrivenAt: isoOrNull(r.redrivenAt),
    })),
    total: total.rows[0]!.n,
    page: q.page,
    pageSize: q.pageSize,
    openCount: open.rows[0]!.n,
    eventTypes: types.rows.map((r) => r.t),
  };
}

function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}

// ---------------------------------------------------------------------------------------------
// Command
// ---------------------------------------------------------------------------------------------

interface ParkedMessage extends DeadLetterKey {
  groups: string[];
  payload: string;
}

/**
 * Re-drives dead letters: each distinct key's payload is validated and, when valid, published
 * once (all valid ones in one acks=all request, in source order), then recorded; the request is
 * one `audit_log` row naming the operator, the reason (required for more than one key by the
 * request schema) and the outcome (`ok`, `partial` or `rejected`).
 * @returns the HTTP status ({@link redriveHttpStatus}) and the per-key answer, in request order
 * @throws ServiceUnavailableError when Kafka is down (nothing is recorded then)
 */
export async function redriveDeadLetters(
  deps: CommandDeps,
  principal: Principal,
  keys: readonly DeadLetterKey[],
  reason: string | null = null,
): Promise<{ status: 202 | 404 | 422; body: DeadLetterRedriveResult }> {
  const wanted = distinctKeys(keys);
  const parked = await loadParked(deps.pool, wanted);

  const outcomes = new Map<string, DeadLetterRedriveOutcome>();
  const toPublish: { message: ParkedMessage; event: SupplyChainEvent }[] = [];
  for (const key of wanted) {
    const message = parked.get(keyText(key));
    if (!message) {
      outcomes.set(keyText(key), {
        ...key,
        status: 404,
        outcome: 'not_found',
        message: `no dead letter ${keyText(key)}`,
      });
      continue;
    }
    const plan = planRedrive(message.payload);
    if (plan.ok) {
      toPublish.push({ message, event: plan.event });
    } else {
      outcomes.set(keyText(key), {
        ...key,
        status: 422,
        outcome: 'rejected',
        error: plan.error,
        message: plan.message,
        issues: plan.issues,
      });
    }
  }

  if (toPublish.length > 0) {
    toPublish.sort((a, b) => compareKeys(a.message, b.message));
    const placed = await deps.publisher.publish(toPublish.map((p) => p.event));
    const recorded = await recordRedrives(deps, principal.operator, toPublish, placed);
    toPublish.forEach(({ message, event }, i) => {
      const key: DeadLetterKey = {
        sourceTopic: message.sourceTopic,
        sourcePartition: message.sourcePartition,
        sourceOffset: message.sourceOffset,
      };
      const at = placed[i]!;
      outcomes.set(keyText(key), {
        ...key,
        status: 202,
        outcome: 'redriven',
        eventId: event.id,
        placed: at,
        message:
          `re-published ${event.type} ${event.id} to ${at.topic} partition ${at.partition} offset ${at.offset}` +
          (recorded ? '' : ' (the re-drive could not be recorded; see the main process log)'),
      });
    });
  }

  const results = wanted.map((k) => outcomes.get(keyText(k))!);
  const status = redriveHttpStatus(results);
  const body = summarizeRedrive(results);
  await recordAudit(deps.pool, deps.log, {
    principal,
    action: 'dead_letters.redrive',
    outcome: body.redriven === results.length ? 'ok' : body.redriven > 0 ? 'partial' : 'rejected',
    status,
    reason,
    detail: {
      itemCount: results.length,
      redriven: body.redriven,
      rejected: body.rejected,
      notFound: body.notFound,
      keys: results.slice(0, 20).map(keyText),
    },
  });
  return { status, body };
}

/** The parked payload and parking groups of each key that exists. */
async function loadParked(pool: Pool, keys: DeadLetterKey[]): Promise<Map<string, ParkedMessage>> {
  const { rows } = await pool.query<ParkedMessage>(
    `SELECT source_topic AS "sourceTopic", source_partition AS "sourcePartition",
            source_offset::text AS "sourceOffset", array_agg(consumer_group ORDER BY consumer_group) AS groups,
            (array_agg(payload ORDER BY recorded_at, consumer_group))[1] AS payload
       FROM dead_letters
      WHERE (source_topic, source_partition, source_offset) IN (
              SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[]))
      GROUP BY source_topic, source_partition, source_offset`,
    [keys.map((k) => k.sourceTopic), keys.map((k) => k.sourcePartition), keys.map((k) => k.sourceOffset)],
  );
  return new Map(rows.map((r) => [keyText(r), r]));
}

/** One row per parking group of each re-published message. Returns false (logged) on failure. */
async function recordRedrives(
  deps: CommandDeps,
  actor: string,
  published: { message: ParkedMessage; event: SupplyChainEvent }[],
  placed: { topic: string; partition: number; offset: string }[],
): Promise<boolean> {
  const rows = published.flatMap(({ message, event }, i) =>
    message.groups.map((group) => ({
      consumer_group: group,
      source_topic: message.sourceTopic,
      source_partition: message.sourcePartition,
      source_offset: message.sourceOffset,
      actor,
      event_id: event.id,
      new_topic: placed[i]!.topic,
      new_partition: placed[i]!.partition,
      new_offset: placed[i]!.offset,
    })),
  );
  try {
    await deps.pool.query(
      `INSERT INTO dead_letter_redrives (consumer_group, source_topic, source_partition, source_offset, actor,
                                         event_id, new_topic, new_partition, new_offset)
       SELECT * FROM json_to_recordset($1::json) AS x(consumer_group text, source_topic text, source_partition int,
         source_offset bigint, actor text, event_id text, new_topic text, new_partition int, new_offset bigint)`,
      [JSON.stringify(rows)],
    );
    return true;
  } catch (err) {
    // The events are already durable in Kafka (and idempotent): a lost record must not fail the request.
    deps.log.error(
      { err: String(err), keys: published.map((p) => keyText(p.message)) },
      'dead-letter re-drive record write failed',
    );
    return false;
  }
}
