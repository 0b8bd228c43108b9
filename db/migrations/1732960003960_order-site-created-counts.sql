-- Up Migration
-- One warehouse's orders list by position, and its exact total by status and created days, the
-- way the default view has them (1732960003710_order-created-counts.sql): orders per (warehouse,
-- UTC day of created_at, created site day, status, drill traffic). The issue 11 benchmark jumped
-- to the middle of the busiest site's list by OFFSET (37 ms at 1,000,000 orders, growing with
-- the site); the site's backlog in one status (a KPI drill-down) was counted order by order.
-- Kept by statement-level triggers on orders in the writer's transaction like the other counts;
-- orders without a warehouse are not counted here; rows at 0 stay.
CREATE TABLE order_site_created_counts (
  warehouse_id    text NOT NULL,
  created_utc_day date,
  created_day     date,
  status          text NOT NULL,
  is_drill        boolean NOT NULL,
  n               bigint NOT NULL
);
CREATE UNIQUE INDEX order_site_created_counts_key
  ON order_site_created_counts (warehouse_id, created_utc_day, created_day, status, is_drill)
  INCLUDE (n) NULLS NOT DISTINCT;

CREATE FUNCTION orders_site_created_count_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format($q$
    INSERT INTO order_site_created_counts AS c (warehouse_id, created_utc_day, created_day, status, is_drill, n)
    SELECT warehouse_id, (created_at AT TIME ZONE 'UTC')::date, created_day, status, is_drill, sum(d) FROM (%s) delta
     WHERE warehouse_id IS NOT NULL
     GROUP BY warehouse_id, (created_at AT TIME ZONE 'UTC')::date, created_day, status, is_drill HAVING sum(d) <> 0
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (warehouse_id, created_utc_day, created_day, status, is_drill) DO UPDATE SET n = c.n + excluded.n$q$,
    count_delta_source(TG_OP, 'warehouse_id, created_at, created_day, status, is_drill'));
  RETURN NULL;
END $$;

CREATE TRIGGER orders_site_created_counts_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_site_created_count_deltas();
CREATE TRIGGER orders_site_created_counts_update AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_site_created_count_deltas();
CREATE TRIGGER orders_site_created_counts_delete AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_site_created_count_deltas();

-- The rows already there (the migration runs alone).
INSERT INTO order_site_created_counts (warehouse_id, created_utc_day, created_day, status, is_drill, n)
  SELECT warehouse_id, (created_at AT TIME ZONE 'UTC')::date, created_day, status, is_drill, count(*) FROM orders
   WHERE warehouse_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5;

-- Down Migration
DROP TRIGGER orders_site_created_counts_delete ON orders;
DROP TRIGGER orders_site_created_counts_update ON orders;
DROP TRIGGER orders_site_created_counts_insert ON orders;
DROP FUNCTION orders_site_created_count_deltas();
DROP TABLE order_site_created_counts;
