/**
 * Write-side handlers (commands): validate, publish to Kafka (acks=all, idempotent producer),
 * record the injection in the audit log. The API never writes read models: workers do.
 *
 * A rejected request changes nothing: the whole batch is validated before anything is
 * published, so one bad event rejects the batch with its index and field issues.
 */
import {
  validateEvent,
  type FieldIssue,
  type InjectResult,
  type SupplyChainEvent,
} from '../../../../contracts';
import type { Pool } from '../../../../runtime/db';
import type { EventPublisher } from '../../../../runtime/kafka';
import type { Logger } from '../../../../runtime/logger';

/** A request that breaks the contract (HTTP 400). */
export class ValidationFailedError extends Error {
  override name = 'ValidationFailedError';
  constructor(
    readonly issues: FieldIssue[],
    readonly index?: number,
  ) {
    super(
      `${index === undefined ? 'event' : `event ${index}`} is invalid: ` +
        issues.map((i) => `${i.field} ${i.rule}`).join(', '),
    );
  }
}

export interface CommandDeps {
  pool: Pool;
  publisher: EventPublisher;
  log: Logger;
  /** Who injects (operator or client name), for the audit log. */
  actor: string;
}

/**
 * Validates every event, publishes all of them, then audits them.
 * @returns Kafka placement of each event, in input order
 * @throws ValidationFailedError (nothing published) or ServiceUnavailableError (Kafka down)
 */
export async function injectEvents(deps: CommandDeps, inputs: unknown[]): Promise<InjectResult[]> {
  const events: SupplyChainEvent[] = [];
  inputs.forEach((input, index) => {
    const result = validateEvent(input);
    if (!result.ok) throw new ValidationFailedError(result.issues, inputs.length > 1 ? index : undefined);
    events.push(result.event);
  });
  await checkIdempotencyKeys(deps, events);
  const results = await deps.publisher.publish(events);
  await audit(deps, events, results);
  return results;
}

/** An event id (idempotency key) already names a different event (HTTP 409). */
export class IdempotencyConflictError extends Error {
  override name = 'IdempotencyConflictError';
  constructor(
    readonly id: string,
    readonly index: number | undefined,
    detail: string,
  ) {
    super(`event id ${id} is already used by ${detail}: an id may name one event only`);
  }
}

/**
 * The same id sent again for the same entity and type is a harmless retry (applied once). The
 * same id for another entity or type would be silently skipped by the workers: refuse it. Reads
 * the history tables; when PostgreSQL is down the check is skipped (injection must not depend on
 * the read side) and the workers' idempotency still holds.
 * @throws IdempotencyConflictError
 */
async function checkIdempotencyKeys(deps: CommandDeps, events: SupplyChainEvent[]): Promise<void> {
  const seen = new Map<string, SupplyChainEvent>();
  events.forEach((e, i) => {
    const first = seen.get(e.id);
    if (first && (first.subject !== e.subject || first.type !== e.type)) {
      throw new IdempotencyConflictError(
        e.id,
        events.length > 1 ? i : undefined,
        `${first.type} for ${first.subject} earlier in this batch`,
      );
    }
    seen.set(e.id, e);
  });
  let rows: { id: string; subject: string; type: string }[];
  try {
    ({ rows } = await deps.pool.query<{ id: string; subject: string; type: string }>(
      `SELECT event_id::text AS id, order_id AS subject, type FROM order_events WHERE event_id = ANY($1::uuid[])
       UNION ALL
       SELECT event_id::text, shipment_id, type FROM shipment_checkpoints WHERE event_id = ANY($1::uuid[])`,
      [[...seen.keys()]],
    ));
  } catch (err) {
    deps.log.warn({ err: String(err) }, 'idempotency check skipped: PostgreSQL unavailable');
    return;
  }
  for (const row of rows) {
    const index = events.findIndex((e) => e.id === row.id);
    const e = events[index]!;
    if (e.subject !== row.subject || e.type !== row.type) {
      throw new IdempotencyConflictError(
        e.id,
        events.length > 1 ? index : undefined,
        `${row.type} for ${row.subject}`,
      );
    }
  }
}

/**
 * Records one accepted request in the audit log: ONE `injection_audit` row per request, whatever
 * its size (a 1,000-event batch costs one row and one index entry). The row holds the request's
 * events as index-aligned arrays, in input order: `event_ids[i]`, `event_types[i]`, `subjects[i]`,
 * `drill_ids[i]` (NULL for live traffic) and where Kafka stored that event, `kafka_topics[i]`,
 * `kafka_partitions[i]`, `kafka_offsets[i]` (the broker's offset, bigint; sent as the decimal
 * string of {@link InjectResult} so no precision is lost). `actor` is {@link CommandDeps.actor};
 * `injected_at` is the database's now(); `event_count` is computed by PostgreSQL from the arrays.
 * See db/migrations/1732960000400_audit-per-request.sql.
 *
 * Called only after every event is durable in Kafka, so it never throws: a failed write (e.g.
 * PostgreSQL down) is logged with the request's event ids and the database's message (no
 * connection string, no token, no payloads) and the request still succeeds.
 * @param events the validated events of one request (at least one)
 * @param results Kafka placement of each event, index-aligned with `events`
 */
async function audit(deps: CommandDeps, events: SupplyChainEvent[], results: InjectResult[]): Promise<void> {
  const eventIds = events.map((e) => e.id);
  try {
    // One statement, one row: each column is a JS array bound as one parameter (pg serializes
    // it as an array literal; values never enter the SQL text).
    await deps.pool.query(
      `INSERT INTO injection_audit
         (actor, event_ids, event_types, subjects, drill_ids, kafka_topics, kafka_partitions, kafka_offsets)
       VALUES ($1, $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::integer[], $8::bigint[])`,
      [
        deps.actor,
        eventIds,
        events.map((e) => e.type),
        events.map((e) => e.subject),
        events.map((e) => e.drillid ?? null),
        results.map((r) => r.topic),
        results.map((r) => r.partition),
        results.map((r) => r.offset),
      ],
    );
  } catch (err) {
    // The events are already durable in Kafka; losing the audit row must not fail the request.
    deps.log.error({ err: String(err), eventIds }, 'audit log write failed');
  }
}
