/**
 * Read-side handlers (queries) over the PostgreSQL read models and the Redis cache. Transport
 * independent: the HTTP routes and the `npm run kpi` script call these. All SQL is parameterized;
 * sort columns come from a fixed map, never from input text.
 */
import type {
  EntitySummary,
  HistoryEntry,
  OrderDetail,
  OrderLine,
  OrderListQuery,
  OrderPage,
  OrderSummary,
  ShipmentDetail,
  ShipmentSummary,
  TimelineEntry,
} from '../../../../contracts';
import { readSnapshot, type Pool } from '../../../../runtime/db';
import { redisKeys, type RedisClient } from '../../../../runtime/redis';

const ORDER_SUMMARY_COLUMNS = `
  order_id AS "orderId", status, customer_id AS "customerId", warehouse_id AS "warehouseId",
  site_time_zone AS "siteTimeZone", promised_date::text AS "promisedDate", created_at AS "createdAt",
  approved_at AS "approvedAt", shipped_at AS "shippedAt", delivered_at AS "deliveredAt",
  cancelled_at AS "cancelledAt", cancel_reason AS "cancelReason", shipment_id AS "shipmentId",
  last_event_time AS "lastEventTime", event_count AS "eventCount", is_drill AS "isDrill", drill_id AS "drillId"`;

const SHIPMENT_SUMMARY_COLUMNS = `
  shipment_id AS "shipmentId", order_id AS "orderId", carrier, tracking_number AS "trackingNumber",
  origin, destination, promised_date::text AS "promisedDate", status, eta, exception_reason AS "exceptionReason",
  delivered_at AS "deliveredAt", last_event_time AS "lastEventTime", is_drill AS "isDrill", drill_id AS "drillId"`;

const SORT_COLUMNS: Record<OrderListQuery['sort'], string> = {
  createdAt: 'created_at',
  promisedDate: 'promised_date',
  status: 'status',
  lastEventTime: 'last_event_time',
};

/**
 * One page of orders, filtered by status, created day range (site time, inclusive) and id
 * prefix, sorted by a whitelisted column (ties broken by order id).
 */
export async function listOrders(pool: Pool, q: OrderListQuery): Promise<OrderPage> {
  const where = `($1::text IS NULL OR status = $1) AND ($2::date IS NULL OR created_day >= $2::date)
    AND ($3::date IS NULL OR created_day <= $3::date) AND ($4::text IS NULL OR order_id LIKE $4 || '%')
    AND ($5::boolean OR NOT is_drill)`;
  const params = [
    q.status ?? null,
    q.from ?? null,
    q.to ?? null,
    q.q ? escapeLike(q.q) : null,
    q.includeDrills,
  ];
  const direction = q.order === 'asc' ? 'ASC' : 'DESC';
  const nulls = q.order === 'asc' ? 'NULLS FIRST' : 'NULLS LAST';
  const [items, total] = await readSnapshot(
    pool,
    async (db) =>
      [
        await db.query<OrderSummary>(
          `SELECT ${ORDER_SUMMARY_COLUMNS} FROM orders WHERE ${where}
        ORDER BY ${SORT_COLUMNS[q.sort]} ${direction} ${nulls}, order_id ${direction}
        LIMIT $6 OFFSET $7`,
          [...params, q.pageSize, (q.page - 1) * q.pageSize],
        ),
        await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE ${where}`, params),
      ] as const,
  );
  return { items: items.rows, total: total.rows[0]!.n, page: q.page, pageSize: q.pageSize };
}

/** Escapes LIKE wildcards so an id prefix matches literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** One order with its lines and its event history ordered by event time; null when unknown. */
export async function getOrder(pool: Pool, orderId: string): Promise<OrderDetail | null> {
  // One snapshot: the summary and the history must come from the same committed batch.
  const [order, lines, history] = await readSnapshot(
    pool,
    async (db) =>
      [
        await db.query<OrderSummary>(`SELECT ${ORDER_SUMMARY_COLUMNS} FROM orders WHERE order_id = $1`, [
          orderId,
        ]),
        await db.query<OrderLine>(
          'SELECT sku, quantity, delivered_quantity AS "deliveredQuantity" FROM order_lines WHERE order_id = $1 ORDER BY sku',
          [orderId],
        ),
        await db.query<HistoryEntry>(
          `SELECT event_id::text AS id, type, event_time AS time, source, drill_id AS "drillId", data, recorded_at AS "recordedAt"
         FROM order_events WHERE order_id = $1 ORDER BY event_time, kafka_offset`,
          [orderId],
        ),
      ] as const,
  );
  const summary = order.rows[0];
  if (!summary) return null;
  return { ...summary, lines: lines.rows, history: history.rows };
}

/** One shipment with its checkpoint timeline ordered by event time; null when unknown. */
export async function getShipment(pool: Pool, shipmentId: string): Promise<ShipmentDetail | null> {
  const [shipment, timeline] = await readSnapshot(
    pool,
    async (db) =>
      [
        await db.query<ShipmentSummary>(
          `SELECT ${SHIPMENT_SUMMARY_COLUMNS} FROM shipments WHERE shipment_id = $1`,
          [shipmentId],
        ),
        await db.query<TimelineEntry>(
          `SELECT event_id::text AS id, type, event_time AS time, status, location, message, drill_id AS "drillId"
         FROM shipment_checkpoints WHERE shipment_id = $1 ORDER BY event_time, event_id`,
          [shipmentId],
        ),
      ] as const,
  );
  const summary = shipment.rows[0];
  if (!summary) return null;
  return { ...summary, timeline: timeline.rows };
}

/**
 * Quick lookup of an order or shipment summary by id: the Redis cache first (written by the
 * workers after commit), PostgreSQL when the cache misses or Redis is down.
 */
export async function lookupEntity(
  pool: Pool,
  redis: RedisClient,
  prefix: string,
  id: string,
): Promise<EntitySummary | null> {
  const keys = redisKeys(prefix);
  try {
    if (redis.status === 'ready') {
      const [order, shipment] = await redis.mget(keys.entity('order', id), keys.entity('shipment', id));
      const cached = order ?? shipment;
      if (cached) return JSON.parse(cached) as EntitySummary;
    }
  } catch {
    // cache unavailable: fall through to PostgreSQL
  }
  const order = await pool.query<OrderSummary>(
    `SELECT ${ORDER_SUMMARY_COLUMNS} FROM orders WHERE order_id = $1`,
    [id],
  );
  if (order.rows[0]) return { kind: 'order', order: order.rows[0] };
  const shipment = await pool.query<ShipmentSummary>(
    `SELECT ${SHIPMENT_SUMMARY_COLUMNS} FROM shipments WHERE shipment_id = $1`,
    [id],
  );
  if (shipment.rows[0]) return { kind: 'shipment', shipment: shipment.rows[0] };
  return null;
}
