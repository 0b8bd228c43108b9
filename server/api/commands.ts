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
} from '../../contracts';
import type { Pool } from '../../runtime/db';
import type { EventPublisher } from '../../runtime/kafka';
import type { Logger } from '../../runtime/logger';
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

/** What the commands need of a publisher: {@link EventPublisher}, or the core's start-up stand-in. */
export type Publisher = Pick<EventPublisher, 'publish'>;

export interface CommandDeps {
  pool: Pool;
  publisher: Publisher;
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
 *   LiveEntityInDrillError, or ServiceUnavailableError (Kafka down)
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
  await checkDrillIsolation(deps, events);
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

/** Which traffic an event belongs to: its drill id, or null for live traffic. */
function drillOf(e: { drillid?: string | undefined }): string | null {
  return e.drillid ?? null;
}

/**
 * The same id sent again for the same entity, type and drill is a harmless retry (applied once).
 * The same id for another entity, type or drill (live traffic versus a drill, or another drill)
 * would be silently skipped by the workers: refuse it. Reads the history tables; when PostgreSQL
 * is down the check is skipped (injection must not depend on the read side) and the workers'
 * idempotency still holds.
 * @throws IdempotencyConflictError
 */
async function checkIdempotencyKeys(deps: CommandDeps, events: SupplyChainEvent[]): Promise<void> {
  const describe = (e: { type: string; subject: string; drillid?: string | null | undefined }) =>
    `${e.type} for ${e.subject}${e.drillid ? ` in drill ${e.drillid}` : ' (live traffic)'}`;
  const same = (a: SupplyChainEvent, b: { subject: string; type: string; drillid?: string | null }) =>
    a.subject === b.subject && a.type === b.type && drillOf(a) === (b.drillid ?? null);
  const seen = new Map<string, SupplyChainEvent>();
  events.forEach((e, i) => {
    const first = seen.get(e.id);
    if (first && !same(e, first)) {
      throw new IdempotencyConflictError(
        e.id,
        events.length > 1 ? i : undefined,
        `${describe(first)} earlier in this batch`,
      );
    }
    seen.set(e.id, e);
  });
  let rows: { id: string; subject: string; type: string; drillid: string | null }[];
  try {
    ({ rows } = await deps.pool.query(
      `SELECT event_id::text AS id, order_id AS subject, type, drill_id AS drillid FROM order_events
        WHERE event_id = ANY($1::uuid[])
       UNION ALL
       SELECT event_id::text, shipment_id, type, drill_id FROM shipment_checkpoints WHERE event_id = ANY($1::uuid[])`,
      [[...seen.keys()]],
    ));
  } catch (err) {
    deps.log.warn({ err: String(err) }, 'idempotency check skipped: PostgreSQL unavailable');
    return;
  }
  for (const row of rows) {
    const index = events.findIndex((e) => e.id === row.id);
    const e = events[index]!;
    if (!same(e, row)) {
      throw new IdempotencyConflictError(e.id, events.length > 1 ? index : undefined, describe(row));
    }
  }
}

/** A drill event names a live (non-drill) order or shipment (HTTP 409): drills must not touch real traffic. */
export class LiveEntityInDrillError extends Error {
  override name = 'LiveEntityInDrillError';
  constructor(
    readonly subject: string,
    readonly index: number | undefined,
  ) {
    super(
      `${index === undefined ? '' : `event ${index}: `}${subject} is live (real) traffic: a drill event may only touch entities that drill traffic created`,
    );
  }
}

/**
 * Drill isolation at the door: an event carrying a `drillid` whose subject is an existing live
 * order or shipment is refused, so a drill cannot cancel, deliver or move a real order. (The
 * workers apply the same rule to records that reach Kafka another way.) Skipped, like the
 * idempotency check, when PostgreSQL is down.
 * @throws LiveEntityInDrillError naming the first such event
 */
async function checkDrillIsolation(deps: CommandDeps, events: SupplyChainEvent[]): Promise<void> {
  const drillSubjects = [...new Set(events.filter((e) => e.drillid).map((e) => e.subject))];
  if (drillSubjects.length === 0) return;
  let live: Set<string>;
  try {
    const { rows } = await deps.pool.query<{ id: string }>(
      `SELECT order_id AS id FROM orders WHERE order_id = ANY($1::text[]) AND NOT is_drill
       UNION
       SELECT shipment_id FROM shipments WHERE shipment_id = ANY($1::text[]) AND NOT is_drill`,
      [drillSubjects],
    );
    live = new Set(rows.map((r) => r.id));
  } catch (err) {
    deps.log.warn({ err: String(err) }, 'drill isolation check skipped: PostgreSQL unavailable');
    return;
  }
  const index = events.findIndex((e) => e.drillid && live.has(e.subject));
  if (index >= 0)
    throw new LiveEntityInDrillError(events[index]!.subject, events.length > 1 ? index : undefined);
}
