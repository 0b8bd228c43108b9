/**
 * Checks of the counts tables kept by triggers (db/migrations/1732960003100_order-counts.sql,
 * 1732960003400_kpi-delivered-aggregates.sql) against a recount of the tables they count.
 */
import type { Pool } from '../../runtime/db';

/**
 * Rows where a counts table differs from a recount of the table it counts (counters at 0 and
 * missing keys are the same).
 */
export async function countDrift(pool: Pool): Promise<unknown[]> {
  const q = async (sql: string) => (await pool.query(sql)).rows;
  return [
    ...(await q(`SELECT 'order_counts' AS t, * FROM
        (SELECT created_day, status, is_drill, count(*)::bigint AS n FROM orders GROUP BY 1, 2, 3) r
        FULL JOIN (SELECT * FROM order_counts WHERE n <> 0) c USING (created_day, status, is_drill)
       WHERE r.n IS DISTINCT FROM c.n`)),
    ...(await q(`SELECT 'order_site_counts' AS t, * FROM
        (SELECT warehouse_id, site_time_zone, is_drill, count(*)::bigint AS n FROM orders
          WHERE warehouse_id IS NOT NULL GROUP BY 1, 2, 3) r
        FULL JOIN (SELECT * FROM order_site_counts WHERE n <> 0) c USING (warehouse_id, site_time_zone, is_drill)
       WHERE r.n IS DISTINCT FROM c.n`)),
    ...(await q(`SELECT 'order_fact_counts' AS t, * FROM
        (SELECT created_day, status, is_drill, count(*)::bigint AS n FROM order_facts GROUP BY 1, 2, 3) r
        FULL JOIN (SELECT * FROM order_fact_counts WHERE n <> 0) c USING (created_day, status, is_drill)
       WHERE r.n IS DISTINCT FROM c.n`)),
    ...(await q(`SELECT 'order_fact_site_counts' AS t, * FROM
        (SELECT warehouse_id, created_day, status, is_drill, count(*)::bigint AS n FROM order_facts
          WHERE warehouse_id IS NOT NULL GROUP BY 1, 2, 3, 4) r
        FULL JOIN (SELECT * FROM order_fact_site_counts WHERE n <> 0) c
          USING (warehouse_id, created_day, status, is_drill)
       WHERE r.n IS DISTINCT FROM c.n`)),
    // Each delivered fact counts for every site (site NULL) and for its own site.
    ...(await q(`SELECT 'kpi_delivered_counts' AS t, * FROM
        (SELECT s.site, f.delivered_day, f.is_drill, count(*)::bigint AS delivered,
                count(*) FILTER (WHERE f.on_time)::bigint AS on_time,
                count(*) FILTER (WHERE f.on_time AND f.in_full)::bigint AS otif,
                count(f.cycle_time_ms)::bigint AS timed
           FROM order_facts f CROSS JOIN LATERAL
                (SELECT NULL::text UNION ALL SELECT f.warehouse_id WHERE f.warehouse_id IS NOT NULL) s(site)
          WHERE f.delivered_day IS NOT NULL GROUP BY 1, 2, 3) r
        FULL JOIN (SELECT * FROM kpi_delivered_counts
                    WHERE delivered <> 0 OR on_time <> 0 OR otif <> 0 OR timed <> 0) c
          ON r.site IS NOT DISTINCT FROM c.site AND r.delivered_day = c.delivered_day AND r.is_drill = c.is_drill
       WHERE (r.delivered, r.on_time, r.otif, r.timed) IS DISTINCT FROM (c.delivered, c.on_time, c.otif, c.timed)`)),
    ...(await q(`SELECT 'kpi_cycle_buckets' AS t, * FROM
        (SELECT s.site, f.delivered_day, f.is_drill, kpi_cycle_bucket(f.cycle_time_ms) AS bucket, count(*)::bigint AS n
           FROM order_facts f CROSS JOIN LATERAL
                (SELECT NULL::text UNION ALL SELECT f.warehouse_id WHERE f.warehouse_id IS NOT NULL) s(site)
          WHERE f.delivered_day IS NOT NULL AND f.cycle_time_ms IS NOT NULL GROUP BY 1, 2, 3, 4) r
        FULL JOIN (SELECT * FROM kpi_cycle_buckets WHERE n <> 0) c
          ON r.site IS NOT DISTINCT FROM c.site AND r.delivered_day = c.delivered_day AND r.is_drill = c.is_drill
         AND r.bucket = c.bucket
       WHERE r.n IS DISTINCT FROM c.n`)),
  ];
}
