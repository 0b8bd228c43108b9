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
  FINAL_DRILL_RUN_STATES,
  namedEntityKeys,
  screenDrillIsolation,
  type DrillIsolationRule,
  ROLE_LABELS,
  validateEvent,
  issueSummary,
  futureTimeIssue,
  apiSourceIssue,
  EVENT_TYPES,
  orderedBySku,
  screenOrderContents,
  type KnownOrder,
  type OrderContentRule,
  type FieldIssue,
  type InjectResult,
  type Principal,
  type SupplyChainEvent,
} from '../../contracts';
import type { Pool } from '../../runtime/db';
import { entityTrafficSql } from '../../runtime/entity-traffic';
import type { EventPublisher } from '../../runtime/kafka';
import type { Logger } from '../../runtime/logger';
import { ServiceUnavailableError } from '../../runtime/service-errors';
import type { Outbox } from '../outbox/outbox';
import { recordAudit } from './audit-log';
import { claimEventIds, eventContentHash, releaseEventIds, type ClaimOutcome } from './event-claims';

/** A request that breaks the contract (HTTP 400). */
export class ValidationFailedError extends Error {
  override name = 'ValidationFailedError';
  constructor(
    readonly issues: FieldIssue[],
    readonly index?: number,
  ) {
    super(`${index === undefined ? 'event' : `event ${index}`} is invalid: ` + issueSummary(issues));
  }
}

/** What the commands need of a publisher: {@link EventPublisher}, or the core's start-up stand-in. */
export type Publisher = Pick<EventPublisher, 'publish' | 'publishToEveryPartition'>;

export interface CommandDeps {
  pool: Pool;
  publisher: Publisher;
  log: Logger;
  /**
   * The offline outbox (server/outbox/): injections while Kafka is unreachable are kept there and
   * delivered later. Absent: such an injection is refused with 503 `broker_unavailable`.
   */
  outbox?: Outbox | null;
  /** Clock (ms since the epoch) for the event-time bound; tests may pass their own. */
  now?: () => number;
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
 *
 * With an offline outbox ({@link CommandDeps.outbox}): when the broker is unreachable (the start
 * has not completed, or the publish fails with a broker error), or injections are already queued
 * (nothing overtakes them), the checked batch is kept in the outbox as ONE entry and every result
 * says `queued: true` (audited with outcome `queued`). Rejected events never get there: every
 * check above runs first. A retry of events already queued (same ids, same content) is answered
 * with their queued results, nothing added.
 * @returns Kafka placement of each event (or its queued result), in input order
 * An event time more than `MAX_EVENT_TIME_AHEAD_MS` (contracts/events.ts) ahead of the clock is
 * refused naming `time`; a `source` reserved for the importers (contracts/event-sources.ts
 * `apiSourceIssue`) is refused naming `source` (rule `reserved_source`).
 * @throws ValidationFailedError or ForbiddenError (nothing published), IdempotencyConflictError,
 *   LiveEntityInDrillError, DrillEndedError, OrderContentError, OutboxWriteError (outbox not
 *   writable: nothing queued or published),
 *   or ServiceUnavailableError (Kafka down and no outbox)
 */
export async function injectEvents(
  deps: CommandDeps,
  principal: Principal,
  inputs: unknown[],
): Promise<InjectResult[]> {
  const events: SupplyChainEvent[] = [];
  const now = (deps.now ?? Date.now)();
  inputs.forEach((input, index) => {
    const result = validateEvent(input);
    if (!result.ok) throw new ValidationFailedError(result.issues, inputs.length > 1 ? index : undefined);
    const future = futureTimeIssue(result.event.time, now);
    if (future) throw new ValidationFailedError([future], inputs.length > 1 ? index : undefined);
    // An importer's source would show the event as imported data (QA): importers use Kafka.
    const source = apiSourceIssue(result.event.source, result.event.drillid);
    if (source) throw new ValidationFailedError([source], inputs.length > 1 ? index : undefined);
    events.push(result.event);
  });
  authorizeInjection(principal, events);
  const retried = deps.outbox ? checkQueuedIds(deps.outbox, events) : null;
  await checkIdempotencyKeys(deps, events);
  await checkDrillIsolation(deps, events);
  await checkDrillRunsOpen(deps, events);
  if (!retried) await checkOrderContents(deps, events);
  if (retried) return retried;
  const claimed = await claimIds(deps, events);
  // Accepted (published or queued) without claims: the creations are remembered for the next
  // requests' checks; a refused request changes nothing, so it is not remembered.
  const accepted = (results: InjectResult[]): InjectResult[] => {
    if (claimed === null) rememberUnclaimedCreations(deps.pool, events);
    return results;
  };
  // Not accepted after all: the ids claimed for this request are free again (a refused request changes nothing).
  const release = () =>
    releaseEventIds(deps.pool, claimed ?? []).catch((e: unknown) =>
      deps.log.warn({ err: String(e) }, 'event id claims not released'),
    );
  const queue = async (outbox: Outbox, cause: unknown): Promise<InjectResult[]> => {
    try {
      return accepted(await queueInjection(deps, outbox, principal, events, cause));
    } catch (err) {
      await release();
      throw err;
    }
  };
  if (deps.outbox?.hasPending) return queue(deps.outbox, null);
  let placed: InjectResult[];
  try {
    placed = await deps.publisher.publish(events);
  } catch (err) {
    if (deps.outbox && isBrokerUnavailable(err)) return queue(deps.outbox, err);
    await release();
    throw err;
  }
  accepted(placed);
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

/** True for "Kafka cannot be reached" (not yet, or not now): the cases the outbox covers. */
function isBrokerUnavailable(err: unknown): boolean {
  return err instanceof ServiceUnavailableError && err.service === 'kafka';
}

/**
 * Keeps a checked batch in the outbox as one entry and audits it with outcome `queued`.
 * @throws OutboxWriteError (full disk ...): nothing queued, nothing published
 */
async function queueInjection(
  deps: CommandDeps,
  outbox: Outbox,
  principal: Principal,
  events: SupplyChainEvent[],
  cause: unknown,
): Promise<InjectResult[]> {
  const { entry, results } = outbox.enqueue(principal, events);
  deps.log.warn(
    {
      entryId: entry.entryId,
      events: events.length,
      operator: principal.operator,
      ...(cause ? { err: String(cause) } : { behind: 'injections already queued' }),
    },
    'Kafka unreachable: injection kept in the offline outbox',
  );
  await recordAudit(deps.pool, deps.log, {
    principal,
    action: 'events.inject',
    outcome: 'queued',
    status: 202,
    detail: { outboxEntryId: entry.entryId, queued: true },
    events: { events, placed: results },
  });
  return results;
}

/**
 * An injection naming event ids already waiting in the outbox: the same id for another event is
 * a conflict (as against the history tables and the claims: entity, type, drill, event time and
 * data, {@link eventContentHash}); when every event repeats a queued one exactly, the
 * request is a retry and gets the queued results back.
 * @returns the queued results of a retry, or null to go on
 * @throws IdempotencyConflictError naming the id
 */
function checkQueuedIds(outbox: Outbox, events: SupplyChainEvent[]): InjectResult[] | null {
  const queued = new Map(
    outbox.store.entries().flatMap((entry) => entry.events.map((e) => [e.id, { e, entry }] as const)),
  );
  if (queued.size === 0) return null;
  const results: InjectResult[] = [];
  events.forEach((e, i) => {
    const hit = queued.get(e.id);
    if (!hit) return;
    const why =
      notARetry(e, {
        id: hit.e.id,
        subject: hit.e.subject,
        type: hit.e.type,
        drillid: drillOf(hit.e),
        time: hit.e.time,
      }) ??
      // The same rule as the online claim (event-claims.ts): a retry repeats the data too.
      (eventContentHash(e) === eventContentHash(hit.e) ? null : otherData(hit.e));
    if (why)
      throw new IdempotencyConflictError(
        e.id,
        events.length > 1 ? i : undefined,
        `${why} (queued in the offline outbox)`,
      );
    const result = outbox.queuedResults(hit.entry).find((r) => r.id === e.id);
    if (result) results.push(result);
  });
  return results.length === events.length ? results : null;
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

/** What an event id already names: the event's entity, type, drill and event time (UTC). */
interface UsedId {
  id: string;
  subject: string;
  type: string;
  drillid: string | null;
  time: string;
}

/**
 * Why `e` is not a retry of the event `used` (same id), or null when it is one: a retry repeats
 * the entity, type, drill and the event time (the same instant, whatever its offset). Ids are
 * compared in their canonical lowercase form (`validateEvent`: `ABC…` and `abc…` are one UUID),
 * so an id in other letter case with another time is refused like any other reuse.
 */
function notARetry(e: SupplyChainEvent, used: UsedId): string | null {
  const describe = `${used.type} for ${used.subject}${used.drillid ? ` in drill ${used.drillid}` : ' (live traffic)'}`;
  if (e.subject !== used.subject || e.type !== used.type || drillOf(e) !== used.drillid) return describe;
  if (Date.parse(e.time) !== Date.parse(used.time))
    return `${describe} at event time ${new Date(Date.parse(used.time)).toISOString()} (this one says ${e.time}; a retry repeats the event time)`;
  return null;
}

/**
 * The same id (in any letter case: one UUID) sent again for the same entity, type, drill and
 * event time is a harmless retry (applied once). Anything else under a used id (another entity,
 * type, drill or event time; QA found another time, also with the id in other letter case,
 * accepted as a retry and then silently skipped by the workers) is refused. Reads the history
 * tables; when PostgreSQL is down the check is skipped (injection must not depend on the read
 * side) and the workers' idempotency still holds.
 * @throws IdempotencyConflictError naming the id
 */
async function checkIdempotencyKeys(deps: CommandDeps, events: SupplyChainEvent[]): Promise<void> {
  const seen = new Map<string, UsedId>();
  events.forEach((e, i) => {
    const key = e.id; // canonical lowercase (validateEvent)
    const first = seen.get(key);
    const why = first ? notARetry(e, first) : null;
    if (why) {
      throw new IdempotencyConflictError(
        e.id,
        events.length > 1 ? i : undefined,
        `${why} earlier in this batch`,
      );
    }
    if (!first)
      seen.set(key, { id: e.id, subject: e.subject, type: e.type, drillid: drillOf(e), time: e.time });
  });
  let rows: UsedId[];
  try {
    ({ rows } = await deps.pool.query<UsedId>(
      `SELECT event_id::text AS id, order_id AS subject, type, drill_id AS drillid, event_time AS time FROM order_events
        WHERE event_id = ANY($1::uuid[])
       UNION ALL
       SELECT event_id::text, shipment_id, type, drill_id, event_time FROM shipment_checkpoints
        WHERE event_id = ANY($1::uuid[])`,
      [[...seen.keys()]],
    ));
  } catch (err) {
    deps.log.warn({ err: String(err) }, 'idempotency check skipped: PostgreSQL unavailable');
    return;
  }
  for (const row of rows) {
    const index = events.findIndex((e) => e.id === row.id);
    const e = events[index];
    if (!e) continue;
    const why = notARetry(e, { ...row, time: String(row.time) });
    if (why) throw new IdempotencyConflictError(e.id, events.length > 1 ? index : undefined, why);
  }
}

/** What an id names when only the data differs (one wording for the online claim and the outbox). */
function otherData(used: { type: string; subject: string }): string {
  return `${used.type} for ${used.subject} with other data (a retry repeats the event exactly, data included)`;
}

/**
 * Claims the batch's ids atomically (server/api/event-claims.ts) after every other check passed,
 * so concurrent requests cannot both use one id for two different events, and a repeated id must
 * repeat the event exactly (its data too). Skipped, like the other checks, when PostgreSQL is down.
 * @returns the ids claimed by this request (released again if Kafka refuses the batch); null when
 *   PostgreSQL refused the claims (the caller remembers the creations once the batch is accepted)
 * @throws IdempotencyConflictError naming the first conflicting id and what it names
 */
async function claimIds(deps: CommandDeps, events: SupplyChainEvent[]): Promise<string[] | null> {
  let outcome: ClaimOutcome;
  try {
    outcome = await claimEventIds(deps.pool, events);
  } catch (err) {
    deps.log.warn({ err: String(err) }, 'event id claims skipped: PostgreSQL unavailable');
    return null;
  }
  const first = outcome.conflicts[0];
  if (!first) return outcome.claimed;
  const e = events[first.index]!;
  const why = notARetry(e, first.claim) ?? otherData(first.claim);
  throw new IdempotencyConflictError(e.id, events.length > 1 ? first.index : undefined, why);
}

/**
 * An event breaks drill isolation (HTTP 409, error code = the rule): a drill event naming a live
 * order or shipment (`live_entity_in_drill`), a live event naming a drill's entity
 * (`drill_entity_in_live_traffic`), an event naming another drill's entity
 * (`entity_of_other_drill`), or an event of a purged drill (`drill_purged`). The rule is
 * contracts/drill-isolation.ts, the one the workers apply too.
 */
export class LiveEntityInDrillError extends Error {
  override name = 'LiveEntityInDrillError';
  constructor(
    readonly subject: string,
    readonly index: number | undefined,
    readonly rule: DrillIsolationRule = 'live_entity_in_drill',
    detail = `${subject} is live (real) traffic: a drill event may only touch entities that drill traffic created`,
    /** The event's field that broke the rule: `subject`, `data.orderId`, ... or `drillid`. */
    readonly field: string = rule === 'drill_purged' ? 'drillid' : 'subject',
  ) {
    super(`${index === undefined ? '' : `event ${index}: `}${detail}`);
  }
}

/**
 * An event under the drill id of a drill run that has ended (HTTP 409 `drill_ended`, field
 * `drillid`): its run report's checks describe what the run sent, so hand-made events may not
 * change that run's data afterwards (QA: a cancel injected under a completed run's drill id was
 * accepted).
 */
export class DrillEndedError extends Error {
  override name = 'DrillEndedError';
  readonly code = 'drill_ended';
  readonly field = 'drillid';
  constructor(
    readonly drillId: string,
    readonly runId: string,
    readonly state: string,
    /** When the run ended (UTC ISO). */
    readonly endedAt: string,
    readonly index: number | undefined,
  ) {
    super(
      `${index === undefined ? '' : `event ${index}: `}drill ${drillId}: run ${runId} ended at ${endedAt} (${state}); ` +
        `${state === 'halted' ? 'resume the run, ' : ''}start a new drill or inject under a new drill id`,
    );
  }
}

/**
 * Refuses events whose `drillid` names a drill run that has ended (`completed`, `stopped`,
 * `halted`, `failed`: contracts/drills.ts FINAL_DRILL_RUN_STATES). A running, paused or
 * interrupted run's drill id is accepted, and so is an ad-hoc drill id that names no run (hand-made
 * drill traffic from the Inject form). Checked at the door only, before publishing or queueing in
 * the offline outbox (a run's state is a command's, not a read model's: the workers, and a replay,
 * cannot know it). Skipped, like the other checks, when PostgreSQL is down.
 * @throws DrillEndedError naming the first refused event (its index in a batch), the run and when it ended
 */
async function checkDrillRunsOpen(deps: CommandDeps, events: SupplyChainEvent[]): Promise<void> {
  const drills = [...new Set(events.flatMap((e) => (e.drillid ? [e.drillid] : [])))];
  if (drills.length === 0) return;
  let ended: Map<string, { id: string; state: string; ended_at: string | null }>;
  try {
    const { rows } = await deps.pool.query<{
      drill_id: string;
      id: string;
      state: string;
      ended_at: string | null;
    }>(
      'SELECT drill_id, id, state, ended_at FROM drill_runs WHERE drill_id = ANY($1::text[]) AND state = ANY($2::text[])',
      [drills, FINAL_DRILL_RUN_STATES],
    );
    ended = new Map(rows.map((r) => [r.drill_id, r]));
  } catch (err) {
    deps.log.warn({ err: String(err) }, 'drill run state check skipped: PostgreSQL unavailable');
    return;
  }
  const index = events.findIndex((e) => e.drillid !== undefined && ended.has(e.drillid));
  if (index < 0) return;
  const drillId = events[index]!.drillid!;
  const run = ended.get(drillId)!;
  throw new DrillEndedError(
    drillId,
    run.id,
    run.state,
    run.ended_at ?? 'an unknown time',
    events.length > 1 ? index : undefined,
  );
}

/**
 * Drill isolation at the door (contracts/drill-isolation.ts): the batch is screened in order
 * against the traffic of every order and shipment it names, as subject or as a reference in
 * `data` (live, or the drill that owns them; an entity only referenced so far by the read models
 * takes the traffic of what references it)
 * and the drills already purged (a purge requested through the API, or applied by a worker), so
 * a drill cannot cancel, deliver or move a real order, and live traffic cannot touch a drill's
 * entity. (The workers apply the same rule to records that reach Kafka another way.) Skipped,
 * like the idempotency check, when PostgreSQL is down.
 * @throws LiveEntityInDrillError naming the first refused event and the rule
 */
async function checkDrillIsolation(deps: CommandDeps, events: SupplyChainEvent[]): Promise<void> {
  const { orders, shipments } = namedEntityKeys(events);
  const drills = [...new Set(events.flatMap((e) => (e.drillid ? [e.drillid] : [])))];
  let entities: Map<string, string | null>;
  let purged: Set<string>;
  try {
    const { rows } = await deps.pool.query<{ key: string | null; drill_id: string | null; purged: boolean }>(
      `SELECT entity_key AS key, drill_id, false AS purged FROM (${entityTrafficSql({ orders: '$1', shipments: '$2' })}) e
       UNION ALL
       SELECT NULL, d, true FROM unnest($3::text[]) d
        WHERE EXISTS (SELECT 1 FROM drill_purges_applied p WHERE p.drill_id = d)
           OR EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'drills.purge' AND a.outcome = 'ok'
                        AND a.detail->>'drillId' = d)`,
      [orders, shipments, drills],
    );
    entities = new Map(rows.filter((r) => !r.purged).map((r) => [r.key!, r.drill_id]));
    purged = new Set(rows.filter((r) => r.purged).map((r) => r.drill_id!));
  } catch (err) {
    deps.log.warn({ err: String(err) }, 'drill isolation check skipped: PostgreSQL unavailable');
    return;
  }
  const verdicts = screenDrillIsolation(
    events.map((event) => ({ event })),
    entities,
    purged,
  );
  const index = verdicts.findIndex((v) => v !== null);
  if (index >= 0) {
    const verdict = verdicts[index]!;
    throw new LiveEntityInDrillError(
      events[index]!.subject,
      events.length > 1 ? index : undefined,
      verdict.rule,
      verdict.message,
      verdict.field,
    );
  }
}

/**
 * An event disagrees with its order or shipment (contracts/order-contents.ts): no such order or
 * shipment, or a cancellation of a delivered order (HTTP 409, rules `order_exists`,
 * `shipment_exists`, `not_delivered`: the entity's state refuses it), or an event before its
 * order's creation, a delivered SKU not on it / more units than ordered (HTTP 422, rules
 * `after_creation`, `sku_on_order`, `delivered_within_ordered`: the event's content is wrong). The
 * error code is the rule; the issue names the field.
 */
export class OrderContentError extends Error {
  override name = 'OrderContentError';
  constructor(
    readonly rule: OrderContentRule,
    readonly issue: FieldIssue,
    readonly index: number | undefined,
  ) {
    super(`${index === undefined ? '' : `event ${index}: `}${issue.field}: ${issue.message}`);
  }

  /** 409 when the entity's state refuses the event (missing, delivered), 422 when its content is wrong. */
  get status(): 409 | 422 {
    return this.rule === 'order_exists' ||
      this.rule === 'created_once' ||
      this.rule === 'shipment_exists' ||
      this.rule === 'not_delivered'
      ? 409
      : 422;
  }
}

/** Most order creations remembered per core while claims cannot be written (oldest dropped first). */
const MAX_UNCLAIMED_CREATIONS = 100_000;

/**
 * Order creations this core accepted while PostgreSQL refused their claims (by the core's pool):
 * the order's later events must not be refused while a worker has not applied the creation yet
 * (a database restart: the creation's batch got no claim, the next batch names the order).
 */
const UNCLAIMED_CREATIONS = new WeakMap<Pool, Map<string, KnownOrder>>();

/** Shipment creations this core accepted while PostgreSQL refused their claims (as above). */
const UNCLAIMED_SHIPMENTS = new WeakMap<Pool, Set<string>>();

/** Remembers the order and shipment creations of a batch accepted without claims (bounded, oldest dropped). */
function rememberUnclaimedCreations(pool: Pool, events: readonly SupplyChainEvent[]): void {
  let map = UNCLAIMED_CREATIONS.get(pool);
  let shipments = UNCLAIMED_SHIPMENTS.get(pool);
  for (const e of events) {
    if (e.type === EVENT_TYPES.shipmentCreated) {
      if (!shipments) UNCLAIMED_SHIPMENTS.set(pool, (shipments = new Set()));
      shipments.add(e.subject);
      if (shipments.size > MAX_UNCLAIMED_CREATIONS) shipments.delete(shipments.values().next().value!);
      continue;
    }
    if (e.type !== EVENT_TYPES.orderCreated) continue;
    if (!map) UNCLAIMED_CREATIONS.set(pool, (map = new Map()));
    const before = map.get(e.subject);
    if (before && Date.parse(before.time) <= Date.parse(e.time)) continue;
    map.delete(e.subject);
    map.set(e.subject, { time: e.time, lines: orderedBySku(e.data.lines), eventId: e.id });
    if (map.size > MAX_UNCLAIMED_CREATIONS) map.delete(map.keys().next().value!);
  }
}

/** One known creation as the read models or the API's claims hold it. */
interface KnownOrderRow {
  order_id: string;
  created_at: string;
  /** Ordered lines (`[{sku, quantity}]`), or null when unknown (a claim from before the column). */
  lines: { sku: string; quantity: number }[] | null;
  /** Its earliest delivery applied or accepted, or null. */
  delivered_at: string | null;
  /** Id of the creation event (applied: the earliest in its history). */
  event_id: string | null;
}

/**
 * The operator-facing door checks an event against its order or shipment (QA: a delivery of more
 * units than ordered, a delivered SKU the order does not have, a lifecycle event for an order
 * nobody created, a delivery dated before the order's creation, a cancellation of a delivered
 * order, or a carrier event for a shipment nobody created were accepted and folded into phantom
 * orders and shipments, "ordered 0" lines and negative cycle times). A creation (or delivery) may
 * be applied by the workers (`orders`, `order_lines`, `shipments`), accepted by the API and not
 * yet applied (`event_id_claims`, with the order's lines), or earlier in this batch. The workers'
 * fold is unchanged: importers' events reach Kafka directly and may arrive out of order. Skipped,
 * like the other checks, when PostgreSQL is down.
 * @throws OrderContentError naming the first refused event, the field and the rule
 */
async function checkOrderContents(deps: CommandDeps, events: SupplyChainEvent[]): Promise<void> {
  const orderIds = [...new Set(events.filter((e) => e.type.startsWith('sct.order.')).map((e) => e.subject))];
  const shipmentIds = [
    ...new Set(
      events
        .filter((e) => e.type.startsWith('sct.shipment.') && e.type !== EVENT_TYPES.shipmentCreated)
        .map((e) => e.subject),
    ),
  ];
  if (orderIds.length === 0 && shipmentIds.length === 0) return;
  let rows: KnownOrderRow[];
  let shipmentRows: { id: string }[];
  try {
    const deliveredClaim = (subject: string) =>
      `(SELECT min(c.event_time) FROM event_id_claims c WHERE c.type = $3 AND c.subject = ${subject})`;
    [{ rows }, { rows: shipmentRows }] = await Promise.all([
      orderIds.length === 0
        ? { rows: [] }
        : deps.pool.query<KnownOrderRow>(
            `SELECT o.order_id, o.created_at,
                    (SELECT coalesce(jsonb_agg(jsonb_build_object('sku', l.sku, 'quantity', l.quantity)), '[]'::jsonb)
                       FROM order_lines l WHERE l.order_id = o.order_id AND l.quantity > 0) AS lines,
                    least(o.delivered_at, ${deliveredClaim('o.order_id')}) AS delivered_at,
                    (SELECT e.event_id::text FROM order_events e WHERE e.order_id = o.order_id AND e.type = $2
                      ORDER BY e.event_time, e.kafka_offset LIMIT 1) AS event_id
               FROM orders o WHERE o.order_id = ANY($1::text[]) AND o.created_at IS NOT NULL
             UNION ALL
             SELECT k.subject, k.event_time, k.order_lines, ${deliveredClaim('k.subject')}, k.event_id::text
               FROM event_id_claims k WHERE k.type = $2 AND k.subject = ANY($1::text[])`,
            [orderIds, EVENT_TYPES.orderCreated, EVENT_TYPES.orderDelivered],
          ),
      shipmentIds.length === 0
        ? { rows: [] }
        : deps.pool.query<{ id: string }>(
            `SELECT shipment_id AS id FROM shipments WHERE shipment_id = ANY($1::text[])
             UNION SELECT subject FROM event_id_claims WHERE type = $2 AND subject = ANY($1::text[])`,
            [shipmentIds, EVENT_TYPES.shipmentCreated],
          ),
    ]);
  } catch (err) {
    deps.log.warn({ err: String(err) }, 'order contents check skipped: PostgreSQL unavailable');
    return;
  }
  const known = new Map<string, KnownOrder>();
  const unclaimed = UNCLAIMED_CREATIONS.get(deps.pool);
  for (const id of orderIds) {
    const creation = unclaimed?.get(id);
    if (creation) known.set(id, creation);
  }
  for (const row of rows) {
    const time = new Date(row.created_at).toISOString();
    const deliveredAt = row.delivered_at === null ? null : new Date(row.delivered_at).toISOString();
    const order: KnownOrder = {
      time,
      lines: row.lines ? orderedBySku(row.lines) : null,
      deliveredAt,
      eventId: row.event_id,
    };
    const before = known.get(row.order_id);
    // The earliest creation decides, as in the fold; the read model's lines win a tie (applied).
    if (!before || Date.parse(time) < Date.parse(before.time))
      known.set(row.order_id, { ...order, deliveredAt: deliveredAt ?? before?.deliveredAt ?? null });
    else if (deliveredAt && !before.deliveredAt) known.set(row.order_id, { ...before, deliveredAt });
  }
  const knownShipments = new Set(shipmentRows.map((r) => r.id));
  const unclaimedShipments = UNCLAIMED_SHIPMENTS.get(deps.pool);
  for (const id of shipmentIds) if (unclaimedShipments?.has(id)) knownShipments.add(id);
  const verdicts = screenOrderContents(events, known, knownShipments);
  const index = verdicts.findIndex((v) => v !== null);
  if (index < 0) return;
  const verdict = verdicts[index]!;
  throw new OrderContentError(verdict.rule, verdict.issue, events.length > 1 ? index : undefined);
}
