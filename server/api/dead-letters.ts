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
 * cannot loop back into the dead-letter topic. Likewise an event that drill isolation would refuse
 * again is refused (409, naming the reason) and never published: one of a purged drill (a purge is
 * final: QA found such dead letters re-driven in a loop, each re-drive parked again as a new dead
 * letter), or one a worker parked by a drill-isolation rule (contracts/drill-isolation.ts).
 */
import {
  DEAD_LETTER_PAYLOAD_PREVIEW_CHARS,
  DRILL_ISOLATION_RULES,
  issueSummary,
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
    message: `payload is still not a valid event: ${issueSummary(result.issues)}`,
    issues: result.issues,
  };
}

/** Why drill isolation would refuse a re-drive of a valid parked event (409), or null. */
export interface RedriveRefusal {
  error: 'drill_purged' | 'drill_isolation';
  message: string;
}

/** The drill-isolation rule a worker parked a message by (its dead-letter error `drill isolation (<rule>): ...`), or null. */
export function isolationRuleOf(error: string): string | null {
  const rule = /^drill isolation \(([a-z_]+)\)/.exec(error)?.[1];
  return rule && (DRILL_ISOLATION_RULES as readonly string[]).includes(rule) ? rule : null;
}

/**
 * Whether drill isolation would refuse a valid parked event again: its drill was purged (a purge
 * is final), or a worker parked it by a drill-isolation rule (the same rule refuses it again).
 * Pure.
 * @param error the dead letter's error text
 * @param purgedDrills the drills purged so far (of those the events name)
 */
export function redriveRefusal(
  event: SupplyChainEvent,
  error: string,
  purgedDrills: ReadonlySet<string>,
): RedriveRefusal | null {
  const rule = isolationRuleOf(error);
  if (rule === 'drill_purged' || (event.drillid !== undefined && purgedDrills.has(event.drillid)))
    return {
      error: 'drill_purged',
      message: `drill ${event.drillid ?? '(unknown)'} was purged: its events are never applied again (a purge is final)`,
    };
  if (rule !== null)
    return {
      error: 'drill_isolation',
      message: `a worker refused it by the drill-isolation rule ${rule}, which refuses it again; inject a corrected event instead`,
    };
  return null;
}

/**
 * Whether the console offers a re-drive of a parked payload ({@link planRedrive}: a valid event
 * today, and {@link redriveRefusal}: not one drill isolation refuses again), and if not, why it
 * could never pass. Never throws.
 */
export function redriveOffer(
  payload: string,
  error = '',
  purgedDrills: ReadonlySet<string> = new Set(),
): DeadLetter['redrive'] {
  const plan = planRedrive(payload);
  if (!plan.ok)
    return {
      offered: false,
      reason: `re-drive not offered: ${plan.message}; inject a corrected event instead`,
    };
  const refusal = redriveRefusal(plan.event, error, purgedDrills);
  return refusal
    ? { offered: false, reason: `re-drive not offered: ${refusal.message}` }
    : { offered: true, reason: null };
}

/** The drills among `drillIds` that were purged (a purge applied by a worker, or requested through the API). */
export async function purgedDrillsOf(pool: Pool, drillIds: readonly string[]): Promise<Set<string>> {
  const ids = [...new Set(drillIds)];
  if (ids.length === 0) return new Set();
  const { rows } = await pool.query<{ d: string }>(
    `SELECT d FROM unnest($1::text[]) d
      WHERE EXISTS (SELECT 1 FROM drill_purges_applied p WHERE p.drill_id = d)
         OR EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'drills.purge' AND a.outcome = 'ok'
                      AND a.detail->>'drillId' = d)`,
    [ids],
  );
  return new Set(rows.map((r) => r.d));
}

/** The drill ids the valid ones among parked payloads carry. */
function drillIdsOf(payloads: readonly string[]): string[] {
  return payloads.flatMap((p) => {
    const plan = planRedrive(p);
    return plan.ok && plan.event.drillid ? [plan.event.drillid] : [];
  });
}

/**
 * HTTP status of a re-drive answer: 202 if anything was re-driven, else 409 if drill isolation
 * refused one, else 422 if rejected, else 404.
 */
export function redriveHttpStatus(results: readonly DeadLetterRedriveOutcome[]): 202 | 404 | 409 | 422 {
  if (results.some((r) => r.outcome === 'redriven')) return 202;
  if (results.some((r) => r.outcome === 'refused')) return 409;
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
    refused: count('refused'),
    notFound: count('not_found'),
  };
  const status = redriveHttpStatus(results);
  if (status === 409) {
    const refused = results.filter((r) => r.outcome === 'refused');
    body.error = refused[0]!.error;
    body.message =
      refused.length === 1
        ? `dead letter ${keyText(refused[0]!)} was not re-driven: ${refused[0]!.message}`
        : `${refused.length} dead letters were not re-driven: drill isolation refuses them again (${refused
            .slice(0, 5)
            .map((r) => `${keyText(r)}: ${r.error}`)
            .join('; ')})`;
  } else if (status === 422) {
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
  const purged = await purgedDrillsOf(pool, drillIdsOf(items.rows.map((r) => r.wholePayload)));
  return {
    items: items.rows.map(({ wholePayload, ...r }) => ({
      ...r,
      redrive: redriveOffer(wholePayload, r.error, purged),
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
  /** The error of its first parking (decides a drill-isolation refusal). */
  error: string;
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
): Promise<{ status: 202 | 404 | 409 | 422; body: DeadLetterRedriveResult }> {
  const wanted = distinctKeys(keys);
  const parked = await loadParked(deps.pool, wanted);
  const purged = await purgedDrillsOf(deps.pool, drillIdsOf([...parked.values()].map((m) => m.payload)));

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
    const refusal = plan.ok ? redriveRefusal(plan.event, message.error, purged) : null;
    if (plan.ok && refusal) {
      outcomes.set(keyText(key), {
        ...key,
        status: 409,
        outcome: 'refused',
        error: refusal.error,
        message: refusal.message,
      });
    } else if (plan.ok) {
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
      refused: body.refused,
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
            (array_agg(payload ORDER BY recorded_at, consumer_group))[1] AS payload,
            (array_agg(error ORDER BY recorded_at, consumer_group))[1] AS error
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
