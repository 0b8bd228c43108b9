/**
 * HTTP API contract between the console (renderer or any browser) and the embedded API: the zod
 * schema of every query string, path, body and answer, each with its `z.infer` type of the same
 * name. contracts/routes.ts puts them together per route (the one table the server registers
 * from, the OpenAPI document at `/api/openapi.json` describes and the console's `apiCall` is
 * typed and checked by); this module only defines the shapes.
 *
 * All instants are RFC 3339 UTC strings; all `*Date`/`day` values are site-time calendar days
 * (`YYYY-MM-DD`); durations are milliseconds. Every 4xx/5xx body is an {@link ApiError}. Each
 * order's punctuality and the KPI series' site-day buckets are computed by the API with
 * contracts/site-time.ts (the on-time rule of DESIGN.md "KPIs"): the console computes no KPI.
 * The live stream (`GET /api/live`, server-sent events) carries {@link ChangeNotification}s.
 */
import { z } from 'zod';
import { decodeOrderCursor, pageOf, pageQueryFields } from './paging';
import { reasonSchema } from './auth';
import { shortText } from './text';
import { calendarDateSchema, entityIdSchema, fieldIssueSchema, type SupplyChainEvent } from './events';
import { sourceKindSchema } from './event-sources';
import { lifecycleStepSchema } from './order-lifecycle';
import { ORDER_STATUSES, type OrderStatus } from './order-status';
import { SHIPMENT_STATUSES } from './shipment-status';
import { KPI_BUCKETS, punctualitySchema } from './site-time';
import { WORKER_NAMES, type WorkerName } from './workers';

const booleanFlag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** A day range is read inclusive from `from` to `to`: a reversed range is a client error, not "no data". */
const rangeInOrder = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to;
const rangeIssue = { message: 'must be on or after from', path: ['to'], params: { rule: 'date_range' } };

/**
 * Punctuality filters of the orders list (contracts/site-time.ts `punctuality`):
 * - `on_time` / `late`: delivered orders whose KPI facts say on time / not on time (the same facts
 *   the KPI summary counts: a delivered order without a verdict counts as late there and here);
 * - `at_risk`: open (not delivered, not cancelled) and today (site time) is on or after the promised day;
 * - `overdue`: open and today (site time) is after the promised day (flagged "overdue").
 */
export const ORDER_PUNCTUALITY_FILTERS = ['on_time', 'late', 'at_risk', 'overdue'] as const;
export type OrderPunctualityFilter = (typeof ORDER_PUNCTUALITY_FILTERS)[number];

/** Sortable columns of the orders list: every column the console shows. */
export const ORDER_SORTS = [
  'orderId',
  'status',
  'customerId',
  'warehouseId',
  'createdAt',
  'promisedDate',
  'deliveredAt',
  'lastEventTime',
  'eventCount',
] as const;
export type OrderSortColumn = (typeof ORDER_SORTS)[number];

/** Several order statuses as one comma-separated query value (`approved,picked`); a wrong one is named. */
const orderStatusListSchema = z
  .string()
  .max(200)
  .transform((text, ctx): OrderStatus[] => {
    const parts = text.split(',');
    const unknown = parts.filter((part) => !(ORDER_STATUSES as readonly string[]).includes(part));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown status ${unknown.map((u) => JSON.stringify(u)).join(', ')}: use ${ORDER_STATUSES.join(', ')}`,
        params: { rule: 'invalid_value' },
      });
      return z.NEVER;
    }
    return parts as OrderStatus[];
  })
  .meta({ description: 'one or more order statuses, comma-separated' });

/** The day-range pairs of the orders filter (site days, inclusive). */
const ORDER_DAY_RANGES = [
  ['from', 'to'],
  ['promisedFrom', 'promisedTo'],
  ['shippedFrom', 'shippedTo'],
  ['deliveredFrom', 'deliveredTo'],
] as const;

/**
 * The orders filter: what the list and its CSV export select. Every KPI figure and KPI-series bar
 * maps to one such filter (contracts/kpi-drilldown.ts) whose total equals the figure.
 * - `status`: one or more statuses (comma-separated);
 * - `from`/`to`: created day; `promisedFrom/To`: promised day; `shippedFrom/To`,
 *   `deliveredFrom/To`: the KPI facts' shipped and delivered days (site time, inclusive);
 * - `punctuality`: see {@link ORDER_PUNCTUALITY_FILTERS}; `inFull`: delivered in full (or not);
 * - `openException`: has (or has no) shipment in an exception status (`EXCEPTION_SHIPMENT_STATUSES`);
 * - `warehouse`, `customer`: exact ids; `q`: prefix of the order id, shipment id, customer id or
 *   a shipment's tracking number;
 * - `includeDrills=false`: real traffic only; `drillsOnly=true`: drill traffic only.
 */
const orderFilterShape = {
  status: orderStatusListSchema.optional(),
  from: calendarDateSchema.optional(),
  to: calendarDateSchema.optional(),
  promisedFrom: calendarDateSchema.optional(),
  promisedTo: calendarDateSchema.optional(),
  shippedFrom: calendarDateSchema.optional(),
  shippedTo: calendarDateSchema.optional(),
  deliveredFrom: calendarDateSchema.optional(),
  deliveredTo: calendarDateSchema.optional(),
  punctuality: z.enum(ORDER_PUNCTUALITY_FILTERS).optional(),
  inFull: booleanFlag.optional(),
  openException: booleanFlag.optional(),
  warehouse: entityIdSchema.optional(),
  customer: entityIdSchema.optional(),
  q: entityIdSchema.optional(),
  sort: z.enum(ORDER_SORTS).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  includeDrills: booleanFlag.default(true),
  drillsOnly: booleanFlag.default(false),
};

/** Reversed day ranges and "drill traffic only" without drill traffic are client errors. */
function checkOrderFilter(
  q: Partial<Record<(typeof ORDER_DAY_RANGES)[number][number], string>> & {
    includeDrills: boolean;
    drillsOnly: boolean;
  },
  ctx: z.RefinementCtx,
): void {
  for (const [start, end] of ORDER_DAY_RANGES) {
    const a = q[start];
    const b = q[end];
    if (a && b && a > b)
      ctx.addIssue({
        code: 'custom',
        message: `must be on or after ${start}`,
        path: [end],
        params: { rule: 'date_range' },
      });
  }
  if (q.drillsOnly && !q.includeDrills)
    ctx.addIssue({
      code: 'custom',
      message: 'cannot be true while includeDrills is false',
      path: ['drillsOnly'],
      params: { rule: 'drill_filter' },
    });
}

/** How the server writes each sort column's key in a cursor (contracts/paging.ts `OrderCursor`). */
const ORDER_SORT_KEY_FORMATS: Record<OrderSortColumn, { pattern: RegExp; text: string }> = {
  orderId: { pattern: /^[\s\S]{0,200}$/, text: 'text' },
  status: { pattern: /^[\s\S]{0,200}$/, text: 'text' },
  customerId: { pattern: /^[\s\S]{0,200}$/, text: 'text' },
  warehouseId: { pattern: /^[\s\S]{0,200}$/, text: 'text' },
  createdAt: { pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/, text: 'an instant' },
  promisedDate: { pattern: /^\d{4}-\d{2}-\d{2}$/, text: 'a day' },
  deliveredAt: { pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/, text: 'an instant' },
  lastEventTime: { pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/, text: 'an instant' },
  eventCount: { pattern: /^\d{1,9}$/, text: 'a count' },
};

/**
 * Query of the orders list: the {@link orderFilterShape} filter plus the page. `after` (a
 * `nextCursor` of a previous answer with the same filter and sort) asks for the page after that
 * row by keyset paging, which costs the same at any depth; `page` is then ignored.
 */
export const orderListQuerySchema = z
  .strictObject({
    ...orderFilterShape,
    ...pageQueryFields,
    after: z.string().min(1).max(1000).optional(),
  })
  .superRefine((q, ctx) => {
    checkOrderFilter(q, ctx);
    if (q.after === undefined) return;
    const cursor = decodeOrderCursor(q.after);
    const format = ORDER_SORT_KEY_FORMATS[q.sort];
    if (!cursor || (cursor.key !== null && !format.pattern.test(cursor.key)))
      ctx.addIssue({
        code: 'custom',
        message: `must be the nextCursor of an earlier answer sorted by ${q.sort} (${format.text} and an order id)`,
        path: ['after'],
        params: { rule: 'cursor' },
      });
  });
export type OrderListQuery = z.infer<typeof orderListQuerySchema>;

/** Query of the orders CSV export: the list's filter and sort, every matching row (no page). */
export const orderExportQuerySchema = z.strictObject(orderFilterShape).superRefine(checkOrderFilter);
export type OrderExportQuery = z.infer<typeof orderExportQuerySchema>;

/** `GET /api/orders/export.csv` answer: `text/csv` (RFC 4180, header row first), described for OpenAPI. */
export const orderCsvSchema = z
  .string()
  .meta({ description: 'text/csv; one header row, then one row per matching order in the sort order' });

const kpiQueryShape = {
  from: calendarDateSchema.optional(),
  to: calendarDateSchema.optional(),
  includeDrills: booleanFlag.default(false),
  /** Only orders of this warehouse (site); absent = every site. */
  warehouse: entityIdSchema.optional(),
};

/** KPI query: days (site time) inclusive; no range = all data. Drill traffic excluded by default. */
export const kpiQuerySchema = z.strictObject(kpiQueryShape).refine(rangeInOrder, rangeIssue);
export type KpiQuery = z.infer<typeof kpiQuerySchema>;

/**
 * KPI series query: the KPI range plus the bucket size (`day`, `week` = ISO week, `month`); when
 * absent the server picks by the range's length (contracts/site-time.ts `bucketFor`).
 */
export const kpiSeriesQuerySchema = z
  .strictObject({ ...kpiQueryShape, bucket: z.enum(KPI_BUCKETS).optional() })
  .refine(rangeInOrder, rangeIssue);
export type KpiSeriesQuery = z.infer<typeof kpiSeriesQuerySchema>;

/** Batch inject body. */
export const injectBatchSchema = z.strictObject({ events: z.array(z.unknown()).min(1).max(1000) });

/** `POST /api/events` body: one CloudEvent, validated by the handler (so a refusal can name the event's index and check its drill rules); typed here for callers. */
export const injectEventBodySchema = z
  .custom<SupplyChainEvent>()
  .meta({ description: 'one CloudEvent 1.0 (contracts/events.ts), structured JSON' });

export const entityIdParamsSchema = z.strictObject({ id: entityIdSchema });

// ---------------------------------------------------------------------------------------------
// Response bodies. Plain `z.object`: a field the schema does not name is left out of the answer
// (never leaked) and ignored by the client (an older console still reads a newer API).
// ---------------------------------------------------------------------------------------------

/**
 * Where Kafka stored an accepted event (acks=all). `offset` is a decimal string (int64).
 * An event kept in the offline outbox (broker unreachable, contracts/outbox.ts) has `queued: true`,
 * its `outboxEntryId`, the topic and partition it will go to, and offset `"-1"` (not stored yet).
 */
export const injectResultSchema = z.object({
  id: z.string(),
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string(),
  queued: z.boolean().optional(),
  outboxEntryId: z.string().optional(),
});
export type InjectResult = z.infer<typeof injectResultSchema>;

/** `POST /api/events/batch` answer: one {@link InjectResult} per event, in request order. */
export const injectResultsSchema = z.array(injectResultSchema);

/** `POST /api/auth/logout` answer: 204, no body. */
export const signedOutSchema = z.undefined().meta({ description: 'no content' });

/** `GET /api/openapi.json` answer: an OpenAPI 3 document (its parts are OpenAPI's, not ours). */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});
export type OpenApiDocument = z.infer<typeof openApiDocumentSchema>;

/** 4xx/5xx body: `error` is a stable code; `issues` name each broken field and rule. */
export const apiErrorSchema = z
  .object({
    error: z.string(),
    message: z.string(),
    issues: z.array(fieldIssueSchema).optional(),
    /** For batch injects: index of the first rejected event. */
    index: z.number().int().optional(),
  })
  .meta({ description: 'ApiError: a stable error code, a message, and the fields and rules that failed' });
export type ApiError = z.infer<typeof apiErrorSchema>;

const instant = z.string(); // RFC 3339 UTC, as stored
const day = z.string(); // YYYY-MM-DD, site time

/** An order's read model as the workers keep it (also the Redis lookup cache's order entry). */
export const orderSummarySchema = z.object({
  orderId: z.string(),
  status: z.enum(ORDER_STATUSES),
  customerId: z.string().nullable(),
  warehouseId: z.string().nullable(),
  siteTimeZone: z.string().nullable(),
  promisedDate: day.nullable(),
  createdAt: instant.nullable(),
  approvedAt: instant.nullable(),
  shippedAt: instant.nullable(),
  deliveredAt: instant.nullable(),
  cancelledAt: instant.nullable(),
  cancelReason: z.string().nullable(),
  shipmentId: z.string().nullable(),
  lastEventTime: instant.nullable(),
  eventCount: z.number().int(),
  isDrill: z.boolean(),
  drillId: z.string().nullable(),
});
export type OrderSummary = z.infer<typeof orderSummarySchema>;

/**
 * An order as the list and the detail answer it: the summary plus its punctuality at the time of
 * the request (contracts/site-time.ts; null when it cannot be judged).
 */
export const orderRowSchema = orderSummarySchema.extend({ punctuality: punctualitySchema.nullable() });
export type OrderRow = z.infer<typeof orderRowSchema>;

export const orderPageSchema = pageOf(orderRowSchema).extend({
  /**
   * True when `total` is a lower bound: more orders match than the server counts for this filter
   * (server/api/queries.ts `ORDER_TOTAL_CAP`); the pages still reach every matching order.
   * Absent (older servers) means exact.
   */
  totalCapped: z.boolean().optional(),
  /**
   * Pass as `after` for the next page (keyset paging, same filter and sort); null on the last
   * page. Always sent by this server.
   */
  nextCursor: z.string().nullable().optional(),
});
export type OrderPage = z.infer<typeof orderPageSchema>;

export const orderLineStateSchema = z.object({
  sku: z.string(),
  quantity: z.number(),
  deliveredQuantity: z.number().nullable(),
});
export type OrderLine = z.infer<typeof orderLineStateSchema>;

/** One applied event in an entity's history, ordered by event time. */
export const historyEntrySchema = z.object({
  id: z.string(),
  type: z.string(),
  time: instant,
  source: z.string(),
  drillId: z.string().nullable(),
  data: z.unknown(),
  recordedAt: instant,
  /** The kind of its source (contracts/event-sources.ts): console, drill, import, carrier or other. */
  sourceKind: sourceKindSchema,
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** A shipment of an order as the order detail lists it: its current status and promise. */
export const linkedShipmentSchema = z.object({
  shipmentId: z.string(),
  status: z.enum(SHIPMENT_STATUSES),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  eta: instant.nullable(),
  deliveredAt: instant.nullable(),
  lastEventTime: instant.nullable(),
});
export type LinkedShipment = z.infer<typeof linkedShipmentSchema>;

export const orderDetailSchema = orderRowSchema.extend({
  lines: z.array(orderLineStateSchema),
  history: z.array(historyEntrySchema),
  /** The lifecycle stepper's steps (contracts/order-lifecycle.ts), event times in UTC. */
  lifecycle: z.array(lifecycleStepSchema),
  /** Shipments of this order (by the shipment's order id or the order's shipment id), oldest first. */
  shipments: z.array(linkedShipmentSchema),
});
export type OrderDetail = z.infer<typeof orderDetailSchema>;

export const shipmentSummarySchema = z.object({
  shipmentId: z.string(),
  orderId: z.string().nullable(),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  origin: z.string().nullable(),
  destination: z.string().nullable(),
  promisedDate: day.nullable(),
  status: z.enum(SHIPMENT_STATUSES),
  eta: instant.nullable(),
  exceptionReason: z.string().nullable(),
  deliveredAt: instant.nullable(),
  lastEventTime: instant.nullable(),
  isDrill: z.boolean(),
  drillId: z.string().nullable(),
});
export type ShipmentSummary = z.infer<typeof shipmentSummarySchema>;

/** One checkpoint on a shipment timeline (checkpoints, ETA changes, exceptions, delivery). */
export const timelineEntrySchema = z.object({
  id: z.string(),
  type: z.string(),
  time: instant,
  status: z.enum(SHIPMENT_STATUSES).nullable(),
  location: z.string().nullable(),
  message: z.string().nullable(),
  drillId: z.string().nullable(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const shipmentDetailSchema = shipmentSummarySchema.extend({
  timeline: z.array(timelineEntrySchema),
  /** The order's site zone (the timeline's days are counted there); null when the order is unknown. */
  siteTimeZone: z.string().nullable(),
});
export type ShipmentDetail = z.infer<typeof shipmentDetailSchema>;

/** What `GET /lookup/:id` answers (and what the workers cache in Redis per entity). */
export const entitySummarySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('order'), order: orderSummarySchema }),
  z.object({ kind: z.literal('shipment'), shipment: shipmentSummarySchema }),
]);
export type EntitySummary = z.infer<typeof entitySummarySchema>;

/** The figures of a KPI range that the dashboard compares with the range before it. */
export const kpiPeriodSchema = z.object({
  from: day,
  to: day,
  createdOrders: z.number().int(),
  deliveredOrders: z.number().int(),
  onTimeOrders: z.number().int(),
  lateOrders: z.number().int(),
  otd: z.number().nullable(),
  otifOrders: z.number().int(),
  otif: z.number().nullable(),
  cycleTimeMedianMs: z.number().nullable(),
  cycleTimeP90Ms: z.number().nullable(),
  backlog: z.number().int(),
});
export type KpiPeriod = z.infer<typeof kpiPeriodSchema>;

/** A warehouse (site) orders carry, with its time zone when known. */
export const kpiSiteSchema = z.object({ warehouseId: z.string(), timeZone: z.string().nullable() });
export type KpiSite = z.infer<typeof kpiSiteSchema>;

/** Fields of the KPI summary for picking a range and site and comparing periods (contracts/kpi-range.ts). */
function kpiSummaryExtras() {
  return {
    /** The warehouse filter applied, null = every site. */
    warehouse: z.string().nullable(),
    /** Every warehouse orders carry (drill filter applied), for the site picker. */
    sites: z.array(kpiSiteSchema),
    /**
     * The span of days holding most activity (`mainSpan`): the dashboard's default range. Days
     * with activity outside it (a stray event far from the rest) are counted in `outsideDays`.
     */
    mainFrom: day.nullable(),
    mainTo: day.nullable(),
    outsideDays: z.number().int(),
    /** The same figures over the range of the same length just before `from`..`to`; null for an open range. */
    previous: kpiPeriodSchema.nullable(),
  };
}

/** KPI summary over a day range (DESIGN.md "KPIs"). Rates are 0..1, null when nothing delivered. */
export const kpiSummarySchema = z.object({
  from: day.nullable(),
  to: day.nullable(),
  includeDrills: z.boolean(),
  createdOrders: z.number().int(),
  deliveredOrders: z.number().int(),
  onTimeOrders: z.number().int(),
  lateOrders: z.number().int(),
  otd: z.number().nullable(),
  otifOrders: z.number().int(),
  otif: z.number().nullable(),
  cycleTimeMedianMs: z.number().nullable(),
  cycleTimeP90Ms: z.number().nullable(),
  ordersByStatus: z.record(z.enum(ORDER_STATUSES), z.number().int()),
  backlog: z.number().int(),
  openExceptions: z.number().int(),
  /** First and last day (site time) that holds any order activity, for picking a range. */
  dataFrom: day.nullable(),
  dataTo: day.nullable(),
  computedAt: instant,
  ...kpiSummaryExtras(),
});
export type KpiSummary = z.infer<typeof kpiSummarySchema>;

/** Counts of one day or bucket: orders created, shipped and delivered in it, the delivered ones on time or late. */
const kpiCountsShape = {
  created: z.number().int(),
  shipped: z.number().int(),
  delivered: z.number().int(),
  onTime: z.number().int(),
  late: z.number().int(),
};

/** One site day of the `kpi_daily` table (days without activity have no row). */
export const kpiDailyPointSchema = z.object({ day, ...kpiCountsShape });
export type KpiDailyPoint = z.infer<typeof kpiDailyPointSchema>;

/** One bucket of the KPI series: `start` is its first day (a day, an ISO week's Monday, a month's 1st). */
export const kpiBucketPointSchema = z.object({ start: day, ...kpiCountsShape });
export type KpiBucketPoint = z.infer<typeof kpiBucketPointSchema>;

/**
 * `GET /kpi/daily` answer: every bucket from the one holding `from` to the one holding `to`, in
 * order, zeros where nothing happened. `from`/`to` are the days covered: the query's range, or
 * the data's first/last day when the query leaves an end open or its range is longer than the
 * buckets allow (MAX_BUCKETS; then clamped to the data). Empty when there is nothing to cover.
 * Only when even the data spans more than MAX_BUCKETS months are the empty buckets left out.
 */
export const kpiSeriesSchema = z.object({
  bucket: z.enum(KPI_BUCKETS),
  from: day.nullable(),
  to: day.nullable(),
  points: z.array(kpiBucketPointSchema),
});
export type KpiSeries = z.infer<typeof kpiSeriesSchema>;

/**
 * `up`: answers; `degraded`: connected but not answering in time (e.g. a frozen Redis: reads fall
 * back to PostgreSQL, cache writes are dropped and rebuilt later); `down`: unreachable.
 */
export const SERVICE_STATES = ['up', 'degraded', 'down'] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

export const serviceHealthSchema = z.object({
  name: z.enum(['kafka', 'postgres', 'redis']),
  state: z.enum(SERVICE_STATES),
  address: z.string(),
  detail: z.string(),
});
export type ServiceHealth = z.infer<typeof serviceHealthSchema>;

/** How far one consumer group is behind on one partition. */
export const partitionLagSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  /** Next offset the group will apply (its stored position). */
  nextOffset: z.number(),
  /** Offset the broker will give the next appended message. */
  highWatermark: z.number(),
  /** Messages appended but not applied yet. */
  lagEvents: z.number(),
  /**
   * Age of the oldest message not applied yet (seconds; 0 when caught up; null when unknown):
   * defined and computed in one place, server/api/lag.ts (an idle period before it is not lag).
   */
  lagSeconds: z.number().nullable(),
  /** Event time of the last applied event (UTC ISO). */
  lastEventTime: instant.nullable(),
  /**
   * Set while the partition is stalled: its next batch keeps failing on a bound (a row lock held
   * by another session past `lock_timeout`, a statement past `statement_timeout`) and is retried
   * with backoff while the other partitions go on. When the stall began (UTC ISO).
   */
  stalledSince: instant.optional(),
  /** Why it is stalled, for operators (e.g. "waiting on a row lock held by another session: ..."). */
  stallReason: z.string().optional(),
});
export type PartitionLag = z.infer<typeof partitionLagSchema>;

export const workerHealthSchema = z.object({
  name: z.enum(WORKER_NAMES as [WorkerName, ...WorkerName[]]),
  state: z.enum(['starting', 'running', 'restarting', 'stopped', 'crashed']),
  pid: z.number().int().nullable(),
  restarts: z.number().int(),
  lastExitCode: z.number().int().nullable(),
  /** Signal that ended the last run (e.g. SIGKILL), null when it exited by itself. */
  lastSignal: z.string().nullable().optional(),
  /**
   * Whether the worker's Kafka consumer is a member of its consumer group: a running process whose
   * consumer keeps crashing (broker unreachable, credentials refused) is not consuming. Absent
   * when not measured (the process is not running).
   */
  consumer: z
    .object({ state: z.enum(['consuming', 'not_consuming', 'unknown']), detail: z.string() })
    .optional(),
  /** Sum of lagEvents over the group's partitions (absent when not measured). */
  lagEvents: z.number().optional(),
  /** Largest lagSeconds over the partitions (seconds; server/api/lag.ts). */
  lagSeconds: z.number().nullable().optional(),
  /** Latest event time this worker applied. */
  lastEventTime: instant.nullable().optional(),
  partitions: z.array(partitionLagSchema).optional(),
});
export type WorkerHealth = z.infer<typeof workerHealthSchema>;

export const stackHealthSchema = z.object({
  services: z.array(serviceHealthSchema),
  workers: z.array(workerHealthSchema),
  checkedAt: instant,
});
export type StackHealth = z.infer<typeof stackHealthSchema>;

/**
 * Pushed on `/live` (SSE `event: change`, the JSON in `data:`) after a worker committed changes:
 * the console refetches what it shows. A discriminated union on `truncated`:
 * - `false`: the id lists name every order and shipment that changed;
 * - `true`: the lists were cut (a large batch, or the cache was rebuilt and notifications were
 *   lost): listeners refetch everything they show.
 * Missing id lists read as empty and missing flags as false (older workers omitted them).
 */
const changeShape = {
  source: z.enum(WORKER_NAMES as [WorkerName, ...WorkerName[]]),
  orderIds: z.array(z.string()).default([]),
  shipmentIds: z.array(z.string()).default([]),
  kpi: z.boolean().default(false),
  at: instant,
};
export const changeNotificationSchema = z.discriminatedUnion('truncated', [
  z.object({ ...changeShape, truncated: z.literal(false) }),
  z.object({ ...changeShape, truncated: z.literal(true) }),
]);
export type ChangeNotification = z.infer<typeof changeNotificationSchema>;

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
  type: shortText(200).optional(),
  ...pageQueryFields,
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

/** A dead letter's key as answers carry it (the request schema above also checks the forms). */
const deadLetterKeyFields = {
  sourceTopic: z.string(),
  sourcePartition: z.number().int(),
  sourceOffset: z.string(),
};

/** One dead source message, with every consumer group that parked it. */
export const deadLetterSchema = z.object({
  ...deadLetterKeyFields,
  /** Consumer groups that parked this message (sorted). */
  groups: z.array(z.string()),
  /** Event id and type from the message headers, else from the payload when it is a JSON object. */
  eventId: z.string().nullable(),
  eventType: z.string().nullable(),
  /** Why it could not be applied (e.g. `schema validation failed: data.lines.0.quantity: too_small (...)`). */
  error: z.string(),
  /** The message value as text (possibly not JSON), cut at {@link DEAD_LETTER_PAYLOAD_PREVIEW_CHARS}. */
  payload: z.string(),
  /** Length of the whole payload in characters (> payload.length when cut). */
  payloadLength: z.number().int(),
  /** When it was first parked. */
  recordedAt: instant,
  /**
   * Whether the console offers a re-drive: only when the whole payload is a valid event today
   * (the same check as the re-drive itself); otherwise `reason` says why it could never pass
   * (not JSON, or which field breaks which rule) and the fix is a corrected event, not a re-drive.
   */
  redrive: z.object({ offered: z.boolean(), reason: z.string().nullable() }),
  /** When it was last re-driven; null while open. */
  redrivenAt: instant.nullable(),
  /** How many times it was re-driven. */
  redriveCount: z.number().int(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

export const deadLetterPageSchema = pageOf(deadLetterSchema).extend({
  /** Open dead letters overall (any type): the console's badge. */
  openCount: z.number().int(),
  /** Event types present among all dead letters, for the type filter. */
  eventTypes: z.array(z.string()),
});
export type DeadLetterPage = z.infer<typeof deadLetterPageSchema>;

/**
 * What happened to one key of a re-drive, with an HTTP-like status:
 * - 202 `redriven`: published again (`placed` = where Kafka stored it) and recorded;
 * - 422 `rejected`: the payload is still not a valid event (`issues` name each field and rule;
 *   `error` is `payload_not_json` or `validation_failed`); nothing was published for it;
 * - 409 `refused`: drill isolation would refuse it again (`drill_purged`: its drill was purged;
 *   `drill_isolation`: a worker refused it by a drill-isolation rule); nothing was published;
 * - 404 `not_found`: no dead letter with that key.
 */
export const deadLetterRedriveOutcomeSchema = z.object({
  ...deadLetterKeyFields,
  status: z.literal([202, 404, 409, 422]),
  outcome: z.enum(['redriven', 'rejected', 'refused', 'not_found']),
  message: z.string(),
  /**
   * Why it was not re-driven: the payload (422 `rejected`), or drill isolation (409 `refused`:
   * the event belongs to a purged drill, `drill_purged`, or was refused by a drill-isolation rule,
   * `drill_isolation`, which a re-drive would meet again).
   */
  error: z.enum(['payload_not_json', 'validation_failed', 'drill_purged', 'drill_isolation']).optional(),
  issues: z.array(fieldIssueSchema).optional(),
  eventId: z.string().optional(),
  placed: injectResultSchema.optional(),
});
export type DeadLetterRedriveOutcome = z.infer<typeof deadLetterRedriveOutcomeSchema>;

/**
 * Answer of `POST /dead-letters/redrive`, one outcome per distinct key in request order. When
 * nothing was re-driven (HTTP 422/404) it is also an {@link ApiError} (`error`, `message`, and the
 * `issues` of the rejected payloads).
 */
export const deadLetterRedriveResultSchema = z.object({
  results: z.array(deadLetterRedriveOutcomeSchema),
  redriven: z.number().int(),
  rejected: z.number().int(),
  /** Refused by drill isolation (409): see {@link deadLetterRedriveOutcomeSchema} `error`. */
  refused: z.number().int(),
  notFound: z.number().int(),
  error: z.string().optional(),
  message: z.string().optional(),
  issues: z.array(fieldIssueSchema).optional(),
});
export type DeadLetterRedriveResult = z.infer<typeof deadLetterRedriveResultSchema>;

/** Differences of one read-model table between the live schema and a fresh replay. */
export const tableDriftSchema = z.object({
  table: z.string(),
  /** Entities (by key) whose rows differ, exist only live, or only in the replay. */
  differingKeys: z.number().int(),
  sampleKeys: z.array(z.string()),
});
export type TableDrift = z.infer<typeof tableDriftSchema>;

/** Result of a drift check (`npm run replay -- --check`); `GET /api/drift/last` returns the newest. */
export const driftReportSchema = z.object({
  id: z.number().int().optional(),
  startedAt: instant,
  finishedAt: instant,
  replaySchema: z.string(),
  replayedMessages: z.number(),
  replayEventsPerSecond: z.number(),
  /** True when no table, KPI total or cache entry differs. */
  ok: z.boolean(),
  /** True when live traffic moved past the replayed positions during the check (differences may be that traffic). */
  streamMoved: z.boolean(),
  tables: z.array(tableDriftSchema),
  /** KPI summary fields whose live and replayed values differ. */
  kpiDifferences: z.array(z.string()),
  redis: z.object({ checked: z.number().int(), stale: z.number().int(), sampleKeys: z.array(z.string()) }),
});
export type DriftReport = z.infer<typeof driftReportSchema>;

/**
 * Query of the shipments list. `exception`: has an open exception (status `exception` or
 * `failed_attempt`); `late`: delivered after its promised day, or still open past it; `etaSlipping`:
 * not delivered and the ETA's day is after the promised day. Days are the order's site days
 * (UTC when the shipment has no known order). `q` is a prefix of the shipment id, the order id or
 * the tracking number.
 */
export const shipmentListQuerySchema = z
  .strictObject({
    status: z.enum(SHIPMENT_STATUSES).optional(),
    carrier: shortText(64).optional(),
    /** The site: shipments of orders from this warehouse (a shipment whose order is unknown has none). */
    warehouse: entityIdSchema.optional(),
    exception: booleanFlag.optional(),
    late: booleanFlag.optional(),
    etaSlipping: booleanFlag.optional(),
    q: entityIdSchema.optional(),
    sort: z.enum(['lastEventTime', 'createdAt', 'promisedDate', 'eta', 'status']).default('lastEventTime'),
    order: z.enum(['asc', 'desc']).default('desc'),
    ...pageQueryFields,
    /** false: real traffic only. */
    includeDrills: booleanFlag.default(true),
    /** true: drill traffic only (a client error with `includeDrills=false`). */
    drillsOnly: booleanFlag.default(false),
  })
  .superRefine((q, ctx) => {
    if (q.drillsOnly && !q.includeDrills)
      ctx.addIssue({
        code: 'custom',
        message: 'cannot be true while includeDrills is false',
        path: ['drillsOnly'],
        params: { rule: 'drill_filter' },
      });
  });
export type ShipmentListQuery = z.infer<typeof shipmentListQuerySchema>;

/** One shipments-list row: the summary with its punctuality flags and its order's site zone. */
export const shipmentListRowSchema = shipmentSummarySchema.extend({
  statusTime: instant.nullable(),
  /** The order's site zone (days are counted there), null when the order is unknown. */
  siteTimeZone: z.string().nullable(),
  late: z.boolean(),
  etaSlipping: z.boolean(),
  openException: z.boolean(),
});
export type ShipmentListRow = z.infer<typeof shipmentListRowSchema>;

export const shipmentPageSchema = pageOf(shipmentListRowSchema).extend({
  /**
   * True when `total` is a lower bound: more shipments match than the server counts
   * (server/api/shipment-queries.ts `SHIPMENT_TOTAL_CAP`); later pages still answer. Absent means exact.
   */
  totalCapped: z.boolean().optional(),
});
export type ShipmentPage = z.infer<typeof shipmentPageSchema>;

/** Query of the exceptions queue (oldest first). */
export const exceptionQueueQuerySchema = z.strictObject({
  ...pageQueryFields,
  includeDrills: booleanFlag.default(true),
});
export type ExceptionQueueQuery = z.infer<typeof exceptionQueueQuerySchema>;

/** One open exception or failed attempt with what a supervisor needs to act on it. */
export const exceptionQueueRowSchema = z.object({
  shipmentId: z.string(),
  status: z.enum(SHIPMENT_STATUSES),
  /** When the shipment reached this status (event time). */
  since: instant.nullable(),
  /** The exception's reason code, or `failed_attempt` for a failed delivery attempt. */
  reason: z.string().nullable(),
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  /** The carrier's last message on the timeline and its event time. */
  lastMessage: z.string().nullable(),
  lastMessageTime: instant.nullable(),
  orderId: z.string().nullable(),
  customerId: z.string().nullable(),
  promisedDate: day.nullable(),
  siteTimeZone: z.string().nullable(),
  isDrill: z.boolean(),
});
export type ExceptionQueueRow = z.infer<typeof exceptionQueueRowSchema>;

export const exceptionQueuePageSchema = pageOf(exceptionQueueRowSchema);
export type ExceptionQueuePage = z.infer<typeof exceptionQueuePageSchema>;
