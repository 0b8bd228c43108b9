/**
 * HTTP API contract between the console (renderer or any browser) and the embedded API.
 * Query-string schemas validate input at the server; response types are what the client gets.
 * All instants are RFC 3339 UTC strings; all `*Date`/`day` values are site-time calendar days
 * (`YYYY-MM-DD`); durations are milliseconds.
 *
 * Routes (all under `/api`, all require `Authorization: Bearer <token>`):
 * - `POST /events` one CloudEvent -> 202 {@link InjectResult}
 * - `POST /events/batch` {events: CloudEvent[]} -> 202 {@link InjectResult}[]
 * - `GET /orders` {@link orderListQuerySchema} -> {@link OrderPage}
 * - `GET /orders/:orderId` -> {@link OrderDetail}
 * - `GET /shipments/:shipmentId` -> {@link ShipmentDetail}
 * - `GET /lookup/:entityId` -> {@link EntitySummary} (Redis first, PostgreSQL fallback)
 * - `GET /kpi/summary` {@link kpiQuerySchema} -> {@link KpiSummary}
 * - `GET /kpi/daily` {@link kpiQuerySchema} -> {@link KpiDailyPoint}[]
 * - `GET /health` -> {@link StackHealth} (services, workers with lag per partition)
 * - `GET /drift/last` -> {@link DriftReport}, or null before the first `npm run replay`
 * - `GET /live` server-sent events stream of {@link ChangeNotification}
 */
import { z } from 'zod';
import { reasonSchema } from './auth';
import { calendarDateSchema, entityIdSchema, type FieldIssue } from './events';
import { ORDER_STATUSES, type OrderStatus } from './order-status';
import type { ShipmentStatus } from './shipment-status';
import type { WorkerName } from './workers';

const booleanFlag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** A day range is read inclusive from `from` to `to`: a reversed range is a client error, not "no data". */
const rangeInOrder = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to;
const rangeIssue = { message: 'must be on or after from', path: ['to'], params: { rule: 'date_range' } };

/** Query of the orders list. `from`/`to` filter by created day (site time), inclusive. */
export const orderListQuerySchema = z
  .strictObject({
    status: z.enum(ORDER_STATUSES).optional(),
    from: calendarDateSchema.optional(),
    to: calendarDateSchema.optional(),
    q: entityIdSchema.optional(),
    sort: z.enum(['createdAt', 'promisedDate', 'status', 'lastEventTime']).default('createdAt'),
    order: z.enum(['asc', 'desc']).default('desc'),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(500).default(50),
    includeDrills: booleanFlag.default(true),
  })
  .refine(rangeInOrder, rangeIssue);
export type OrderListQuery = z.infer<typeof orderListQuerySchema>;

/** KPI query: days (site time) inclusive; no range = all data. Drill traffic excluded by default. */
export const kpiQuerySchema = z
  .strictObject({
    from: calendarDateSchema.optional(),
    to: calendarDateSchema.optional(),
    includeDrills: booleanFlag.default(false),
  })
  .refine(rangeInOrder, rangeIssue);
export type KpiQuery = z.infer<typeof kpiQuerySchema>;

/** Batch inject body. */
export const injectBatchSchema = z.strictObject({ events: z.array(z.unknown()).min(1).max(1000) });

export const entityIdParamsSchema = z.strictObject({ id: entityIdSchema });

/** Where Kafka stored an accepted event (acks=all). */
export interface InjectResult {
  id: string;
  topic: string;
  partition: number;
  offset: string;
}

/** 4xx body: `error` is a stable code; `issues` name each broken field and rule. */
export interface ApiError {
  error: string;
  message: string;
  issues?: FieldIssue[];
  /** For batch injects: index of the first rejected event. */
  index?: number;
}

export interface OrderSummary {
  orderId: string;
  status: OrderStatus;
  customerId: string | null;
  warehouseId: string | null;
  siteTimeZone: string | null;
  promisedDate: string | null;
  createdAt: string | null;
  approvedAt: string | null;
  shippedAt: string | null;
  deliveredAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  shipmentId: string | null;
  lastEventTime: string | null;
  eventCount: number;
  isDrill: boolean;
  drillId: string | null;
}

export interface OrderPage {
  items: OrderSummary[];
  total: number;
  page: number;
  pageSize: number;
}

export interface OrderLine {
  sku: string;
  quantity: number;
  deliveredQuantity: number | null;
}

/** One applied event in an entity's history, ordered by event time. */
export interface HistoryEntry {
  id: string;
  type: string;
  time: string;
  source: string;
  drillId: string | null;
  data: unknown;
  recordedAt: string;
}

export interface OrderDetail extends OrderSummary {
  lines: OrderLine[];
  history: HistoryEntry[];
}

export interface ShipmentSummary {
  shipmentId: string;
  orderId: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  origin: string | null;
  destination: string | null;
  promisedDate: string | null;
  status: ShipmentStatus;
  eta: string | null;
  exceptionReason: string | null;
  deliveredAt: string | null;
  lastEventTime: string | null;
  isDrill: boolean;
  drillId: string | null;
}

/** One checkpoint on a shipment timeline (checkpoints, ETA changes, exceptions, delivery). */
export interface TimelineEntry {
  id: string;
  type: string;
  time: string;
  status: ShipmentStatus | null;
  location: string | null;
  message: string | null;
  drillId: string | null;
}

export interface ShipmentDetail extends ShipmentSummary {
  timeline: TimelineEntry[];
}

export type EntitySummary =
  { kind: 'order'; order: OrderSummary } | { kind: 'shipment'; shipment: ShipmentSummary };

/** KPI summary over a day range (DESIGN.md "KPIs"). Rates are 0..1, null when nothing delivered. */
export interface KpiSummary {
  from: string | null;
  to: string | null;
  includeDrills: boolean;
  createdOrders: number;
  deliveredOrders: number;
  onTimeOrders: number;
  lateOrders: number;
  otd: number | null;
  otifOrders: number;
  otif: number | null;
  cycleTimeMedianMs: number | null;
  cycleTimeP90Ms: number | null;
  ordersByStatus: Record<OrderStatus, number>;
  backlog: number;
  openExceptions: number;
  /** First and last day (site time) that holds any order activity, for picking a range. */
  dataFrom: string | null;
  dataTo: string | null;
  computedAt: string;
}

export interface KpiDailyPoint {
  day: string;
  created: number;
  shipped: number;
  delivered: number;
  onTime: number;
  late: number;
}

/**
 * `up`: answers; `degraded`: connected but not answering in time (e.g. a frozen Redis: reads fall
 * back to PostgreSQL, cache writes are dropped and rebuilt later); `down`: unreachable.
 */
export type ServiceState = 'up' | 'degraded' | 'down';

export interface ServiceHealth {
  name: 'kafka' | 'postgres' | 'redis';
  state: ServiceState;
  address: string;
  detail: string;
}

/** How far one consumer group is behind on one partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Next offset the group will apply (its stored position). */
  nextOffset: number;
  /** Offset the broker will give the next appended message. */
  highWatermark: number;
  /** Messages appended but not applied yet. */
  lagEvents: number;
  /** Seconds since the last applied message was appended, while behind; 0 when caught up; null when unknown. */
  lagSeconds: number | null;
  /** Event time of the last applied event (UTC ISO). */
  lastEventTime: string | null;
  /**
   * Set while the partition is stalled: its next batch keeps failing on a bound (a row lock held
   * by another session past `lock_timeout`, a statement past `statement_timeout`) and is retried
   * with backoff while the other partitions go on. When the stall began (UTC ISO).
   */
  stalledSince?: string;
  /** Why it is stalled, for operators (e.g. "waiting on a row lock held by another session: ..."). */
  stallReason?: string;
}

export interface WorkerHealth {
  name: WorkerName;
  state: 'starting' | 'running' | 'restarting' | 'stopped' | 'crashed';
  pid: number | null;
  restarts: number;
  lastExitCode: number | null;
  /** Signal that ended the last run (e.g. SIGKILL), null when it exited by itself. */
  lastSignal?: string | null;
  /**
   * Whether the worker's Kafka consumer is a member of its consumer group: a running process whose
   * consumer keeps crashing (broker unreachable, credentials refused) is not consuming. Absent
   * when not measured (the process is not running).
   */
  consumer?: { state: 'consuming' | 'not_consuming' | 'unknown'; detail: string };
  /** Sum of lagEvents over the group's partitions (absent when not measured). */
  lagEvents?: number;
  /** Largest lagSeconds over the partitions. */
  lagSeconds?: number | null;
  /** Latest event time this worker applied. */
  lastEventTime?: string | null;
  partitions?: PartitionLag[];
}

export interface StackHealth {
  services: ServiceHealth[];
  workers: WorkerHealth[];
  checkedAt: string;
}

/** Pushed on `/live` after a worker committed changes: the console refetches what it shows. */
export interface ChangeNotification {
  source: WorkerName;
  orderIds: string[];
  shipmentIds: string[];
  kpi: boolean;
  /** True when the id lists were cut (large batches): listeners should refetch what they show. */
  truncated: boolean;
  at: string;
}

// ---------------------------------------------------------------------------------------------
// Dead letters: poison messages parked by the workers, listed for review and re-drive.
//
// Routes (under `/api`, bearer token as above):
// - `GET /dead-letters` {@link deadLetterListQuerySchema} -> {@link DeadLetterPage}
// - `POST /dead-letters/redrive` {@link deadLetterRedriveSchema} -> {@link DeadLetterRedriveResult}:
//   202 when at least one key was re-published, else 422 when a payload is still invalid, else 404.
//
// ORDER: one dead message is parked once per consumer group that read it (order-processor and
// analytics-aggregator both read the orders topic). The list has ONE row per source message
// (topic/partition/offset) naming the groups that parked it, and a re-drive re-publishes that
// message ONCE through the normal producer path; every group then sees it again and applies it
// at most once (the event id is the idempotency key), so re-driving twice still counts once.
// ---------------------------------------------------------------------------------------------

/** Status filter of the dead-letter list: not re-driven yet, re-driven at least once, or both. */
export const DEAD_LETTER_STATUSES = ['open', 'redriven', 'all'] as const;
export type DeadLetterStatusFilter = (typeof DEAD_LETTER_STATUSES)[number];

/** Kafka topic names: letters, digits, `.`, `_`, `-`, at most 249 characters. */
const topicNameSchema = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[A-Za-z0-9._-]+$/, 'only letters, digits and . _ - are allowed');

/** Query of the dead-letter list (newest first). `type` matches the event type exactly. */
export const deadLetterListQuerySchema = z.strictObject({
  status: z.enum(DEAD_LETTER_STATUSES).default('all'),
  type: z.string().min(1).max(200).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type DeadLetterListQuery = z.infer<typeof deadLetterListQuerySchema>;

/** Identifies a dead letter: the source message (offset as a decimal string, like {@link InjectResult}). */
export const deadLetterKeySchema = z.strictObject({
  sourceTopic: topicNameSchema,
  sourcePartition: z.number().int().min(0).max(100_000),
  sourceOffset: z.string().regex(/^\d{1,19}$/, 'must be a Kafka offset (decimal digits)'),
});
export type DeadLetterKey = z.infer<typeof deadLetterKeySchema>;

/** Most keys one re-drive request may name. */
export const MAX_REDRIVE_KEYS = 500;

/** Distinct dead letters among re-drive keys (a key named twice is one dead letter). */
function distinctKeyCount(keys: readonly DeadLetterKey[]): number {
  return new Set(keys.map((k) => `${k.sourceTopic}/${k.sourcePartition}/${k.sourceOffset}`)).size;
}

/**
 * Re-drive body: 1..500 dead letters (a key named twice is re-driven once). Re-driving more than
 * one distinct dead letter is a bulk action and needs a `reason` (recorded in the audit log).
 */
export const deadLetterRedriveSchema = z
  .strictObject({
    keys: z.array(deadLetterKeySchema).min(1).max(MAX_REDRIVE_KEYS),
    reason: reasonSchema.optional(),
  })
  .refine((body) => distinctKeyCount(body.keys) === 1 || body.reason !== undefined, {
    message: 'is required when re-driving more than one dead letter',
    path: ['reason'],
    params: { rule: 'required_for_bulk' },
  });
export type DeadLetterRedriveRequest = z.infer<typeof deadLetterRedriveSchema>;

/** Longest payload text the list returns per row; longer payloads are cut (see `payloadLength`). */
export const DEAD_LETTER_PAYLOAD_PREVIEW_CHARS = 16_384;

/** One dead source message, with every consumer group that parked it. */
export interface DeadLetter extends DeadLetterKey {
  /** Consumer groups that parked this message (sorted). */
  groups: string[];
  /** Event id and type from the message headers, else from the payload when it is a JSON object. */
  eventId: string | null;
  eventType: string | null;
  /** Why it could not be applied (e.g. `schema validation failed: data.lines.0.quantity: too_small (...)`). */
  error: string;
  /** The message value as text (possibly not JSON), cut at {@link DEAD_LETTER_PAYLOAD_PREVIEW_CHARS}. */
  payload: string;
  /** Length of the whole payload in characters (> payload.length when cut). */
  payloadLength: number;
  /** When it was first parked. */
  recordedAt: string;
  /** When it was last re-driven; null while open. */
  redrivenAt: string | null;
  /** How many times it was re-driven. */
  redriveCount: number;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  /** Rows matching the query. */
  total: number;
  page: number;
  pageSize: number;
  /** Open dead letters overall (any type): the console's badge. */
  openCount: number;
  /** Event types present among all dead letters, for the type filter. */
  eventTypes: string[];
}

/**
 * What happened to one key of a re-drive, with an HTTP-like status:
 * - 202 `redriven`: published again (`placed` = where Kafka stored it) and recorded;
 * - 422 `rejected`: the payload is still not a valid event (`issues` name each field and rule;
 *   `error` is `payload_not_json` or `validation_failed`); nothing was published for it;
 * - 404 `not_found`: no dead letter with that key.
 */
export interface DeadLetterRedriveOutcome extends DeadLetterKey {
  status: 202 | 404 | 422;
  outcome: 'redriven' | 'rejected' | 'not_found';
  message: string;
  error?: 'payload_not_json' | 'validation_failed';
  issues?: FieldIssue[];
  eventId?: string;
  placed?: InjectResult;
}

/**
 * Answer of `POST /dead-letters/redrive`, one outcome per distinct key in request order. When
 * nothing was re-driven (HTTP 422/404) it is also an {@link ApiError} (`error`, `message`, and the
 * `issues` of the rejected payloads).
 */
export interface DeadLetterRedriveResult {
  results: DeadLetterRedriveOutcome[];
  redriven: number;
  rejected: number;
  notFound: number;
  error?: string;
  message?: string;
  issues?: FieldIssue[];
}

/** Differences of one read-model table between the live schema and a fresh replay. */
export interface TableDrift {
  table: string;
  /** Entities (by key) whose rows differ, exist only live, or only in the replay. */
  differingKeys: number;
  sampleKeys: string[];
}

/** Result of a drift check (`npm run replay -- --check`); `GET /api/drift/last` returns the newest. */
export interface DriftReport {
  id?: number;
  startedAt: string;
  finishedAt: string;
  replaySchema: string;
  replayedMessages: number;
  replayEventsPerSecond: number;
  /** True when no table, KPI total or cache entry differs. */
  ok: boolean;
  /** True when live traffic moved past the replayed positions during the check (differences may be that traffic). */
  streamMoved: boolean;
  tables: TableDrift[];
  /** KPI summary fields whose live and replayed values differ. */
  kpiDifferences: string[];
  redis: { checked: number; stale: number; sampleKeys: string[] };
}
