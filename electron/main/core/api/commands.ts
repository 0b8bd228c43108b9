/**
 * Write-side handlers (commands): validate, check the caller may publish these events, publish
 * to Kafka (acks=all, idempotent producer), record the request in the audit log. The API never
 * writes read models: workers do.
 *
 * A rejected request changes nothing: the whole batch is validated and authorized before
 * anything is published, so one bad or forbidden event rejects the batch with its index.
 */
import {
  roleCan,
  ROLE_LABELS,
  validateEvent,
  type FieldIssue,
  type InjectResult,
  type Principal,
  type SupplyChainEvent,
} from '../../../../contracts';
import type { Pool } from '../../../../runtime/db';
import type { EventPublisher } from '../../../../runtime/kafka';
import type { Logger } from '../../../../runtime/logger';
import { recordAudit } from './audit-log';

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
}

/** The caller's role does not allow the action (HTTP 403); names the event and field when one decides. */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
    readonly index?: number,
  ) {
    super(message);
  }
}

/**
 * Live traffic needs the `inject` permission; drill traffic (events with a `drillid`) needs
 * `inject_drill` (contracts/auth.ts), so a drill lead cannot move real figures.
 * @throws ForbiddenError naming the first event the role may not publish
 */
export function authorizeInjection(principal: Principal, events: SupplyChainEvent[]): void {
  events.forEach((event, index) => {
    const needs = event.drillid ? 'inject_drill' : 'inject';
    if (roleCan(principal.role, needs)) return;
    const what = event.drillid ? 'drill events' : 'live (non-drill) events';
    const message = `${ROLE_LABELS[principal.role]} ${principal.operator} may not inject ${what}`;
    throw new ForbiddenError(
      `${events.length > 1 ? `event ${index}: ` : ''}${message}`,
      [
        {
          field: 'drillid',
          rule: event.drillid ? 'drill_injection_not_allowed' : 'drillid_required_for_role',
          message,
        },
      ],
      events.length > 1 ? index : undefined,
    );
  });
}

/**
 * Validates and authorizes every event, publishes all of them, then audits the request (one
 * `audit_log` row naming the operator, with every event and where Kafka stored it).
 * @returns Kafka placement of each event, in input order
 * @throws ValidationFailedError or ForbiddenError (nothing published), IdempotencyConflictError,
 *   or ServiceUnavailableError (Kafka down)
 */
export async function injectEvents(
  deps: CommandDeps,
  principal: Principal,
  inputs: unknown[],
): Promise<InjectResult[]> {
  const events: SupplyChainEvent[] = [];
  inputs.forEach((input, index) => {
    const result = validateEvent(input);
    if (!result.ok) throw new ValidationFailedError(result.issues, inputs.length > 1 ? index : undefined);
    events.push(result.event);
  });
  authorizeInjection(principal, events);
  await checkIdempotencyKeys(deps, events);
  const placed = await deps.publisher.publish(events);
  // Recorded after every event is durable in Kafka: a failed audit write is logged, never thrown.
  await recordAudit(deps.pool, deps.log, {
    principal,
    action: 'events.inject',
    outcome: 'ok',
    status: 202,
    events: { events, placed },
  });
  return placed;
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
