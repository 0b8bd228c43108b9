/**
 * Read-side handlers (queries) over the PostgreSQL read models and the Redis cache. Transport
 * independent: the HTTP routes and the `npm run kpi` script call these. All SQL is parameterized;
 * sort columns come from a fixed map, never from input text. Orders are answered with their
 * punctuality at the time of the request (contracts/site-time.ts): the console computes none.
 */
import {
  decodeOrderCursor,
  encodeOrderCursor,
  entitySummarySchema,
  LIST_TOTAL_CAP,
  orderLifecycle,
  punctuality,
  sourceKind,
  type EntitySummary,
  type HistoryEntry,
  type LinkedShipment,
  type OrderDetail,
  type OrderLine,
  type OrderListQuery,
  type OrderPage,
  type OrderRow,
  type OrderSummary,
  type ShipmentDetail,
  type ShipmentSummary,
  type TimelineEntry,
} from '../../contracts';
import { timestamptzToIso, type Pool } from '../../runtime/db';
import { redisKeys, type RedisClient } from '../../runtime/redis';
import {
  needsSiteTodays,
  ORDER_FILTER_FROM,
  orderFilterSql,
  orderKeysetSql,
  orderSortColumnSql,
  orderSortKeySql,
  siteTodays,
  type SiteTodays,
} from './order-filter';

/** The columns of an {@link OrderSummary}, qualified by `alias` (`o.`) when given. */
export function orderSummaryColumns(alias?: string): string {
  const a = alias ? `${alias}.` : '';
  return `
  ${a}order_id AS "orderId", ${a}status, ${a}customer_id AS "customerId", ${a}warehouse_id AS "warehouseId",
  ${a}site_time_zone AS "siteTimeZone", ${a}promised_date::text AS "promisedDate", ${a}created_at AS "createdAt",
  ${a}approved_at AS "approvedAt", ${a}shipped_at AS "shippedAt", ${a}delivered_at AS "deliveredAt",
  ${a}cancelled_at AS "cancelledAt", ${a}cancel_reason AS "cancelReason", ${a}shipment_id AS "shipmentId",
  ${a}last_event_time AS "lastEventTime", ${a}event_count AS "eventCount", ${a}is_drill AS "isDrill", ${a}drill_id AS "drillId"`;
}

const ORDER_SUMMARY_COLUMNS = orderSummaryColumns();

const SHIPMENT_SUMMARY_COLUMNS = `
  shipment_id AS "shipmentId", order_id AS "orderId", carrier, tracking_number AS "trackingNumber",
  origin, destination, promised_date::text AS "promisedDate", status, eta, exception_reason AS "exceptionReason",
  delivered_at AS "deliveredAt", last_event_time AS "lastEventTime", is_drill AS "isDrill", drill_id AS "drillId"`;

/**
 * One page of orders matching the orders filter (server/api/order-filter.ts: status, created /
 * promised / shipped / delivered days, punctuality, in full, open exception, warehouse,
 * customer, drill traffic, id prefix search), sorted by a whitelisted column (ties broken by order
 * id), with the filter's total. One statement: the page and the total come from the same snapshot.
 * Pages: `after` (a `nextCursor`) reads the page after that row by keyset paging (same cost at
 * any depth: server/api/order-filter.ts `orderKeysetSql`); without it, `page` is a position: for
 * the default view sorted by creation time ({@link jumpsByCounts}) found through the counts per
 * UTC day (at most one day's orders read before the page, at any depth), for any other filter or
 * sort LIMIT/OFFSET (cost grows with the depth). `nextCursor` is null when the page is not full.
 * The total ({@link orderTotalSql}) is exact from a counts table when the filter is only status,
 * created days and drill traffic (the default view), one warehouse, open exceptions, at risk or
 * overdue, or the KPI drill-downs of the delivered figures ({@link totalSource}); any other filter counts its matches
 * up to {@link ORDER_TOTAL_CAP} and says `totalCapped` past it, so no total costs more than that
 * however large the table grows.
 * @param now the instant punctuality is judged at (an open order is overdue after its promised site day)
 * @param cap see {@link ORDER_TOTAL_CAP} (tests pass a smaller one)
 */
export async function listOrders(
  pool: Pool,
  q: OrderListQuery,
  now = new Date(),
  cap = ORDER_TOTAL_CAP,
): Promise<OrderPage> {
  const todays = needsSiteTodays(q) ? await siteTodays(pool, now) : null;
  const { where, params, orderBy } = orderFilterSql(q, todays);
  const cursor = q.after ? decodeOrderCursor(q.after) : null;
  const columns = `${orderSummaryColumns('o')}, ${orderSortKeySql(q.sort)} AS "sortKey"`;
  const jump = !cursor && q.page > 1 && jumpsByCounts(q);
  let page: string;
  let seek = '';
  if (jump) {
    // The position's UTC day from order_created_counts, then that day's orders from its first
    // instant on, skipping the ones before the position (at most one day's orders).
    seek = `WITH seek AS (${orderSeekSql(q, params, (q.page - 1) * q.pageSize)}) `;
    const found = '(SELECT skip FROM seek) IS NOT NULL';
    const dayStart = (offset: number) => `((SELECT day FROM seek) + ${offset})::timestamp AT TIME ZONE 'UTC'`;
    // created_day is created_at's day in a zone between UTC-12 and UTC+14: the bounds it puts on
    // created_at end the index range where the created-day filter ends (a redundant condition).
    const bounds = `${q.from ? ` AND o.created_at >= ($${params.push(q.from)}::date - interval '14 hours')::timestamp AT TIME ZONE 'UTC'` : ''}${
      q.to
        ? ` AND o.created_at < ($${params.push(q.to)}::date + interval '36 hours')::timestamp AT TIME ZONE 'UTC'`
        : ''
    }`;
    const parts =
      q.order === 'asc'
        ? [
            `${found} AND (SELECT day FROM seek) IS NULL AND o.created_at IS NULL`,
            `${found} AND o.created_at >= coalesce(${dayStart(0)}, '-infinity'::timestamptz)`,
          ]
        : [
            `(SELECT day FROM seek) IS NOT NULL AND o.created_at < ${dayStart(1)}`,
            `${found} AND o.created_at IS NULL`,
          ];
    const limit = `(SELECT skip FROM seek) + $${params.length + 1}`;
    const direction = q.order === 'asc' ? 'ASC' : 'DESC';
    const nulls = q.order === 'asc' ? 'NULLS FIRST' : 'NULLS LAST';
    page = `SELECT * FROM (${parts
      .map(
        // FROM orders alone: these filters never read the facts (the planner keeps the unused
        // facts join of ORDER_FILTER_FROM in these parts, a probe per row skipped).
        (part) => `(SELECT ${columns}, o.created_at AS "sortValue" FROM orders o
          WHERE ${where} AND ${part}${bounds} ORDER BY ${orderBy} LIMIT ${limit})`,
      )
      .join(' UNION ALL ')}) u
      ORDER BY u."sortValue" ${direction} ${nulls}, u."orderId" ${direction}
      OFFSET (SELECT skip FROM seek) LIMIT $${params.length + 1}`;
  } else if (cursor) {
    // Each keyset alternative's page from its index range, merged and cut to one page.
    const parts = orderKeysetSql(q, cursor, params).map(
      (after) => `(SELECT ${columns}, ${orderSortColumnSql(q.sort)} AS "sortValue" FROM ${ORDER_FILTER_FROM}
          WHERE ${where} AND ${after} ORDER BY ${orderBy} LIMIT $${params.length + 1})`,
    );
    const direction = q.order === 'asc' ? 'ASC' : 'DESC';
    const nulls = q.order === 'asc' ? 'NULLS FIRST' : 'NULLS LAST';
    page = `SELECT * FROM (${parts.join(' UNION ALL ')}) u
      ORDER BY u."sortValue" ${direction} ${nulls}, u."orderId" ${direction} LIMIT $${params.length + 1}`;
  } else {
    page = `SELECT ${columns} FROM ${ORDER_FILTER_FROM} WHERE ${where}
          ORDER BY ${orderBy} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`;
  }
  const pageParams =
    cursor || jump ? [...params, q.pageSize] : [...params, q.pageSize, (q.page - 1) * q.pageSize];
  const total = orderTotalSql(q, where, pageParams, cap, todays);
  // The total always yields one row; a page past the end joins no order (null columns).
  const { rows } = await pool.query<
    Nullable<OrderSummary> & { total: number; capped: boolean; sortKey: string | null }
  >(
    `${seek}SELECT t.total, t.capped, p.* FROM (${total}) t LEFT JOIN LATERAL (${page}) p ON true`,
    pageParams,
  );
  const found = rows.filter(
    (r): r is OrderSummary & { total: number; capped: boolean; sortKey: string | null } => r.orderId !== null,
  );
  const last = found.at(-1);
  const items = found.map(
    ({
      total: _total,
      capped: _capped,
      sortKey: _key,
      sortValue: _value,
      ...order
    }: OrderSummary & Record<string, unknown>) => withPunctuality(order, now),
  );
  return {
    items,
    total: rows[0]?.total ?? 0,
    totalCapped: rows[0]?.capped ?? false,
    page: q.page,
    pageSize: q.pageSize,
    nextCursor:
      last && found.length === q.pageSize ? encodeOrderCursor({ key: last.sortKey, id: last.orderId }) : null,
  };
}

/**
 * Whether a page by position (`page` without `after`) is found through `order_created_counts`
 * (db/migrations/1732960003710_order-created-counts.sql), or for one warehouse through
 * `order_site_created_counts` (1732960003960_order-site-created-counts.sql), instead of an OFFSET
 * over every row before it: the list sorted by creation time (either direction), filtered by
 * status, created days, one warehouse and drill traffic only (the default view and one site's;
 * the filters those tables count).
 */
export function jumpsByCounts(q: OrderListQuery): boolean {
  return q.sort === 'createdAt' && onlyFilters(q, ['status', 'from', 'to', 'warehouse']);
}

/**
 * The statement (one row `day date, skip bigint`, none past the end) locating position `offset`
 * (0-based) of a {@link jumpsByCounts} list: the UTC day of `created_at` holding it (NULL = the
 * orders without a creation time, last when descending, first when ascending) and how many of
 * that day's orders come before it; no row past the end. Sums order_created_counts (one
 * warehouse's: order_site_created_counts) per UTC day in the list's order:
 * one row per day, whatever the number of orders. Appends its values to `params`.
 */
export function orderSeekSql(q: OrderListQuery, params: unknown[], offset: number): string {
  const p = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const [status, from, to, off] = [p(q.status ?? null), p(q.from ?? null), p(q.to ?? null), p(offset)];
  const order = q.order === 'asc' ? 'ASC NULLS FIRST' : 'DESC NULLS LAST';
  const counts =
    q.warehouse === undefined
      ? 'order_created_counts c WHERE true'
      : `order_site_created_counts c WHERE c.warehouse_id = ${p(q.warehouse)}::text`;
  return `SELECT day, ${off}::bigint - before AS skip FROM (
      SELECT d AS day, n, sum(n) OVER (ORDER BY d ${order}) - n AS before FROM (
        SELECT c.created_utc_day AS d, sum(c.n) AS n FROM ${counts}
         AND (${status}::text[] IS NULL OR c.status = ANY(${status}::text[]))
           AND (${from}::date IS NULL OR c.created_day >= ${from}::date)
           AND (${to}::date IS NULL OR c.created_day <= ${to}::date)
           AND (${p(q.includeDrills)}::boolean OR NOT c.is_drill) AND (NOT ${p(q.drillsOnly)}::boolean OR c.is_drill)
         GROUP BY c.created_utc_day HAVING sum(c.n) > 0) g) w
     WHERE before <= ${off}::bigint AND before + n > ${off}::bigint`;
}

/**
 * Orders a filter outside the counts table counts exactly at most: past this many its total is
 * reported as at least this (`totalCapped`), so counting costs at most this many rows (a filter
 * read through another table, like late orders through their facts, costs a lookup per row: at
 * 1,000,000 orders 10,000 of them took 40,000 buffer reads). The table grows as it is read past it.
 */
export const ORDER_TOTAL_CAP = LIST_TOTAL_CAP;

/**
 * Whether a filter's total is a sum over `order_counts` (created day, status, drill traffic):
 * only those filters are set. Sorting and paging do not change a total.
 */
export function totalFromCounts(q: OrderListQuery): boolean {
  return onlyFilters(q, ['status', 'from', 'to']);
}

/** The filters of an orders list query (what a total depends on), drill traffic aside. */
const FILTER_KEYS = [
  'status',
  'from',
  'to',
  'promisedFrom',
  'promisedTo',
  'shippedFrom',
  'shippedTo',
  'deliveredFrom',
  'deliveredTo',
  'punctuality',
  'inFull',
  'openException',
  'warehouse',
  'customer',
  'q',
] as const satisfies readonly (keyof OrderListQuery)[];

/** True when no filter but `allowed` (and drill traffic) is set. */
function onlyFilters(q: OrderListQuery, allowed: readonly (typeof FILTER_KEYS)[number][]): boolean {
  return FILTER_KEYS.every((k) => allowed.includes(k) || q[k] === undefined);
}

/**
 * How a filter's exact total is read from a counts table kept by triggers in the writers'
 * transactions, or null when it must be counted (capped):
 * - `days`: status and created days: `order_counts` (db/migrations/1732960003100_order-counts.sql);
 * - `site`: one warehouse only: `order_site_counts` (the same migration);
 * - `site-days`: one warehouse with status and created days: `order_site_created_counts`
 *   (db/migrations/1732960003960_order-site-created-counts.sql), so one site's backlog in a
 *   status (a KPI drill-down) is exact without counting its orders;
 * - `delivered`: delivered, on time, late or OTIF by delivered day, of every site or one
 *   ({@link deliveredMeasure}): `kpi_delivered_counts` (db/migrations/1732960003400_kpi-delivered-aggregates.sql), the counts
 *   the KPI summary's late / on-time figures are read from, so a figure's drill-down total is the
 *   figure itself;
 * - `open`: at risk or overdue, nothing else filtered: `order_open_counts`
 *   (db/migrations/1732960003420_open-order-counts.sql), open orders per promised day and zone,
 *   summed up to each zone's "today" (the same {@link SiteTodays} the filter compares with);
 * - `exception`: with an open exception, of every site or one, nothing else filtered:
 *   `order_exception_counts` (db/migrations/1732960003950_order-open-exceptions.sql).
 */
export function totalSource(
  q: OrderListQuery,
): 'days' | 'site' | 'site-days' | 'delivered' | 'open' | 'exception' | null {
  if (totalFromCounts(q)) return 'days';
  if (q.warehouse !== undefined && onlyFilters(q, ['warehouse'])) return 'site';
  if (q.warehouse !== undefined && onlyFilters(q, ['warehouse', 'status', 'from', 'to'])) return 'site-days';
  if (q.openException === true && onlyFilters(q, ['openException', 'warehouse'])) return 'exception';
  if ((q.punctuality === 'at_risk' || q.punctuality === 'overdue') && onlyFilters(q, ['punctuality']))
    return 'open';
  if (deliveredMeasure(q) !== null) return 'delivered';
  return null;
}

/**
 * The column of `kpi_delivered_counts` (alias `c`) that counts a filter's orders, or null: the
 * KPI drill-downs (contracts/kpi-drilldown.ts) delivered (a delivered-day range), on time, late
 * (delivered minus on time, as the KPI counts it) and OTIF (on time and in full), of every
 * warehouse or one, nothing else filtered.
 */
function deliveredMeasure(q: OrderListQuery): string | null {
  const days = ['deliveredFrom', 'deliveredTo', 'warehouse'] as const;
  if (q.punctuality === undefined && q.inFull === undefined) {
    const ranged = q.deliveredFrom !== undefined || q.deliveredTo !== undefined;
    return ranged && onlyFilters(q, days) ? 'c.delivered' : null;
  }
  if (!onlyFilters(q, ['punctuality', 'inFull', ...days])) return null;
  if (q.punctuality === 'late' && q.inFull === undefined) return 'c.delivered - c.on_time';
  if (q.punctuality === 'on_time' && q.inFull === undefined) return 'c.on_time';
  if (q.punctuality === 'on_time' && q.inFull === true) return 'c.otif';
  return null;
}

/**
 * The statement of a filter's total: one row `(total int, capped boolean)`. Exact from a counts
 * table when {@link totalSource} names one; otherwise the filter's matches counted up to
 * {@link ORDER_TOTAL_CAP}, `capped` when more match.
 * @param where the filter's WHERE over {@link ORDER_FILTER_FROM} (its values already in `params`)
 * @param params the statement's parameters; the count's own values are appended
 */
export function orderTotalSql(
  q: OrderListQuery,
  where: string,
  params: unknown[],
  cap = ORDER_TOTAL_CAP,
  todays: SiteTodays | null = null,
): string {
  const p = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const drills = () =>
    `(${p(q.includeDrills)}::boolean OR NOT c.is_drill) AND (NOT ${p(q.drillsOnly)}::boolean OR c.is_drill)`;
  switch (totalSource(q)) {
    case 'days': {
      const [status, from, to] = [p(q.status ?? null), p(q.from ?? null), p(q.to ?? null)];
      return `SELECT coalesce(sum(c.n), 0)::int AS total, false AS capped FROM order_counts c
       WHERE (${status}::text[] IS NULL OR c.status = ANY(${status}::text[]))
         AND (${from}::date IS NULL OR c.created_day >= ${from}::date)
         AND (${to}::date IS NULL OR c.created_day <= ${to}::date)
         AND ${drills()}`;
    }
    case 'site':
      return `SELECT coalesce(sum(c.n), 0)::int AS total, false AS capped FROM order_site_counts c
       WHERE c.warehouse_id = ${p(q.warehouse)}::text AND ${drills()}`;
    case 'site-days': {
      const [status, from, to] = [p(q.status ?? null), p(q.from ?? null), p(q.to ?? null)];
      return `SELECT coalesce(sum(c.n), 0)::int AS total, false AS capped FROM order_site_created_counts c
       WHERE c.warehouse_id = ${p(q.warehouse)}::text
         AND (${status}::text[] IS NULL OR c.status = ANY(${status}::text[]))
         AND (${from}::date IS NULL OR c.created_day >= ${from}::date)
         AND (${to}::date IS NULL OR c.created_day <= ${to}::date)
         AND ${drills()}`;
    }
    case 'exception': {
      const site = q.warehouse === undefined ? 'true' : `c.warehouse_id = ${p(q.warehouse)}::text`;
      return `SELECT coalesce(sum(c.orders), 0)::int AS total, false AS capped FROM order_exception_counts c
       WHERE ${site} AND ${drills()}`;
    }
    case 'delivered': {
      const measure = deliveredMeasure(q)!;
      const site = q.warehouse === undefined ? 'c.site IS NULL' : `c.site = ${p(q.warehouse)}::text`;
      const [from, to] = [p(q.deliveredFrom ?? null), p(q.deliveredTo ?? null)];
      return `SELECT coalesce(sum(${measure}), 0)::int AS total, false AS capped FROM kpi_delivered_counts c
       WHERE ${site} AND (${from}::date IS NULL OR c.delivered_day >= ${from}::date)
         AND (${to}::date IS NULL OR c.delivered_day <= ${to}::date) AND ${drills()}`;
    }
    case 'open': {
      if (!todays) throw new Error('orderTotalSql: the at_risk/overdue total needs the site todays');
      const cmp = q.punctuality === 'overdue' ? '<' : '<=';
      return `SELECT coalesce(sum(c.n), 0)::int AS total, false AS capped
         FROM unnest(${p(todays.zones)}::text[], ${p(todays.days)}::date[]) AS z(zone, today)
         JOIN order_open_counts c ON c.site_time_zone = z.zone AND c.promised_date ${cmp} z.today
        WHERE ${drills()}`;
    }
    case null:
      break;
  }
  const most = p(cap);
  return `SELECT least(count(*), ${most}::int)::int AS total, count(*) > ${most}::int AS capped
     FROM (SELECT 1 FROM ${ORDER_FILTER_FROM} WHERE ${where} LIMIT ${most}::int + 1) m`;
}

/** An order summary with its punctuality at `now`. */
export function withPunctuality<T extends OrderSummary>(
  order: T,
  now: Date,
): T & Pick<OrderRow, 'punctuality'> {
  return { ...order, punctuality: punctuality(order, now) };
}

type Nullable<T> = { [K in keyof T]: T[K] | null };

/**
 * One order with its lines, its event history ordered by event time (each entry with the kind of
 * its source, contracts/event-sources.ts), its lifecycle steps (contracts/order-lifecycle.ts) and
 * its shipments with their current status; null when unknown.
 * One statement (one snapshot): the summary and the history come from the same committed batch.
 * @param now the instant punctuality is judged at
 */
export async function getOrder(pool: Pool, orderId: string, now = new Date()): Promise<OrderDetail | null> {
  const { rows } = await pool.query<
    OrderSummary & {
      lines: OrderLine[];
      history: Omit<HistoryEntry, 'sourceKind'>[];
      shipments: LinkedShipment[];
    }
  >(
    `SELECT ${ORDER_SUMMARY_COLUMNS},
            (SELECT coalesce(json_agg(json_build_object('sku', l.sku, 'quantity', l.quantity,
                                                        'deliveredQuantity', l.delivered_quantity) ORDER BY l.sku), '[]'::json)
               FROM order_lines l WHERE l.order_id = o.order_id) AS lines,
            (SELECT coalesce(json_agg(json_build_object('id', e.event_id::text, 'type', e.type, 'time', e.event_time::text,
                                                        'source', e.source, 'drillId', e.drill_id, 'data', e.data,
                                                        'recordedAt', e.recorded_at::text)
                                      ORDER BY e.event_time, e.kafka_offset), '[]'::json)
               FROM order_events e WHERE e.order_id = o.order_id) AS history,
            (SELECT coalesce(json_agg(json_build_object('shipmentId', s.shipment_id, 'status', s.status,
                                                        'carrier', s.carrier, 'trackingNumber', s.tracking_number,
                                                        'eta', s.eta::text, 'deliveredAt', s.delivered_at::text,
                                                        'lastEventTime', s.last_event_time::text)
                                      ORDER BY s.last_event_time NULLS LAST, s.shipment_id), '[]'::json)
               FROM shipments s WHERE s.order_id = o.order_id OR s.shipment_id = o.shipment_id) AS shipments
       FROM orders o WHERE o.order_id = $1`,
    [orderId],
  );
  const order = rows[0];
  if (!order) return null;
  const isoOrNull = (v: string | null) => (v === null ? null : timestamptzToIso(v));
  const history = order.history.map((h) => ({
    ...h,
    time: timestamptzToIso(h.time),
    recordedAt: timestamptzToIso(h.recordedAt),
    sourceKind: sourceKind(h.source, h.drillId),
  }));
  return {
    ...withPunctuality(order, now),
    history,
    lifecycle: orderLifecycle({ ...order, history }),
    shipments: order.shipments.map((s) => ({
      ...s,
      eta: isoOrNull(s.eta),
      deliveredAt: isoOrNull(s.deliveredAt),
      lastEventTime: isoOrNull(s.lastEventTime),
    })),
  };
}

/**
 * One shipment with its checkpoint timeline ordered by event time; null when unknown.
 * One statement (one snapshot), like {@link getOrder}.
 */
export async function getShipment(pool: Pool, shipmentId: string): Promise<ShipmentDetail | null> {
  const { rows } = await pool.query<
    ShipmentSummary & { timeline: TimelineEntry[]; siteTimeZone: string | null }
  >(
    `SELECT ${SHIPMENT_SUMMARY_COLUMNS},
            (SELECT o.site_time_zone FROM orders o WHERE o.order_id = s.order_id) AS "siteTimeZone",
            (SELECT coalesce(json_agg(json_build_object('id', c.event_id::text, 'type', c.type, 'time', c.event_time::text,
                                                        'status', c.status, 'location', c.location, 'message', c.message,
                                                        'drillId', c.drill_id)
                                      ORDER BY c.event_time, c.event_id), '[]'::json)
               FROM shipment_checkpoints c WHERE c.shipment_id = s.shipment_id) AS timeline
       FROM shipments s WHERE s.shipment_id = $1`,
    [shipmentId],
  );
  const shipment = rows[0];
  if (!shipment) return null;
  return { ...shipment, timeline: shipment.timeline.map((t) => ({ ...t, time: timestamptzToIso(t.time) })) };
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
      // Written by the workers: an entry of another shape (an older worker) is a miss.
      const parsed = cached ? entitySummarySchema.safeParse(JSON.parse(cached)) : null;
      if (parsed?.success) return parsed.data;
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
