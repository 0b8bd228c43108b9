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
 * - `GET /health` -> {@link StackHealth}
 * - `GET /live` server-sent events stream of {@link ChangeNotification}
 */
import { z } from 'zod';
import { calendarDateSchema, entityIdSchema, type FieldIssue } from './events';
import { ORDER_STATUSES, type OrderStatus } from './order-status';
import type { ShipmentStatus } from './shipment-status';

const booleanFlag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Query of the orders list. `from`/`to` filter by created day (site time), inclusive. */
export const orderListQuerySchema = z.strictObject({
  status: z.enum(ORDER_STATUSES).optional(),
  from: calendarDateSchema.optional(),
  to: calendarDateSchema.optional(),
  q: entityIdSchema.optional(),
  sort: z.enum(['createdAt', 'promisedDate', 'status', 'lastEventTime']).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  includeDrills: booleanFlag.default(true),
});
export type OrderListQuery = z.infer<typeof orderListQuerySchema>;

/** KPI query: days (site time) inclusive; no range = all data. Drill traffic excluded by default. */
export const kpiQuerySchema = z.strictObject({
  from: calendarDateSchema.optional(),
  to: calendarDateSchema.optional(),
  includeDrills: booleanFlag.default(false),
});
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

export type ServiceState = 'up' | 'down';

export interface ServiceHealth {
  name: 'kafka' | 'postgres' | 'redis';
  state: ServiceState;
  address: string;
  detail: string;
}

export interface WorkerHealth {
  name: string;
  state: 'starting' | 'running' | 'restarting' | 'stopped' | 'crashed';
  pid: number | null;
  restarts: number;
  lastExitCode: number | null;
}

export interface StackHealth {
  services: ServiceHealth[];
  workers: WorkerHealth[];
  checkedAt: string;
}

/** Pushed on `/live` after a worker committed changes: the console refetches what it shows. */
export interface ChangeNotification {
  source: 'order-processor' | 'shipment-tracker' | 'analytics-aggregator';
  orderIds: string[];
  shipmentIds: string[];
  kpi: boolean;
  /** True when the id lists were cut (large batches): listeners should refetch what they show. */
  truncated: boolean;
  at: string;
}
