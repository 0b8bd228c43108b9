/**
 * KPI queries over the read models (DESIGN.md "KPIs"), shared by the API, the `npm run kpi`
 * script and the analytics-aggregator's Redis snapshot. Days are site-time calendar days,
 * ranges inclusive; drill traffic is excluded unless `includeDrills`.
 */
import {
  ORDER_STATUSES,
  OPEN_ORDER_STATUSES,
  EXCEPTION_SHIPMENT_STATUSES,
  kpiPeriodSchema,
  mainSpan,
  previousRange,
  type KpiDailyPoint,
  type KpiQuery,
  type KpiSite,
  type MainSpan,
  type KpiSummary,
  type OrderStatus,
} from '../contracts';
import type { Pool, PoolClient } from './db';

type Queryable = Pool | PoolClient;

/** The figures of one range, as `queryFigures` reads them. */
type Figures = Omit<
  KpiSummary,
  | 'includeDrills'
  | 'dataFrom'
  | 'dataTo'
  | 'computedAt'
  | 'warehouse'
  | 'sites'
  | 'mainFrom'
  | 'mainTo'
  | 'outsideDays'
  | 'previous'
> & {
  dataFrom: string | null;
  dataTo: string | null;
};

/** The exception statuses as an SQL array literal (fixed values from contracts, not input). */
const EXCEPTION_STATUSES_SQL = `'{${EXCEPTION_SHIPMENT_STATUSES.join(',')}}'::text[]`;

/**
 * Open exceptions now (drill traffic per $3): every site's from the shipments (a shipment whose
 * order is unknown counts too); one warehouse's ($4) from `order_exception_counts` (the
 * open-exception shipments of the site's orders, kept by triggers,
 * db/migrations/1732960003950_order-open-exceptions.sql), not a walk over the site's orders.
 */
function openExceptionsSql(warehouse: string | null): string {
  return warehouse === null
    ? `SELECT count(*)::int FROM shipments WHERE status = ANY(${EXCEPTION_STATUSES_SQL}) AND ($3::boolean OR NOT is_drill)`
    : `SELECT coalesce(sum(shipments), 0)::int FROM order_exception_counts
        WHERE warehouse_id = $4::text AND ($3::boolean OR NOT is_drill)`;
}

/**
 * Orders per status created in the range ($1..$2, drill traffic per $3), with each status's first
 * created day and last created or delivered day, for one warehouse ($4) from
 * `order_fact_site_counts` (kept exact by triggers on order_facts,
 * db/migrations/1732960003400_kpi-delivered-aggregates.sql): a sum over the site's days x statuses.
 * As for every site below, the site's last delivered day (one index probe) is added to every
 * status's last day; only the overall first and last day are used.
 */
const BY_STATUS_FROM_SITE_COUNTS = `SELECT c.status,
      coalesce(sum(c.n) FILTER (WHERE ($1::date IS NULL OR c.created_day >= $1::date)
                                   AND ($2::date IS NULL OR c.created_day <= $2::date)), 0)::int AS n,
      min(c.created_day)::text AS first,
      greatest(max(c.created_day), (SELECT max(delivered_day) FROM order_facts
                                      WHERE warehouse_id = $4::text AND delivered_day IS NOT NULL
                                        AND ($3::boolean OR NOT is_drill)))::text AS last
    FROM order_fact_site_counts c WHERE c.warehouse_id = $4::text AND ($3::boolean OR NOT c.is_drill) AND c.n > 0
   GROUP BY c.status`;

/**
 * The same for every site from `order_fact_counts` (kept exact by triggers on order_facts,
 * db/migrations/1732960003100_order-counts.sql): a sum over days x statuses, not a pass over
 * the facts. Only the overall first and last day are used, so the last delivered day (one probe
 * of the delivered-day index) is added to every status's last day.
 */
const BY_STATUS_FROM_COUNTS = `SELECT c.status,
      coalesce(sum(c.n) FILTER (WHERE ($1::date IS NULL OR c.created_day >= $1::date)
                                   AND ($2::date IS NULL OR c.created_day <= $2::date)), 0)::int AS n,
      min(c.created_day)::text AS first,
      greatest(max(c.created_day), (SELECT max(delivered_day) FROM order_facts
                                      WHERE ($3::boolean OR NOT is_drill)))::text AS last
    FROM order_fact_counts c WHERE ($3::boolean OR NOT c.is_drill) AND c.n > 0
   GROUP BY c.status`;

/**
 * Computes the KPI summary.
 * - delivered/on time/late/OTIF/cycle time: orders whose delivery day is in the range;
 * - created and orders by status (and so backlog): orders whose created day is in the range;
 * - open exceptions: shipments whose current status is exception or failed_attempt;
 * - `warehouse`: only the orders (and their shipments) of that site;
 * - `previous`: the same figures over the range of the same length before a closed range;
 * - `sites`, `mainFrom`/`mainTo`/`outsideDays`: for the dashboard's pickers (contracts/kpi-range.ts).
 */
export async function queryKpiSummary(db: Queryable, q: KpiQuery): Promise<KpiSummary> {
  const from = q.from ?? null;
  const to = q.to ?? null;
  const warehouse = q.warehouse ?? null;
  const before = from && to ? previousRange(from, to) : null;
  const [figures, previous, sites, span] = await Promise.all([
    queryKpiFigures(db, from, to, q.includeDrills, warehouse),
    before ? queryKpiFigures(db, before.from, before.to, q.includeDrills, warehouse) : null,
    querySites(db, q.includeDrills),
    queryMainSpan(db, q.includeDrills),
  ]);
  return {
    ...figures,
    includeDrills: q.includeDrills,
    computedAt: new Date().toISOString(),
    warehouse,
    sites,
    mainFrom: span?.from ?? null,
    mainTo: span?.to ?? null,
    outsideDays: span?.outsideDays ?? 0,
    // The period schema keeps only the compared figures of the previous range's answer.
    previous: before && previous ? kpiPeriodSchema.parse({ ...previous, ...before }) : null,
  };
}

/**
 * Timed deliveries (cycle time known) of a range up to which the cycle-time percentiles are
 * computed over the range's facts directly; past it, from the cycle-time buckets. Either way the
 * figure is exact; this bounds the rows the direct path reads.
 */
export const DIRECT_PERCENTILES_MAX = 5_000;

/**
 * The KPI figures of one range and site (see {@link queryKpiSummary}); exported for the
 * benchmark, which times each statement of the summary alone.
 * @param directPercentilesMax see {@link DIRECT_PERCENTILES_MAX} (tests pass 0 to take the buckets)
 * @param monthBuckets false keeps a month-aligned range on the daily buckets too (tests compare both)
 */
export async function queryKpiFigures(
  db: Queryable,
  from: string | null,
  to: string | null,
  includeDrills: boolean,
  warehouse: string | null,
  directPercentilesMax: number = DIRECT_PERCENTILES_MAX,
  monthBuckets = true,
): Promise<Figures> {
  if (!Number.isSafeInteger(directPercentilesMax)) throw new Error('directPercentilesMax: an integer');
  // One statement (one snapshot, so every figure describes the same moment), none of it a pass
  // over the facts (db/migrations/1732960003400_kpi-delivered-aggregates.sql):
  // - the delivered figures: a sum over the site's (or every site's) delivered counts per day;
  // - the exact cycle-time median and p90 (percentile_cont's definition: the values at ranks
  //   floor and ceil of p x (n - 1), interpolated in float8): the cycle-time buckets per day say
  //   which bucket holds each rank and how many values lie below it; only that bucket's facts
  //   are read, in cycle-time order (order_facts_cycle_bucket, for one site
  //   order_facts_site_cycle_bucket), to the rank: one index range per percentile (its two
  //   ranks mostly share a bucket);
  //   A range whose edge months hold no timed delivery outside it (whole months of the data,
  //   "all data" included) takes the same walk over the month rows instead
  //   (db/migrations/1732960003700_kpi-cycle-month-buckets.sql): months x coarse buckets, then
  //   the 8 fine buckets of the one holding the rank, then the facts of that fine bucket
  //   (order_facts_cycle_fine) to the rank: rows per month, not per day, and 1/8 of the facts.
  //   Any other range with at most DIRECT_PERCENTILES_MAX timed deliveries (a few days) reads them
  //   directly instead (percentile_cont over the range's facts: fewer rows than a bucket of
  //   every day); only the branch the count picks is run;
  // - the orders per status (with the data's own day range) from the counts per created day.
  const site = warehouse === null ? 'site IS NULL' : 'site = $4::text';
  const inMonths = `($1::date IS NULL OR month >= date_trunc('month', $1::date)::date)
    AND ($2::date IS NULL OR month <= date_trunc('month', $2::date)::date) AND ($3::boolean OR NOT is_drill)`;
  const monthly = monthBuckets ? 'true' : 'false';
  const inRange = (col: string) =>
    `($1::date IS NULL OR ${col} >= $1::date) AND ($2::date IS NULL OR ${col} <= $2::date) AND ($3::boolean OR NOT is_drill)`;
  // The steps both bucket walks share (daily buckets, and month buckets then fine ones):
  /** Rows `bucket, n` -> `bucket, n, below, total` (values in lower buckets, all values). */
  const cumulative = (counts: string) =>
    `SELECT bucket, n, sum(n) OVER (ORDER BY bucket) - n AS below, sum(n) OVER () AS total FROM (${counts}) h`;
  /** The 0-based rank position p x (n - 1) of the median and p90 (percentile_cont's). */
  const ranksIn = (buckets: string) => `SELECT p, p * (t.total - 1)::float8 AS pos
         FROM (VALUES (0.5::float8), (0.9::float8)) v(p), (SELECT total FROM ${buckets} LIMIT 1) t`;
  /** The range's facts of bucket `inBucket` at ranks w.lo..w.hi (w.below of them in lower buckets). */
  const factsAtRanks = (inBucket: string) => `CROSS JOIN LATERAL (
          SELECT x.v, row_number() OVER (ORDER BY x.v) AS i FROM (
            SELECT f.cycle_time_ms::float8 AS v FROM order_facts f
             WHERE ${inBucket} ${warehouse === null ? '' : 'AND f.warehouse_id = $4::text'}
               AND f.delivered_day IS NOT NULL AND f.cycle_time_ms IS NOT NULL
               AND ($1::date IS NULL OR f.delivered_day >= $1::date) AND ($2::date IS NULL OR f.delivered_day <= $2::date)
               AND ($3::boolean OR NOT f.is_drill)
             ORDER BY f.cycle_time_ms OFFSET w.lo - w.below LIMIT w.hi - w.lo + 1) x) o`;
  /** Each percentile interpolated between the values at the floor and ceil of its position. */
  const interpolated = (ranks: string, picked: string) =>
    `SELECT p, lo.v + (pos - floor(pos)) * (hi.v - lo.v) AS value
         FROM ${ranks} JOIN ${picked} lo ON lo.r = floor(pos)::bigint JOIN ${picked} hi ON hi.r = ceil(pos)::bigint`;
  const { rows } = await db.query<{
    delivered: number;
    on_time: number;
    otif: number;
    median: number | null;
    p90: number | null;
    exceptions: number;
    by_status: { status: OrderStatus; n: number; first: string | null; last: string | null }[];
  }>(
    `WITH counted AS (
       SELECT coalesce(sum(delivered), 0)::int AS delivered, coalesce(sum(on_time), 0)::int AS on_time,
              coalesce(sum(otif), 0)::int AS otif, coalesce(sum(timed), 0) AS timed
         FROM kpi_delivered_counts WHERE ${site} AND ${inRange('delivered_day')}),
     buckets AS (${cumulative(`SELECT bucket, sum(n) AS n FROM kpi_cycle_buckets WHERE ${site} AND ${inRange('delivered_day')}
                GROUP BY bucket HAVING sum(n) > 0`)}),
     ranks AS (${ranksIn('buckets')}),
     wanted AS (
       SELECT p, floor(pos)::bigint AS r FROM ranks UNION SELECT p, ceil(pos)::bigint FROM ranks),
     picked AS (
       SELECT DISTINCT w.lo + o.i - 1 AS r, o.v
         FROM (SELECT w.p, b.bucket, b.below, min(w.r) AS lo, max(w.r) AS hi FROM wanted w
                 JOIN buckets b ON w.r >= b.below AND w.r < b.below + b.n GROUP BY w.p, b.bucket, b.below) w
        ${factsAtRanks('kpi_cycle_bucket(f.cycle_time_ms) = w.bucket')}),
     percentiles AS (${interpolated('ranks', 'picked')}),
     aligned AS (
       SELECT ($1::date IS NULL OR NOT EXISTS (
                 SELECT 1 FROM kpi_delivered_counts WHERE ${site} AND timed > 0 AND ($3::boolean OR NOT is_drill)
                    AND delivered_day >= date_trunc('month', $1::date)::date AND delivered_day < $1::date))
          AND ($2::date IS NULL OR NOT EXISTS (
                 SELECT 1 FROM kpi_delivered_counts WHERE ${site} AND timed > 0 AND ($3::boolean OR NOT is_drill)
                    AND delivered_day > $2::date AND delivered_day < (date_trunc('month', $2::date) + interval '1 month')::date))
            AS ok),
     mbuckets AS (${cumulative(`SELECT bucket, sum(n) AS n FROM kpi_cycle_months WHERE ${site} AND ${inMonths}
                GROUP BY bucket HAVING sum(n) > 0`)}),
     mranks AS (${ranksIn('mbuckets')}),
     mcoarse AS (
       SELECT w.p, w.r, b.bucket, b.below
         FROM (SELECT p, floor(pos)::bigint AS r FROM mranks UNION SELECT p, ceil(pos)::bigint FROM mranks) w
         JOIN mbuckets b ON w.r >= b.below AND w.r < b.below + b.n),
     mfine AS (
       SELECT c.bucket, x.fine, x.n, c.below + sum(x.n) OVER (PARTITION BY c.bucket ORDER BY x.fine) - x.n AS below
         FROM (SELECT DISTINCT bucket, below FROM mcoarse) c
        CROSS JOIN LATERAL (
          SELECT fine, sum(n) AS n FROM kpi_cycle_month_fine
           WHERE ${site} AND bucket = c.bucket AND ${inMonths}
           GROUP BY fine HAVING sum(n) > 0) x),
     mpicked AS (
       SELECT DISTINCT w.lo + o.i - 1 AS r, o.v
         FROM (SELECT c.p, f.fine, f.below, min(c.r) AS lo, max(c.r) AS hi FROM mcoarse c
                 JOIN mfine f ON f.bucket = c.bucket AND c.r >= f.below AND c.r < f.below + f.n
                GROUP BY c.p, f.fine, f.below) w
        ${factsAtRanks('kpi_cycle_fine_bucket(f.cycle_time_ms) = w.fine')}),
     mpercentiles AS (${interpolated('mranks', 'mpicked')}),
     direct AS (
       SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle_time_ms) AS median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY cycle_time_ms) AS p90
         FROM order_facts
        WHERE delivered_day IS NOT NULL AND ${inRange('delivered_day')}
          ${warehouse === null ? '' : 'AND warehouse_id = $4::text'})
     SELECT counted.delivered, counted.on_time, counted.otif,
            CASE WHEN ${monthly} AND (SELECT ok FROM aligned) THEN (SELECT value FROM mpercentiles WHERE p = 0.5)
                 WHEN counted.timed <= ${directPercentilesMax} THEN (SELECT median FROM direct)
                 ELSE (SELECT value FROM percentiles WHERE p = 0.5) END AS median,
            CASE WHEN ${monthly} AND (SELECT ok FROM aligned) THEN (SELECT value FROM mpercentiles WHERE p = 0.9)
                 WHEN counted.timed <= ${directPercentilesMax} THEN (SELECT p90 FROM direct)
                 ELSE (SELECT value FROM percentiles WHERE p = 0.9) END AS p90,
            (${openExceptionsSql(warehouse)}) AS exceptions,
            (SELECT coalesce(json_agg(s), '[]'::json) FROM (${warehouse === null ? BY_STATUS_FROM_COUNTS : BY_STATUS_FROM_SITE_COUNTS}) s) AS by_status
       FROM counted`,
    warehouse === null ? [from, to, includeDrills] : [from, to, includeDrills, warehouse],
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
  };
}

/**
 * Every warehouse the orders carry, with its site time zone (the most common one when orders
 * disagree). Reads the orders read model (order-processor), so the API re-reads it over the
 * analytics-aggregator's cached snapshot, which may predate the orders' arrival there.
 */
export async function querySites(db: Queryable, includeDrills: boolean): Promise<KpiSite[]> {
  // From order_site_counts (orders per warehouse and zone, kept by triggers on orders,
  // db/migrations/1732960003100_order-counts.sql): one row per site and zone, not per order.
  // The zone is mode()'s pick: the most orders, ties to the first zone in order, NULL only when
  // the site's orders carry none.
  const { rows } = await db.query<KpiSite>(
    `SELECT DISTINCT ON (warehouse_id) warehouse_id AS "warehouseId", site_time_zone AS "timeZone"
       FROM (SELECT warehouse_id, site_time_zone, sum(n) AS n FROM order_site_counts
              WHERE ($1::boolean OR NOT is_drill) GROUP BY warehouse_id, site_time_zone HAVING sum(n) > 0) c
      ORDER BY warehouse_id, site_time_zone IS NULL, n DESC, site_time_zone`,
    [includeDrills],
  );
  return rows;
}

/** The main span of the activity in `kpi_daily` (every site; see `mainSpan`). */
export async function queryMainSpan(db: Queryable, includeDrills: boolean): Promise<MainSpan | null> {
  const { rows } = await db.query<{ day: string; n: number }>(
    `SELECT day::text AS day, sum(created + shipped + delivered)::int AS n
       FROM kpi_daily WHERE ($1::boolean OR NOT is_drill) GROUP BY day`,
    [includeDrills],
  );
  return mainSpan(rows);
}

/**
 * Daily created/shipped/delivered/on-time/late counts from the `kpi_daily` table (kept by the
 * analytics-aggregator). With a `warehouse` the same counts are summed from that site's
 * order_facts instead (kpi_daily is per day, not per site).
 */
export async function queryKpiDaily(db: Queryable, q: KpiQuery): Promise<KpiDailyPoint[]> {
  const params = [q.from ?? null, q.to ?? null, q.includeDrills];
  const inRange = `($1::date IS NULL OR day >= $1::date) AND ($2::date IS NULL OR day <= $2::date)`;
  if (q.warehouse) {
    const { rows } = await db.query<KpiDailyPoint>(
      `WITH f AS (SELECT * FROM order_facts WHERE ($3::boolean OR NOT is_drill)
                     AND order_id IN (SELECT order_id FROM orders WHERE warehouse_id = $4::text)),
            days AS (
              SELECT created_day AS day, 1 AS created, 0 AS shipped, 0 AS delivered, 0 AS on_time, 0 AS late
                FROM f WHERE created_day IS NOT NULL
              UNION ALL SELECT shipped_day, 0, 1, 0, 0, 0 FROM f WHERE shipped_day IS NOT NULL
              UNION ALL SELECT delivered_day, 0, 0, 1, CASE WHEN on_time THEN 1 ELSE 0 END, CASE WHEN on_time THEN 0 ELSE 1 END
                FROM f WHERE delivered_day IS NOT NULL)
       SELECT day::text AS day, sum(created)::int AS created, sum(shipped)::int AS shipped,
              sum(delivered)::int AS delivered, sum(on_time)::int AS "onTime", sum(late)::int AS late
         FROM days WHERE ${inRange} GROUP BY day ORDER BY day`,
      [...params, q.warehouse],
    );
    return rows;
  }
  const { rows } = await db.query<KpiDailyPoint>(
    `SELECT day::text AS day, sum(created)::int AS created, sum(shipped)::int AS shipped,
            sum(delivered)::int AS delivered, sum(on_time)::int AS "onTime", sum(late)::int AS late
       FROM kpi_daily
      WHERE ${inRange}
        AND ($3::boolean OR NOT is_drill)
      GROUP BY day ORDER BY day`,
    params,
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
