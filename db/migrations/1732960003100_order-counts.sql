-- Up Migration
-- Counts kept in step with the read models (issue 11 benchmark: list and KPI queries must not cost
-- more as the tables grow). Each table is maintained by statement-level triggers on the table it
-- counts, so every writer keeps it exact in the writer's own transaction: the workers' batched
-- upserts, the drill purge's deletes, a replay into a fresh schema and the bulk copy
-- (scripts/scale/bulk.ts). A statement's rows are summed per key first and applied in key order,
-- so a batch touches each counter row once and concurrent batches take the row locks in the same order.
--
-- - order_counts: orders per (created site day, status, drill traffic). The orders list answers
--   its total from here when the filter is only status / created days / drill traffic (the
--   default view): a sum over days x statuses instead of a count over the orders.
-- - order_site_counts: orders per (warehouse, site time zone, drill traffic): the KPI
--   dashboard's site list (each warehouse with its most common zone) without reading the orders.
-- - order_fact_counts: KPI facts per (created site day, status, drill traffic): the KPI
--   summary's orders by status and backlog without a pass over every fact.
-- Rows whose count fell to 0 stay (readers skip them). No CHECK (n >= 0): PostgreSQL checks the
-- proposed row of INSERT ... ON CONFLICT, which carries a negative delta. NULL keys are distinct values here (NULLS
-- NOT DISTINCT), so an order without a created day is counted too.
CREATE TABLE order_counts (
  created_day date,
  status      text NOT NULL,
  is_drill    boolean NOT NULL,
  n           bigint NOT NULL
);
CREATE UNIQUE INDEX order_counts_key ON order_counts (created_day, status, is_drill) NULLS NOT DISTINCT;

CREATE TABLE order_site_counts (
  warehouse_id   text NOT NULL,
  site_time_zone text,
  is_drill       boolean NOT NULL,
  n              bigint NOT NULL
);
CREATE UNIQUE INDEX order_site_counts_key ON order_site_counts (warehouse_id, site_time_zone, is_drill)
  NULLS NOT DISTINCT;

CREATE TABLE order_fact_counts (
  created_day date,
  status      text NOT NULL,
  is_drill    boolean NOT NULL,
  n           bigint NOT NULL
);
CREATE UNIQUE INDEX order_fact_counts_key ON order_fact_counts (created_day, status, is_drill) NULLS NOT DISTINCT;

-- The rows of one statement as deltas: +1 per new row, -1 per old row (transition tables
-- `new_rows` / `old_rows`, whichever the operation has; SQL naming a missing one fails, so the
-- source is chosen by TG_OP and run with EXECUTE), summed per key, zero sums skipped.
CREATE FUNCTION count_delta_source(op text, columns text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE op
    WHEN 'INSERT' THEN format('SELECT %s, 1 AS d FROM new_rows', columns)
    WHEN 'UPDATE' THEN format('SELECT %s, 1 AS d FROM new_rows UNION ALL SELECT %s, -1 FROM old_rows', columns, columns)
    ELSE format('SELECT %s, -1 AS d FROM old_rows', columns) END
$$;

CREATE FUNCTION orders_count_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format($q$
    WITH delta AS (%s),
    days AS (
      INSERT INTO order_counts AS c (created_day, status, is_drill, n)
      SELECT created_day, status, is_drill, sum(d) FROM delta
       GROUP BY created_day, status, is_drill HAVING sum(d) <> 0
       ORDER BY created_day, status, is_drill
      ON CONFLICT (created_day, status, is_drill) DO UPDATE SET n = c.n + excluded.n)
    INSERT INTO order_site_counts AS c (warehouse_id, site_time_zone, is_drill, n)
    SELECT warehouse_id, site_time_zone, is_drill, sum(d) FROM delta WHERE warehouse_id IS NOT NULL
     GROUP BY warehouse_id, site_time_zone, is_drill HAVING sum(d) <> 0
     ORDER BY warehouse_id, site_time_zone, is_drill
    ON CONFLICT (warehouse_id, site_time_zone, is_drill) DO UPDATE SET n = c.n + excluded.n$q$,
    count_delta_source(TG_OP, 'created_day, status, is_drill, warehouse_id, site_time_zone'));
  RETURN NULL;
END $$;

CREATE FUNCTION order_facts_count_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format($q$
    INSERT INTO order_fact_counts AS c (created_day, status, is_drill, n)
    SELECT created_day, status, is_drill, sum(d) FROM (%s) delta
     GROUP BY created_day, status, is_drill HAVING sum(d) <> 0
     ORDER BY created_day, status, is_drill
    ON CONFLICT (created_day, status, is_drill) DO UPDATE SET n = c.n + excluded.n$q$,
    count_delta_source(TG_OP, 'created_day, status, is_drill'));
  RETURN NULL;
END $$;

-- A transition-table trigger handles one operation; INSERT ... ON CONFLICT DO UPDATE fires the
-- INSERT trigger for its inserted rows and the UPDATE trigger for its updated ones.
CREATE TRIGGER orders_counts_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_count_deltas();
CREATE TRIGGER orders_counts_update AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_count_deltas();
CREATE TRIGGER orders_counts_delete AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_count_deltas();
CREATE TRIGGER order_facts_counts_insert AFTER INSERT ON order_facts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_facts_count_deltas();
CREATE TRIGGER order_facts_counts_update AFTER UPDATE ON order_facts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_facts_count_deltas();
CREATE TRIGGER order_facts_counts_delete AFTER DELETE ON order_facts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_facts_count_deltas();

-- The rows already there (the triggers above see only later writes; the migration runs alone).
INSERT INTO order_counts (created_day, status, is_drill, n)
  SELECT created_day, status, is_drill, count(*) FROM orders GROUP BY created_day, status, is_drill;
INSERT INTO order_site_counts (warehouse_id, site_time_zone, is_drill, n)
  SELECT warehouse_id, site_time_zone, is_drill, count(*) FROM orders WHERE warehouse_id IS NOT NULL
   GROUP BY warehouse_id, site_time_zone, is_drill;
INSERT INTO order_fact_counts (created_day, status, is_drill, n)
  SELECT created_day, status, is_drill, count(*) FROM order_facts GROUP BY created_day, status, is_drill;

-- Down Migration
DROP TRIGGER order_facts_counts_delete ON order_facts;
DROP TRIGGER order_facts_counts_update ON order_facts;
DROP TRIGGER order_facts_counts_insert ON order_facts;
DROP TRIGGER orders_counts_delete ON orders;
DROP TRIGGER orders_counts_update ON orders;
DROP TRIGGER orders_counts_insert ON orders;
DROP FUNCTION order_facts_count_deltas();
DROP FUNCTION orders_count_deltas();
DROP FUNCTION count_delta_source(text, text);
DROP TABLE order_fact_counts;
DROP TABLE order_site_counts;
DROP TABLE order_counts;
