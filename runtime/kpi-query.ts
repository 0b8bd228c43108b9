/**
 * KPI queries over the read models (DESIGN.md "KPIs"), shared by the API, the `npm run kpi`
 * script and the analytics-aggregator's Redis snapshot. Days are site-time calendar days,
 * ranges inclusive; drill traffic is excluded unless `includeDrills`.
 */
import {
  ORDER_STATUSES,
  OPEN_ORDER_STATUSES,
  EXCEPTION_SHIPMENT_STATUSES,
  type KpiDailyPoint,
  type KpiQuery,
  type KpiSummary,
  type OrderStatus,
} from '../contracts';
import type { Pool, PoolClient } from './db';

type Queryable = Pool | PoolClient;

/**
 * Computes the KPI summary.
 * - delivered/on time/late/OTIF/cycle time: orders whose delivery day is in the range;
 * - created and orders by status (and so backlog): orders whose created day is in the range;
 * - open exceptions: shipments whose current status is exception or failed_attempt.
 */
export async function queryKpiSummary(db: Queryable, q: KpiQuery): Promise<KpiSummary> {
  const from = q.from ?? null;
  const to = q.to ?? null;
  // One statement (one snapshot, so every figure describes the same moment), two passes over the
  // facts: the delivered range with the cycle-time percentiles, and the status counts per status
  // together with the data's own day range.
  const { rows } = await db.query<{
    delivered: number;
    on_time: number;
    otif: number;
    median: number | null;
    p90: number | null;
    exceptions: number;
    by_status: { status: OrderStatus; n: number; first: string | null; last: string | null }[];
  }>(
    `SELECT d.*,
            (SELECT count(*)::int FROM shipments WHERE status = ANY($4::text[]) AND ($3::boolean OR NOT is_drill)) AS exceptions,
            (SELECT coalesce(json_agg(s), '[]'::json) FROM (
               SELECT status,
                      count(*) FILTER (WHERE ($1::date IS NULL OR created_day >= $1::date)
                                         AND ($2::date IS NULL OR created_day <= $2::date))::int AS n,
                      min(created_day)::text AS first,
                      greatest(max(created_day), max(delivered_day))::text AS last
                 FROM order_facts WHERE ($3::boolean OR NOT is_drill) GROUP BY status) s) AS by_status
       FROM (SELECT count(*)::int AS delivered,
                    count(*) FILTER (WHERE on_time)::int AS on_time,
                    count(*) FILTER (WHERE on_time AND in_full)::int AS otif,
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle_time_ms) AS median,
                    percentile_cont(0.9) WITHIN GROUP (ORDER BY cycle_time_ms) AS p90
               FROM order_facts
              WHERE delivered_day IS NOT NULL
                AND ($1::date IS NULL OR delivered_day >= $1::date)
                AND ($2::date IS NULL OR delivered_day <= $2::date)
                AND ($3::boolean OR NOT is_drill)) d`,
    [from, to, q.includeDrills, EXCEPTION_SHIPMENT_STATUSES],
  );
  const d = rows[0]!;
  const ordersByStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>;
  for (const r of d.by_status) ordersByStatus[r.status] = r.n;
  const days = (pick: (r: (typeof d.by_status)[number]) => string | null) =>
    d.by_status
      .map(pick)
      .filter((day): day is string => day !== null)
      .sort();
  const createdOrders = Object.values(ordersByStatus).reduce((a, b) => a + b, 0);
  return {
    from,
    to,
    includeDrills: q.includeDrills,
    createdOrders,
    deliveredOrders: d.delivered,
    onTimeOrders: d.on_time,
    lateOrders: d.delivered - d.on_time,
    otd: d.delivered > 0 ? d.on_time / d.delivered : null,
    otifOrders: d.otif,
    otif: d.delivered > 0 ? d.otif / d.delivered : null,
    cycleTimeMedianMs: d.median === null ? null : Math.round(d.median),
    cycleTimeP90Ms: d.p90 === null ? null : Math.round(d.p90),
    ordersByStatus,
    backlog: OPEN_ORDER_STATUSES.reduce((sum, s) => sum + ordersByStatus[s], 0),
    openExceptions: d.exceptions,
    dataFrom: days((r) => r.first)[0] ?? null,
    dataTo: days((r) => r.last).at(-1) ?? null,
    computedAt: new Date().toISOString(),
  };
}

/** Daily created/shipped/delivered/on-time/late counts from the `kpi_daily` table (kept by the analytics-aggregator). */
export async function queryKpiDaily(db: Queryable, q: KpiQuery): Promise<KpiDailyPoint[]> {
  const { rows } = await db.query<KpiDailyPoint>(
    `SELECT day::text AS day, sum(created)::int AS created, sum(shipped)::int AS shipped,
            sum(delivered)::int AS delivered, sum(on_time)::int AS "onTime", sum(late)::int AS late
       FROM kpi_daily
      WHERE ($1::date IS NULL OR day >= $1::date) AND ($2::date IS NULL OR day <= $2::date)
        AND ($3::boolean OR NOT is_drill)
      GROUP BY day ORDER BY day`,
    [q.from ?? null, q.to ?? null, q.includeDrills],
  );
  return rows;
}

/**
 * Open exceptions now: shipments whose current status is exception or failed_attempt (DESIGN.md
 * "KPIs"), live traffic only unless `includeDrills`. The all-data KPI snapshot is refreshed by
 * the analytics-aggregator, which reads order events only, so the API takes this figure live.
 */
export async function queryOpenExceptions(db: Queryable, includeDrills: boolean): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM shipments WHERE status = ANY($1::text[]) AND ($2::boolean OR NOT is_drill)',
    [EXCEPTION_SHIPMENT_STATUSES, includeDrills],
  );
  return rows[0]!.n;
}
