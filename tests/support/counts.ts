/**
 * Checks of the counts tables kept by triggers (db/migrations/1732960003100_order-counts.sql)
 * against a recount of the tables they count.
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
  ];
}
