/**
 * Read queries of the shipments list and the exceptions queue (`GET /api/shipments`,
 * `GET /api/exceptions`). Each page and its total come from one statement (one snapshot).
 *
 * Days are the site days of the shipment's order (`orders.site_time_zone`), UTC when the order is
 * unknown (a carrier feed may name an order this deployment never saw):
 * - late: delivered after the promised day, or neither delivered, returned nor expired and the
 *   promised day is over (site day of `now` after it);
 * - ETA slipping: not delivered, returned or expired, and the ETA's day is after the promised day;
 * - open exception: status `exception` or `failed_attempt` (EXCEPTION_SHIPMENT_STATUSES, the
 *   dashboard's count).
 */
import {
  EXCEPTION_SHIPMENT_STATUSES,
  LIST_TOTAL_CAP,
  type ExceptionQueuePage,
  type ExceptionQueueQuery,
  type ExceptionQueueRow,
  type ShipmentListQuery,
  type ShipmentListRow,
  type ShipmentPage,
} from '../../contracts';
import type { Pool } from '../../runtime/db';
import { escapeLike } from './order-filter';

const ZONE = `coalesce(o.site_time_zone, 'UTC')`;
const CLOSED = `s.status IN ('delivered', 'returned', 'expired')`;
const OPEN_EXCEPTION = `s.status = ANY('{${EXCEPTION_SHIPMENT_STATUSES.join(',')}}'::text[])`;
/** $1 is the instant "now" (timestamptz). */
const LATE = `(s.promised_date IS NOT NULL AND CASE
    WHEN s.delivered_at IS NOT NULL THEN (s.delivered_at AT TIME ZONE ${ZONE})::date > s.promised_date
    WHEN ${CLOSED} THEN false
    ELSE ($1::timestamptz AT TIME ZONE ${ZONE})::date > s.promised_date END)`;
/**
 * The shipments that can be late in any zone (a superset of LATE, no "now" in it), written exactly
 * as the predicate of the partial index `shipments_late_candidates`
 * (db/migrations/1732960003410_shipments-late-candidates.sql), so the late filter reads that
 * index instead of judging every shipment.
 */
const LATE_CANDIDATE = `(s.promised_date IS NOT NULL
    AND (s.delivered_at >= (s.promised_date::timestamp + interval '10 hours') AT TIME ZONE 'UTC'
         OR (s.delivered_at IS NULL AND s.status NOT IN ('delivered', 'returned', 'expired'))))`;
/**
 * The late filter's candidates (LATE_CANDIDATE) in four disjoint parts, each the predicate of a
 * partial index (db/migrations/1732960003740_shipments-late-parts.sql), so the late list's count
 * reads index ranges: delivered 36 hours or more after the promised day's UTC midnight, or still
 * open (`$1` = now) that long after it, is late in every site zone (zones between UTC-12 and
 * UTC+14, the range LATE_CANDIDATE assumes too) and is counted without its order's zone; the
 * deliveries between 10 and 36 hours after it and the open ones not yet 36 hours past it are
 * judged in their order's zone (LATE).
 */
const LATE_PARTS = {
  deliveredEverywhere: `(s.promised_date IS NOT NULL
    AND s.delivered_at >= (s.promised_date::timestamp + interval '36 hours') AT TIME ZONE 'UTC')`,
  deliveredByZone: `(s.promised_date IS NOT NULL
    AND s.delivered_at >= (s.promised_date::timestamp + interval '10 hours') AT TIME ZONE 'UTC'
    AND s.delivered_at < (s.promised_date::timestamp + interval '36 hours') AT TIME ZONE 'UTC')`,
  openEverywhere: `(s.promised_date IS NOT NULL AND s.delivered_at IS NULL
    AND s.status NOT IN ('delivered', 'returned', 'expired')
    AND s.promised_date <= (($1::timestamptz AT TIME ZONE 'UTC') - interval '36 hours')::date)`,
  openByZone: `(s.promised_date IS NOT NULL AND s.delivered_at IS NULL
    AND s.status NOT IN ('delivered', 'returned', 'expired')
    AND s.promised_date > (($1::timestamptz AT TIME ZONE 'UTC') - interval '36 hours')::date)`,
};
const ETA_SLIPPING = `(s.promised_date IS NOT NULL AND s.eta IS NOT NULL AND NOT ${CLOSED}
    AND (s.eta AT TIME ZONE ${ZONE})::date > s.promised_date)`;

const SORT_COLUMNS: Record<ShipmentListQuery['sort'], string> = {
  lastEventTime: 's.last_event_time',
  createdAt: 's.created_at',
  promisedDate: 's.promised_date',
  eta: 's.eta',
  status: 's.status',
};

const ROW_COLUMNS = `
  s.shipment_id AS "shipmentId", s.order_id AS "orderId", s.carrier, s.tracking_number AS "trackingNumber",
  s.origin, s.destination, s.promised_date::text AS "promisedDate", s.status, s.eta,
  s.exception_reason AS "exceptionReason", s.delivered_at AS "deliveredAt", s.last_event_time AS "lastEventTime",
  s.is_drill AS "isDrill", s.drill_id AS "drillId", s.status_time AS "statusTime",
  o.site_time_zone AS "siteTimeZone", ${LATE} AS late, ${ETA_SLIPPING} AS "etaSlipping",
  ${OPEN_EXCEPTION} AS "openException"`;

type Nullable<T> = { [K in keyof T]: T[K] | null };

/**
 * Shipments a filter counts exactly at most: past this many the total is reported as at least
 * this (`totalCapped`), so the count costs at most this many rows however large the table grows.
 * Twenty pages of 50: the list is paged, and a filter that is not indexed ("late" is judged in each
 * shipment's site zone) reads about this many matches divided by its share of the shipments.
 */
export const SHIPMENT_TOTAL_CAP = LIST_TOTAL_CAP;

/**
 * One page of shipments, filtered and sorted (ties broken by shipment id), with the filter's
 * total counted up to `cap` ({@link SHIPMENT_TOTAL_CAP}; `totalCapped` past it).
 * @param now the instant "late" is judged at
 */
export async function listShipments(
  pool: Pool,
  q: ShipmentListQuery,
  now = new Date(),
  cap = SHIPMENT_TOTAL_CAP,
): Promise<ShipmentPage> {
  // The conditions on the shipment's own columns, then those that need its order (zone, site).
  const own = `($2::text IS NULL OR s.status = $2) AND ($3::text IS NULL OR s.carrier = $3)
    AND ($4::boolean IS NULL OR (${OPEN_EXCEPTION}) = $4)
    AND ($7::text IS NULL OR s.shipment_id LIKE $7 || '%' OR s.order_id LIKE $7 || '%'
         OR s.tracking_number LIKE $7 || '%')
    AND ($8::boolean OR NOT s.is_drill) AND (NOT $11::boolean OR s.is_drill)`;
  const where = `${own} AND ($5::boolean IS NULL OR ${LATE} = $5)
    AND ($6::boolean IS NULL OR ${ETA_SLIPPING} = $6)
    AND ($12::text IS NULL OR o.warehouse_id = $12)${q.late === true ? ` AND ${LATE_CANDIDATE}` : ''}`;
  const params = [
    now.toISOString(),
    q.status ?? null,
    q.carrier ?? null,
    q.exception ?? null,
    q.late ?? null,
    q.etaSlipping ?? null,
    q.q ? escapeLike(q.q) : null,
    q.includeDrills,
    q.pageSize,
    (q.page - 1) * q.pageSize,
    q.drillsOnly,
    q.warehouse ?? null,
    cap,
  ];
  const direction = q.order === 'asc' ? 'ASC' : 'DESC';
  const nulls = q.order === 'asc' ? 'NULLS FIRST' : 'NULLS LAST';
  const from = `shipments s LEFT JOIN orders o ON o.order_id = s.order_id`;
  // The late list's count: the shipments late in every zone first, counted on the shipments alone
  // (no zone lookup per row), then the others judged in their order's zone: the same set as the
  // filter (LATE_PARTS split its candidates), so the same total, at a fraction of the reads.
  const counted =
    q.late === true && q.warehouse === undefined && q.etaSlipping === undefined
      ? [
          `SELECT 1 FROM shipments s WHERE ${own} AND ${LATE_PARTS.deliveredEverywhere}`,
          `SELECT 1 FROM shipments s WHERE ${own} AND ${LATE_PARTS.openEverywhere}`,
          `SELECT 1 FROM ${from} WHERE ${where} AND ${LATE_PARTS.deliveredByZone}`,
          `SELECT 1 FROM ${from} WHERE ${where} AND ${LATE_PARTS.openByZone}`,
        ]
          .map((part) => `(${part} LIMIT $13::int + 1)`)
          .join(' UNION ALL ')
      : `SELECT 1 FROM ${from} WHERE ${where}`;
  // timestamptz columns arrive as UTC ISO strings (runtime/db.ts); a page past the end joins no row.
  const { rows } = await pool.query<Nullable<ShipmentListRow> & { total: number; capped: boolean }>(
    `SELECT t.total, t.capped, p.* FROM (
       SELECT least(count(*), $13::int)::int AS total, count(*) > $13::int AS capped
         FROM (${counted} LIMIT $13::int + 1) m) t
       LEFT JOIN LATERAL (
         SELECT ${ROW_COLUMNS} FROM ${from} WHERE ${where}
          ORDER BY ${SORT_COLUMNS[q.sort]} ${direction} ${nulls}, s.shipment_id ${direction}
          LIMIT $9 OFFSET $10) p ON true`,
    params,
  );
  const items = rows
    .filter((r): r is ShipmentListRow & { total: number; capped: boolean } => r.shipmentId !== null)
    .map(({ total: _total, capped: _capped, ...r }) => r);
  return {
    items,
    total: rows[0]?.total ?? 0,
    totalCapped: rows[0]?.capped ?? false,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/**
 * One page of the exceptions queue: shipments whose status is an open exception or a failed
 * attempt, oldest (earliest status time) first, with the reason, the carrier's last message and
 * the order and customer behind each.
 */
export async function listExceptionQueue(pool: Pool, q: ExceptionQueueQuery): Promise<ExceptionQueuePage> {
  const where = `${OPEN_EXCEPTION} AND ($1::boolean OR NOT s.is_drill)`;
  const { rows } = await pool.query<Nullable<ExceptionQueueRow> & { total: number }>(
    `SELECT t.total, p.* FROM (SELECT count(*)::int AS total FROM shipments s WHERE ${where}) t
       LEFT JOIN LATERAL (
         SELECT s.shipment_id AS "shipmentId", s.status, s.status_time AS since,
                CASE WHEN s.status = 'failed_attempt' THEN 'failed_attempt' ELSE s.exception_reason END AS reason,
                s.carrier, s.tracking_number AS "trackingNumber", m.message AS "lastMessage",
                m.event_time AS "lastMessageTime", s.order_id AS "orderId", o.customer_id AS "customerId",
                s.promised_date::text AS "promisedDate", o.site_time_zone AS "siteTimeZone", s.is_drill AS "isDrill"
           FROM shipments s
           LEFT JOIN orders o ON o.order_id = s.order_id
           LEFT JOIN LATERAL (
             SELECT c.message, c.event_time FROM shipment_checkpoints c
              WHERE c.shipment_id = s.shipment_id AND c.message IS NOT NULL
              ORDER BY c.event_time DESC LIMIT 1) m ON true
          WHERE ${where}
          ORDER BY s.status_time ASC NULLS LAST, s.shipment_id ASC
          LIMIT $2 OFFSET $3) p ON true`,
    [q.includeDrills, q.pageSize, (q.page - 1) * q.pageSize],
  );
  const items = rows
    .filter((r): r is ExceptionQueueRow & { total: number } => r.shipmentId !== null)
    .map(({ total: _total, ...r }) => r);
  return { items, total: rows[0]?.total ?? 0, page: q.page, pageSize: q.pageSize };
}
