-- Up Migration
-- A page of the orders list by position (`page`, the console's jump when the scroll bar is
-- dragged far down) without reading every row before it (issue 11 benchmark: a page in the
-- middle of 1,000,000 orders read 500,000 rows by OFFSET). order_created_counts: orders per
-- (UTC day of created_at, created site day, status, drill traffic); created_utc_day NULL = no
-- created_at yet. The UTC day splits the list's created_at order exactly (every order of a later
-- UTC day was created later), so the orders before a position are a sum over these rows, and the
-- page is read from the first instant of that UTC day on: at most one day's orders are skipped
-- (server/api/queries.ts `listOrders`). The site day is in the key so the list's created-day
-- filter (`from` / `to`) is summed exactly too. Kept by statement-level triggers on orders in the
-- writer's transaction, like the counts of 1732960003100_order-counts.sql; rows at 0 stay.
CREATE TABLE order_created_counts (
  created_utc_day date,
  created_day     date,
  status          text NOT NULL,
  is_drill        boolean NOT NULL,
  n               bigint NOT NULL
);
CREATE UNIQUE INDEX order_created_counts_key ON order_created_counts (created_utc_day, created_day, status, is_drill)
  INCLUDE (n) NULLS NOT DISTINCT;

CREATE FUNCTION orders_created_count_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format($q$
    INSERT INTO order_created_counts AS c (created_utc_day, created_day, status, is_drill, n)
    SELECT (created_at AT TIME ZONE 'UTC')::date, created_day, status, is_drill, sum(d) FROM (%s) delta
     GROUP BY (created_at AT TIME ZONE 'UTC')::date, created_day, status, is_drill HAVING sum(d) <> 0
     ORDER BY 1, 2, 3, 4
    ON CONFLICT (created_utc_day, created_day, status, is_drill) DO UPDATE SET n = c.n + excluded.n$q$,
    count_delta_source(TG_OP, 'created_at, created_day, status, is_drill'));
  RETURN NULL;
END $$;

CREATE TRIGGER orders_created_counts_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_created_count_deltas();
CREATE TRIGGER orders_created_counts_update AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_created_count_deltas();
CREATE TRIGGER orders_created_counts_delete AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_created_count_deltas();

-- The rows already there (the triggers see only later writes; the migration runs alone).
INSERT INTO order_created_counts (created_utc_day, created_day, status, is_drill, n)
  SELECT (created_at AT TIME ZONE 'UTC')::date, created_day, status, is_drill, count(*) FROM orders
   GROUP BY 1, 2, 3, 4;

-- Down Migration
DROP TRIGGER orders_created_counts_delete ON orders;
DROP TRIGGER orders_created_counts_update ON orders;
DROP TRIGGER orders_created_counts_insert ON orders;
DROP FUNCTION orders_created_count_deltas();
DROP TABLE order_created_counts;
