/**
 * Event contracts: the CloudEvents 1.0 envelope and every order and shipment event type.
 *
 * Environment-neutral (no DOM, no Node, no Electron): shared by the API, the workers and the
 * renderer's inject form. One zod schema per event gives both the TypeScript type and the
 * runtime check. Source of the envelope: CloudEvents 1.0 core attributes
 * (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md).
 *
 * Rules that every event follows:
 * - `id` is a UUID and the idempotency key: the same id applied twice has one effect.
 * - `subject` is the entity id (order id or shipment id) and the Kafka message key.
 * - `time` is event time: when it happened in the physical world, an RFC 3339 instant with an
 *   offset (UTC or any zone); never the time it was injected or consumed.
 * - `drillid` (extension) marks drill traffic; `traceparent` (extension) carries W3C trace context.
 *
 * Schema changes are additive. A breaking change gets a new `type` version suffix (`.v2`) and the
 * old one stays readable.
 */
import { z } from 'zod';
import { SHIPMENT_STATUSES } from './shipment-status';
import { shortText } from './text';

/** Entity ids: 1..128 characters of letters, digits and `._:-` (safe in keys, URLs and logs). */
export const entityIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'only letters, digits and . _ : - are allowed');

/**
 * Marks an entity id field of an event's `data` that names an order or a shipment (a reference:
 * `orderId` of a shipment, `shipmentId` of an order). Drill isolation (contracts/drill-isolation.ts)
 * screens every entity an event names, its subject and these references, so the list of
 * references is derived from the schemas ({@link ENTITY_REFERENCE_FIELDS}) and a new reference
 * field is screened as soon as it is declared with {@link entityReference}.
 */
export const entityReferenceRegistry = z.registry<{ entity: 'order' | 'shipment' }>();

/** The schema of a `data` field holding the id of an order or a shipment (an entity id, registered as a reference). */
export function entityReference(entity: 'order' | 'shipment') {
  return entityIdSchema.clone().register(entityReferenceRegistry, { entity });
}

/** An IANA time zone name that this JavaScript runtime knows, such as `America/Sao_Paulo`. */
export const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isKnownTimeZone, 'must be an IANA time zone name such as America/Sao_Paulo or UTC');

/** A calendar date `YYYY-MM-DD` (a site-time calendar day, no zone), year 0001..9999. */
export const calendarDateSchema = z.iso.date().refine((day) => !day.startsWith('0000-'), {
  message: 'year must be 0001..9999 (PostgreSQL has no year 0)',
  params: { rule: 'year_range' },
});

/**
 * Earliest and latest accepted instants (ms since the epoch, UTC): one day inside years
 * 0001..9999, so the instant's calendar day in ANY site time zone (offsets reach about +-15 h
 * with local mean time) is a day PostgreSQL and the KPI tables can hold.
 */
const INSTANT_MIN_MS = Date.parse('0001-01-02T00:00:00Z');
const INSTANT_MAX_MS = Date.parse('9999-12-30T23:59:59.999Z');

/**
 * An RFC 3339 instant with an explicit offset (`Z` or `+hh:mm`) from 0001-01-02 to 9999-12-30
 * UTC: every process and PostgreSQL can store and compare it, and its site day is a valid day
 * in every time zone (an instant on 0001-01-01 is year 0000 in the Americas).
 */
export const instantSchema = z.iso.datetime({ offset: true }).refine(
  (instant) => {
    const time = Date.parse(instant);
    if (Number.isNaN(time)) return true; // not an instant at all: the format rule reports it
    return time >= INSTANT_MIN_MS && time <= INSTANT_MAX_MS;
  },
  {
    message: 'must fall within 0001-01-02 and 9999-12-30 (UTC), so its day is valid in every time zone',
    params: { rule: 'year_range' },
  },
);

const quantitySchema = z.number().int().min(1).max(1_000_000);
const skuSchema = shortText(64);

/**
 * The carrier's (or tracking aggregator's) own status code behind a normalized status, kept as
 * reported (`InTransit`, `Exception_011`); the message next to it is the carrier's own text.
 */
const carrierCodeSchema = shortText(64);

/** One order line: a SKU and an ordered quantity (whole units). */
export const orderLineSchema = z.strictObject({ sku: skuSchema, quantity: quantitySchema });

/** One delivered line: a SKU and the quantity actually delivered (0 allowed). */
export const deliveredLineSchema = z.strictObject({
  sku: skuSchema,
  quantity: z.number().int().min(0).max(1_000_000),
});

/** Event type names (CloudEvents `type`), reverse-DNS style with a schema version suffix. */
export const EVENT_TYPES = {
  orderCreated: 'sct.order.created.v1',
  orderApproved: 'sct.order.approved.v1',
  orderPicked: 'sct.order.picked.v1',
  orderPacked: 'sct.order.packed.v1',
  orderShipped: 'sct.order.shipped.v1',
  orderDelivered: 'sct.order.delivered.v1',
  orderCancelled: 'sct.order.cancelled.v1',
  shipmentCreated: 'sct.shipment.created.v1',
  shipmentCheckpoint: 'sct.shipment.checkpoint.v1',
  shipmentEtaUpdated: 'sct.shipment.eta_updated.v1',
  shipmentException: 'sct.shipment.exception.v1',
  shipmentDelivered: 'sct.shipment.delivered.v1',
} as const;

/**
 * Common shipment exception reason codes, offered as suggestions by the console's inject form.
 * Deliberately not an enum on `reasonCode` (which stays free text, 1–64 characters): carriers
 * report their own codes (kept as they are, e.g. from tracking imports), and events already in
 * the topics carry codes outside this list; an enum would reject them at validation and replay.
 */
export const EXCEPTION_REASON_CODES = [
  'ADDRESS_INVALID',
  'RECIPIENT_ABSENT',
  'REFUSED',
  'DAMAGED',
  'LOST',
  'CUSTOMS_HOLD',
  'WEATHER_DELAY',
  'HELD_AT_DEPOT',
  'MISSED_CONNECTION',
  'CARRIER_DELAY',
] as const;
/** The `data` schema of each event type. Unknown fields are rejected, as in the envelope. */
export const eventDataSchemas = {
  [EVENT_TYPES.orderCreated]: z.strictObject({
    customerId: entityIdSchema,
    warehouseId: entityIdSchema,
    siteTimeZone: timeZoneSchema,
    promisedDate: calendarDateSchema,
    lines: z.array(orderLineSchema).min(1).max(500),
  }),
  [EVENT_TYPES.orderApproved]: z.strictObject({ approvedBy: shortText(128).optional() }),
  [EVENT_TYPES.orderPicked]: z.strictObject({ pickerId: shortText(128).optional() }),
  [EVENT_TYPES.orderPacked]: z.strictObject({ packageCount: z.number().int().min(1).max(10_000).optional() }),
  [EVENT_TYPES.orderShipped]: z.strictObject({
    shipmentId: entityReference('shipment'),
    carrier: shortText(64).optional(),
  }),
  [EVENT_TYPES.orderDelivered]: z.strictObject({ lines: z.array(deliveredLineSchema).max(500) }),
  [EVENT_TYPES.orderCancelled]: z.strictObject({ reason: shortText(500) }),
  // orderId, origin, destination and promisedDate are optional: carrier tracking feeds
  // (scripts/tracking) often know none of them.
  [EVENT_TYPES.shipmentCreated]: z.strictObject({
    orderId: entityReference('order').optional(),
    carrier: shortText(64),
    trackingNumber: shortText(64),
    origin: shortText(200).optional(),
    destination: shortText(200).optional(),
    promisedDate: calendarDateSchema.optional(),
  }),
  [EVENT_TYPES.shipmentCheckpoint]: z.strictObject({
    status: z.enum(SHIPMENT_STATUSES),
    location: shortText(200).optional(),
    message: shortText(1000).optional(),
    carrierCode: carrierCodeSchema.optional(),
  }),
  [EVENT_TYPES.shipmentEtaUpdated]: z.strictObject({ eta: instantSchema }),
  [EVENT_TYPES.shipmentException]: z.strictObject({
    reasonCode: shortText(64),
    message: shortText(1000).optional(),
    carrierCode: carrierCodeSchema.optional(),
  }),
  [EVENT_TYPES.shipmentDelivered]: z.strictObject({
    location: shortText(200).optional(),
    signedBy: shortText(128).optional(),
    message: shortText(1000).optional(),
    carrierCode: carrierCodeSchema.optional(),
  }),
} as const;

export type EventType = keyof typeof eventDataSchemas;
export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;

/** All event types, in lifecycle order (orders first, then shipments). */
export const ALL_EVENT_TYPES = Object.keys(eventDataSchemas) as EventType[];

/** Which stream an event type belongs to: decides its topic and what `subject` names. */
export function entityOfType(type: EventType): 'order' | 'shipment' {
  return type.startsWith('sct.order.') ? 'order' : 'shipment';
}

/** A `data` field of an event type that names an order or a shipment. */
export interface EntityReferenceField {
  /** Field name inside `data` (`orderId`). */
  field: string;
  entity: 'order' | 'shipment';
}

/**
 * Every `data` field of every event type that names an order or a shipment, derived from the
 * schemas (the fields declared with {@link entityReference}); the one list drill isolation uses.
 */
export const ENTITY_REFERENCE_FIELDS: Readonly<Record<EventType, readonly EntityReferenceField[]>> =
  referenceFieldsOfSchemas();

function referenceFieldsOfSchemas(): Record<EventType, EntityReferenceField[]> {
  const out = {} as Record<EventType, EntityReferenceField[]>;
  for (const type of ALL_EVENT_TYPES) {
    const shape: Record<string, z.ZodType> = eventDataSchemas[type].shape;
    out[type] = Object.entries(shape).flatMap(([field, schema]) => {
      let inner = schema;
      while (inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
      const meta = entityReferenceRegistry.get(inner);
      return meta ? [{ field, entity: meta.entity }] : [];
    });
  }
  return out;
}

/** One order or shipment an event names: its subject, or a reference in `data`. */
export interface NamedEntity {
  entity: 'order' | 'shipment';
  id: string;
  /** Where the event names it: `subject` or `data.<field>`. */
  field: string;
}

/**
 * The orders and shipments an event names: its subject first, then each reference of its `data`
 * that is present ({@link ENTITY_REFERENCE_FIELDS}), in schema order.
 */
export function entitiesNamedBy(event: { type: EventType; subject: string; data: object }): NamedEntity[] {
  const data = event.data as Record<string, unknown>;
  const named: NamedEntity[] = [{ entity: entityOfType(event.type), id: event.subject, field: 'subject' }];
  for (const { field, entity } of ENTITY_REFERENCE_FIELDS[event.type] ?? []) {
    const id = data[field];
    if (typeof id === 'string') named.push({ entity, id, field: `data.${field}` });
  }
  return named;
}

/** A drill id (CloudEvents extension `drillid`): 1-64 letters, digits and `. _ : -`. */
export const drillIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'only letters, digits and . _ : - are allowed');

const envelopeShape = {
  specversion: z.literal('1.0'),
  id: z.uuid(),
  source: shortText(512),
  subject: entityIdSchema,
  time: instantSchema,
  datacontenttype: z.literal('application/json').optional(),
  drillid: drillIdSchema.optional(),
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'must be a W3C traceparent')
    .optional(),
};

function envelopeFor<T extends EventType>(type: T) {
  return z.strictObject({ ...envelopeShape, type: z.literal(type), data: eventDataSchemas[type] });
}

/** The full event schema: a CloudEvent discriminated by `type`. Unknown attributes are rejected. */
export const supplyChainEventSchema = z.discriminatedUnion('type', [
  envelopeFor(EVENT_TYPES.orderCreated),
  envelopeFor(EVENT_TYPES.orderApproved),
  envelopeFor(EVENT_TYPES.orderPicked),
  envelopeFor(EVENT_TYPES.orderPacked),
  envelopeFor(EVENT_TYPES.orderShipped),
  envelopeFor(EVENT_TYPES.orderDelivered),
  envelopeFor(EVENT_TYPES.orderCancelled),
  envelopeFor(EVENT_TYPES.shipmentCreated),
  envelopeFor(EVENT_TYPES.shipmentCheckpoint),
  envelopeFor(EVENT_TYPES.shipmentEtaUpdated),
  envelopeFor(EVENT_TYPES.shipmentException),
  envelopeFor(EVENT_TYPES.shipmentDelivered),
]);

/** A validated supply-chain CloudEvent. */
export type SupplyChainEvent = z.infer<typeof supplyChainEventSchema>;
/** The event of one given type. */
export type EventOf<T extends EventType> = Extract<SupplyChainEvent, { type: T }>;
export type OrderEvent = Extract<SupplyChainEvent, { type: `sct.order.${string}` }>;
export type ShipmentEvent = Extract<SupplyChainEvent, { type: `sct.shipment.${string}` }>;

/**
 * How far in the future an injected event's `time` may be (ms): 24 h. Event time is when the
 * thing happened in the physical world, so a later instant is a typo or a wrong zone, beyond the
 * clock skew between a site and this server and a carrier's local-time stamps (time zones reach
 * +14 h). Checked where events enter through the API (`POST /api/events`, `/batch`); not in
 * {@link validateEvent}, which the workers also apply on replay: an event's validity must not
 * depend on when it is read.
 */
export const MAX_EVENT_TIME_AHEAD_MS = 24 * 60 * 60 * 1000;

/**
 * The issue of an event time more than {@link MAX_EVENT_TIME_AHEAD_MS} after `nowMs`, or null.
 * @param time the event's `time` (a valid RFC 3339 instant)
 * @param nowMs the receiving server's clock (ms since the epoch)
 */
export function futureTimeIssue(time: string, nowMs: number): FieldIssue | null {
  if (Date.parse(time) - nowMs <= MAX_EVENT_TIME_AHEAD_MS) return null;
  return {
    field: 'time',
    rule: 'not_in_future',
    message: `must not be more than ${MAX_EVENT_TIME_AHEAD_MS / 3_600_000} h after the server's clock (${new Date(nowMs).toISOString()}): event time is when it happened`,
  };
}

/** One rule broken by an input: the dotted field path (`data.lines.0.quantity`) and the rule. */
export const fieldIssueSchema = z.object({ field: z.string(), rule: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

/** Result of {@link validateEvent}: the typed event, or every broken rule named by field. */
export type ValidationResult = { ok: true; event: SupplyChainEvent } | { ok: false; issues: FieldIssue[] };

/**
 * Validates an untrusted value as a supply-chain CloudEvent.
 *
 * The `id` (the idempotency key, a UUID) is returned in its canonical lowercase form: UUIDs are
 * case-insensitive on input and lowercase on output (RFC 9562, section 4), and PostgreSQL's
 * `uuid` type answers in lowercase, so `A1B2...` and `a1b2...` are one event everywhere.
 *
 * @param input any JSON value (parsed request body, Kafka message value)
 * @returns `{ok: true, event}`, or `{ok: false, issues}` where each issue names the field path
 *   and the rule; never throws.
 */
export function validateEvent(input: unknown): ValidationResult {
  const parsed = supplyChainEventSchema.safeParse(input);
  if (parsed.success) return { ok: true, event: { ...parsed.data, id: parsed.data.id.toLowerCase() } };
  return { ok: false, issues: toFieldIssues(parsed.error) };
}

/**
 * Turns a zod error into field-named issues, each exact one once ({@link uniqueIssues}). An
 * unknown `type` gets one clear issue on `type` that lists the known types, instead of zod's
 * union noise.
 */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return uniqueIssues(
    error.issues.flatMap((issue) =>
      issueFields(issue.path, issue).map((field) => {
        if (issue.code === 'invalid_union' && field === 'type') {
          return {
            field,
            rule: 'known_event_type',
            message: `must be one of: ${ALL_EVENT_TYPES.join(', ')}`,
          };
        }
        return { field, rule: issueRule(issue), message: issue.message };
      }),
    ),
  );
}

/**
 * The issues without exact repeats (same field, rule and message), first occurrences in order.
 * Issues that differ in any of the three are all kept: a quantity of 1e20 breaks both zod's
 * safe-integer bound and the schema's max, two `too_big` issues with different messages.
 */
export function uniqueIssues(issues: readonly FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = JSON.stringify([i.field, i.rule, i.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The one-line summary of issues for an error message: `field rule` pairs joined by `, `, each
 * pair once (two messages of one rule on one field read as one: `quantity too_big`), in order.
 */
export function issueSummary(issues: readonly FieldIssue[]): string {
  return [...new Set(issues.map((i) => `${i.field} ${i.rule}`))].join(', ');
}

/**
 * The dotted fields a zod issue at `path` names, the same for events and API requests: an
 * unknown-keys issue names each unknown key (`data.carier`, `limit`), not the object around
 * them; any other issue its path, or `(root)` for the whole input.
 */
export function issueFields(path: readonly PropertyKey[], issue: { code: string; keys?: unknown }): string[] {
  const at = path.map(String);
  if (issue.code === 'unrecognized_keys' && Array.isArray(issue.keys) && issue.keys.length > 0)
    return issue.keys.map((key) => [...at, String(key)].join('.') || '(root)');
  return [at.join('.') || '(root)'];
}

/**
 * The rule a zod issue names, the same for events and API requests: a refinement's
 * `params.rule`, `format:<format>` for a format (`format:regex`, `format:datetime`), else zod's code.
 */
export function issueRule(issue: { code: string; params?: unknown; format?: unknown }): string {
  const custom = issue.code === 'custom' ? (issue.params as { rule?: unknown } | undefined)?.rule : undefined;
  if (typeof custom === 'string') return custom;
  if (issue.code === 'invalid_format')
    return `format:${typeof issue.format === 'string' ? issue.format : 'unknown'}`;
  return issue.code;
}

// Building an Intl.DateTimeFormat costs ~0.1 ms: remember the answers (few distinct zones exist).
const knownZones = new Map<string, boolean>();

function isKnownTimeZone(zone: string): boolean {
  let known = knownZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size < 1_000) knownZones.set(zone, known);
  }
  return known;
}
