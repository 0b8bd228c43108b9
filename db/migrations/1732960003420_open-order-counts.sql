-- Up Migration
-- Open orders (no delivery, not cancelled) per (promised day, site time zone, drill traffic), kept
-- by statement-level triggers on orders in the writer's transaction like the counts of
-- 1732960003100_order-counts.sql: the exact total of the at-risk and overdue lists (open orders
-- whose promised day is today or before / before today in their site's zone) is a sum over these
-- rows with each zone's "today", not a count over the open orders. Rows at 0 stay.
CREATE TABLE order_open_counts (
  promised_date  date,
  site_time_zone text,
  is_drill       boolean NOT NULL,
  n              bigint NOT NULL
);
CREATE UNIQUE INDEX order_open_counts_key ON order_open_counts (site_time_zone, promised_date, is_drill)
  NULLS NOT DISTINCT;

CREATE FUNCTION orders_open_count_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format($q$
    INSERT INTO order_open_counts AS c (promised_date, site_time_zone, is_drill, n)
    SELECT promised_date, site_time_zone, is_drill, sum(d) FROM (%s) delta
     WHERE delivered_at IS NULL AND status <> 'cancelled'
     GROUP BY promised_date, site_time_zone, is_drill HAVING sum(d) <> 0
     ORDER BY site_time_zone, promised_date, is_drill
    ON CONFLICT (site_time_zone, promised_date, is_drill) DO UPDATE SET n = c.n + excluded.n$q$,
    count_delta_source(TG_OP, 'promised_date, site_time_zone, is_drill, delivered_at, status'));
  RETURN NULL;
END $$;

CREATE TRIGGER orders_open_counts_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_open_count_deltas();
CREATE TRIGGER orders_open_counts_update AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_open_count_deltas();
CREATE TRIGGER orders_open_counts_delete AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_open_count_deltas();

INSERT INTO order_open_counts (promised_date, site_time_zone, is_drill, n)
  SELECT promised_date, site_time_zone, is_drill, count(*) FROM orders
   WHERE delivered_at IS NULL AND status <> 'cancelled' GROUP BY promised_date, site_time_zone, is_drill;

-- Down Migration
DROP TRIGGER orders_open_counts_delete ON orders;
DROP TRIGGER orders_open_counts_update ON orders;
DROP TRIGGER orders_open_counts_insert ON orders;
DROP FUNCTION orders_open_count_deltas();
DROP TABLE order_open_counts;
