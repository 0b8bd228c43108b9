/**
 * Checks of the counts tables kept by triggers (db/migrations/1732960003100_order-counts.sql,
 * 1732960003400_kpi-delivered-aggregates.sql, 1732960003420_open-order-counts.sql,
 * 1732960003700_kpi-cycle-month-buckets.sql, 1732960003710_order-created-counts.sql,
 * 1732960003950_order-open-exceptions.sql, 1732960003960_order-site-created-counts.sql) against a recount of the tables they count (the
 * month tables' buckets recounted with kpi_cycle_bucket itself, so a fine bucket outside its
 * coarse one is drift too).
 */
import type { Pool } from '../../runtime/db';

/** Each delivered fact counts for every site (site NULL) and for its own site. */
const SITED_FACTS = `order_facts f CROSS JOIN LATERAL
  (SELECT NULL::text UNION ALL SELECT f.warehouse_id WHERE f.warehouse_id IS NOT NULL) s(site)`;

/** Per order in the orders table: its shipments in an exception status now. */
const OPEN_EXCEPTION_SHIPMENTS = `SELECT s.order_id, count(*)::bigint AS n FROM shipments s
  WHERE s.status IN ('exception', 'failed_attempt') AND s.order_id IN (SELECT order_id FROM orders)
  GROUP BY s.order_id`;

/** [table, its rows as `kept` reads them (zero counters left out), the same rows recounted]. */
const CHECKS: [string, string, string][] = [
  [
    'orders.open_exceptions',
    'SELECT order_id, open_exceptions::bigint FROM orders WHERE open_exceptions <> 0',
    OPEN_EXCEPTION_SHIPMENTS,
  ],
  [
    'order_exception_counts',
    'SELECT warehouse_id, is_drill, orders, shipments FROM order_exception_counts WHERE orders <> 0 OR shipments <> 0',
    `SELECT o.warehouse_id, o.is_drill, count(*)::bigint, sum(e.n)::bigint
       FROM orders o JOIN (${OPEN_EXCEPTION_SHIPMENTS}) e ON e.order_id = o.order_id GROUP BY 1, 2`,
  ],
  [
    'order_counts',
    'SELECT created_day, status, is_drill, n FROM order_counts WHERE n <> 0',
    'SELECT created_day, status, is_drill, count(*)::bigint FROM orders GROUP BY 1, 2, 3',
  ],
  [
    'order_created_counts',
    'SELECT created_utc_day, created_day, status, is_drill, n FROM order_created_counts WHERE n <> 0',
    `SELECT (created_at AT TIME ZONE 'UTC')::date, created_day, status, is_drill, count(*)::bigint FROM orders
      GROUP BY 1, 2, 3, 4`,
  ],
  [
    'order_site_created_counts',
    `SELECT warehouse_id, created_utc_day, created_day, status, is_drill, n FROM order_site_created_counts
      WHERE n <> 0`,
    `SELECT warehouse_id, (created_at AT TIME ZONE 'UTC')::date, created_day, status, is_drill, count(*)::bigint
       FROM orders WHERE warehouse_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5`,
  ],
  [
    'order_site_counts',
    'SELECT warehouse_id, site_time_zone, is_drill, n FROM order_site_counts WHERE n <> 0',
    `SELECT warehouse_id, site_time_zone, is_drill, count(*)::bigint FROM orders
      WHERE warehouse_id IS NOT NULL GROUP BY 1, 2, 3`,
  ],
  [
    'order_fact_counts',
    'SELECT created_day, status, is_drill, n FROM order_fact_counts WHERE n <> 0',
    'SELECT created_day, status, is_drill, count(*)::bigint FROM order_facts GROUP BY 1, 2, 3',
  ],
  [
    'order_fact_site_counts',
    'SELECT warehouse_id, created_day, status, is_drill, n FROM order_fact_site_counts WHERE n <> 0',
    `SELECT warehouse_id, created_day, status, is_drill, count(*)::bigint FROM order_facts
      WHERE warehouse_id IS NOT NULL GROUP BY 1, 2, 3, 4`,
  ],
  [
    'order_open_counts',
    'SELECT promised_date, site_time_zone, is_drill, n FROM order_open_counts WHERE n <> 0',
    `SELECT promised_date, site_time_zone, is_drill, count(*)::bigint FROM orders
      WHERE delivered_at IS NULL AND status <> 'cancelled' GROUP BY 1, 2, 3`,
  ],
  [
    'kpi_delivered_counts',
    `SELECT site, delivered_day, is_drill, delivered, on_time, otif, timed FROM kpi_delivered_counts
      WHERE delivered <> 0 OR on_time <> 0 OR otif <> 0 OR timed <> 0`,
    `SELECT s.site, f.delivered_day, f.is_drill, count(*)::bigint, count(*) FILTER (WHERE f.on_time)::bigint,
            count(*) FILTER (WHERE f.on_time AND f.in_full)::bigint, count(f.cycle_time_ms)::bigint
       FROM ${SITED_FACTS} WHERE f.delivered_day IS NOT NULL GROUP BY 1, 2, 3`,
  ],
  [
    'kpi_cycle_buckets',
    'SELECT site, delivered_day, is_drill, bucket, n FROM kpi_cycle_buckets WHERE n <> 0',
    `SELECT s.site, f.delivered_day, f.is_drill, kpi_cycle_bucket(f.cycle_time_ms), count(*)::bigint
       FROM ${SITED_FACTS} WHERE f.delivered_day IS NOT NULL AND f.cycle_time_ms IS NOT NULL GROUP BY 1, 2, 3, 4`,
  ],
  [
    'kpi_cycle_months',
    'SELECT site, month, is_drill, bucket, n FROM kpi_cycle_months WHERE n <> 0',
    `SELECT s.site, date_trunc('month', f.delivered_day)::date, f.is_drill, kpi_cycle_bucket(f.cycle_time_ms), count(*)::bigint
       FROM ${SITED_FACTS} WHERE f.delivered_day IS NOT NULL AND f.cycle_time_ms IS NOT NULL GROUP BY 1, 2, 3, 4`,
  ],
  [
    'kpi_cycle_month_fine',
    'SELECT site, bucket, month, is_drill, fine, n FROM kpi_cycle_month_fine WHERE n <> 0',
    `SELECT s.site, kpi_cycle_bucket(f.cycle_time_ms), date_trunc('month', f.delivered_day)::date, f.is_drill,
            kpi_cycle_fine_bucket(f.cycle_time_ms), count(*)::bigint
       FROM ${SITED_FACTS} WHERE f.delivered_day IS NOT NULL AND f.cycle_time_ms IS NOT NULL GROUP BY 1, 2, 3, 4, 5`,
  ],
];

/**
 * Rows where a counts table differs from a recount of the table it counts (counters at 0 and
 * missing keys are the same; NULL keys compare equal, as the tables' NULLS NOT DISTINCT keys do):
 * `side` `table` = a row only the counts table has, `recount` = a row only the recount has.
 */
export async function countDrift(pool: Pool): Promise<unknown[]> {
  const drift: unknown[] = [];
  for (const [table, kept, recount] of CHECKS) {
    const { rows } = await pool.query(
      `(SELECT $1::text AS t, 'table' AS side, d.* FROM (${kept} EXCEPT ${recount}) d)
       UNION ALL (SELECT $1::text, 'recount', d.* FROM (${recount} EXCEPT ${kept}) d)`,
      [table],
    );
    drift.push(...rows);
  }
  return drift;
}
