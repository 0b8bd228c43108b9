-- Up Migration
-- The KPI summary without a pass over the facts (issue 11 benchmark: its cost must not grow with
-- the table), every figure still exact:
--
-- - order_facts.warehouse_id: the site of the order, from its OrderCreated event (the field the
--   orders read model stores too, folded by the same rule), so one site's KPIs need no join with
--   the orders. Filled here from the orders read model for the facts already there.
-- - kpi_delivered_counts: delivered facts per (site, delivered site day, drill traffic) with
--   their on-time, on-time-and-in-full and timed (cycle time known) counts. `site` NULL = every
--   site; a fact with a warehouse is counted in both its site's row and the NULL row.
-- - kpi_cycle_buckets: the same facts' cycle times per (site, day, drill traffic, bucket), the
--   bucket being kpi_cycle_bucket(cycle_time_ms) (8 per doubling: 9 % wide). The exact median and
--   p90 take the bucket holding the k-th cycle time from a sum over these rows, then read only
--   that bucket's facts in order (order_facts_cycle_bucket, per site order_facts_site_cycle_bucket)
--   for the exact value.
-- - order_fact_site_counts: facts per (warehouse, created site day, status, drill traffic): one
--   site's orders by status and backlog, as order_fact_counts does for every site.
-- All three are kept by statement-level triggers on order_facts in the writer's transaction (the
-- aggregator's batches, the drill purge, a replay, the bulk copy), summed per key and applied in
-- key order like the counts of 1732960003100_order-counts.sql. Rows that fell to 0 stay.
ALTER TABLE order_facts ADD COLUMN warehouse_id text;
UPDATE order_facts f SET warehouse_id = o.warehouse_id FROM orders o
 WHERE o.order_id = f.order_id AND o.warehouse_id IS NOT NULL;

-- 1 hour and less (a negative cycle time from inconsistent source timestamps included): bucket
-- 0; above: 1 + floor(8 * log2(hours)). Immutable: the same value in the index and the counts.
CREATE FUNCTION kpi_cycle_bucket(ms bigint) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN ms <= 3600000 THEN 0 ELSE 1 + floor(8 * ln(ms / 3600000.0::float8) / ln(2.0::float8))::integer END
$$;

CREATE TABLE kpi_delivered_counts (
  site          text,
  delivered_day date NOT NULL,
  is_drill      boolean NOT NULL,
  delivered     bigint NOT NULL,
  on_time       bigint NOT NULL,
  otif          bigint NOT NULL,
  timed         bigint NOT NULL
);
CREATE UNIQUE INDEX kpi_delivered_counts_key ON kpi_delivered_counts (site, delivered_day, is_drill) NULLS NOT DISTINCT;

CREATE TABLE kpi_cycle_buckets (
  site          text,
  delivered_day date NOT NULL,
  is_drill      boolean NOT NULL,
  bucket        integer NOT NULL,
  n             bigint NOT NULL
);
CREATE UNIQUE INDEX kpi_cycle_buckets_key ON kpi_cycle_buckets (site, delivered_day, is_drill, bucket)
  INCLUDE (n) NULLS NOT DISTINCT;

CREATE TABLE order_fact_site_counts (
  warehouse_id text NOT NULL,
  created_day  date,
  status       text NOT NULL,
  is_drill     boolean NOT NULL,
  n            bigint NOT NULL
);
CREATE UNIQUE INDEX order_fact_site_counts_key ON order_fact_site_counts (warehouse_id, created_day, status, is_drill)
  NULLS NOT DISTINCT;

-- The k-th cycle time of a bucket: an index range in cycle-time order (index only: the filters
-- of the day range and traffic are in the index).
CREATE INDEX order_facts_cycle_bucket ON order_facts (kpi_cycle_bucket(cycle_time_ms), cycle_time_ms)
  INCLUDE (delivered_day, is_drill)
  WHERE delivered_day IS NOT NULL AND cycle_time_ms IS NOT NULL;
-- The same for one site: only the site's facts of the bucket are read.
CREATE INDEX order_facts_site_cycle_bucket ON order_facts (warehouse_id, kpi_cycle_bucket(cycle_time_ms), cycle_time_ms)
  INCLUDE (delivered_day, is_drill)
  WHERE delivered_day IS NOT NULL AND cycle_time_ms IS NOT NULL AND warehouse_id IS NOT NULL;
-- One site's last delivered day (the summary's data range).
CREATE INDEX order_facts_warehouse_delivered ON order_facts (warehouse_id, delivered_day)
  WHERE delivered_day IS NOT NULL;

CREATE FUNCTION order_facts_kpi_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format($q$
    WITH delta AS (%s),
    sited AS (
      SELECT NULL::text AS site, * FROM delta WHERE delivered_day IS NOT NULL
      UNION ALL SELECT warehouse_id, * FROM delta WHERE delivered_day IS NOT NULL AND warehouse_id IS NOT NULL),
    delivered AS (
      INSERT INTO kpi_delivered_counts AS c (site, delivered_day, is_drill, delivered, on_time, otif, timed)
      SELECT site, delivered_day, is_drill, sum(d), sum(t), sum(o), sum(m)
        FROM (SELECT site, delivered_day, is_drill, d, CASE WHEN on_time THEN d ELSE 0 END AS t,
                     CASE WHEN on_time AND in_full THEN d ELSE 0 END AS o,
                     CASE WHEN cycle_time_ms IS NOT NULL THEN d ELSE 0 END AS m FROM sited) s
       GROUP BY site, delivered_day, is_drill
      HAVING sum(d) <> 0 OR sum(t) <> 0 OR sum(o) <> 0 OR sum(m) <> 0
       ORDER BY site NULLS FIRST, delivered_day, is_drill
      ON CONFLICT (site, delivered_day, is_drill) DO UPDATE SET delivered = c.delivered + excluded.delivered,
        on_time = c.on_time + excluded.on_time, otif = c.otif + excluded.otif, timed = c.timed + excluded.timed),
    buckets AS (
      INSERT INTO kpi_cycle_buckets AS c (site, delivered_day, is_drill, bucket, n)
      SELECT site, delivered_day, is_drill, kpi_cycle_bucket(cycle_time_ms), sum(d)
        FROM sited WHERE cycle_time_ms IS NOT NULL
       GROUP BY site, delivered_day, is_drill, kpi_cycle_bucket(cycle_time_ms) HAVING sum(d) <> 0
       ORDER BY site NULLS FIRST, delivered_day, is_drill, kpi_cycle_bucket(cycle_time_ms)
      ON CONFLICT (site, delivered_day, is_drill, bucket) DO UPDATE SET n = c.n + excluded.n)
    INSERT INTO order_fact_site_counts AS c (warehouse_id, created_day, status, is_drill, n)
    SELECT warehouse_id, created_day, status, is_drill, sum(d) FROM delta WHERE warehouse_id IS NOT NULL
     GROUP BY warehouse_id, created_day, status, is_drill HAVING sum(d) <> 0
     ORDER BY warehouse_id, created_day, status, is_drill
    ON CONFLICT (warehouse_id, created_day, status, is_drill) DO UPDATE SET n = c.n + excluded.n$q$,
    count_delta_source(TG_OP,
      'warehouse_id, created_day, status, delivered_day, is_drill, on_time, in_full, cycle_time_ms'));
  RETURN NULL;
END $$;

CREATE TRIGGER order_facts_kpi_insert AFTER INSERT ON order_facts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_facts_kpi_deltas();
CREATE TRIGGER order_facts_kpi_update AFTER UPDATE ON order_facts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_facts_kpi_deltas();
CREATE TRIGGER order_facts_kpi_delete AFTER DELETE ON order_facts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_facts_kpi_deltas();

-- The facts already there (the triggers see only later writes; the migration runs alone).
INSERT INTO kpi_delivered_counts (site, delivered_day, is_drill, delivered, on_time, otif, timed)
  SELECT s.site, f.delivered_day, f.is_drill, count(*), count(*) FILTER (WHERE f.on_time),
         count(*) FILTER (WHERE f.on_time AND f.in_full), count(f.cycle_time_ms)
    FROM order_facts f CROSS JOIN LATERAL
         (SELECT NULL::text UNION ALL SELECT f.warehouse_id WHERE f.warehouse_id IS NOT NULL) s(site)
   WHERE f.delivered_day IS NOT NULL
   GROUP BY s.site, f.delivered_day, f.is_drill;
INSERT INTO kpi_cycle_buckets (site, delivered_day, is_drill, bucket, n)
  SELECT s.site, f.delivered_day, f.is_drill, kpi_cycle_bucket(f.cycle_time_ms), count(*)
    FROM order_facts f CROSS JOIN LATERAL
         (SELECT NULL::text UNION ALL SELECT f.warehouse_id WHERE f.warehouse_id IS NOT NULL) s(site)
   WHERE f.delivered_day IS NOT NULL AND f.cycle_time_ms IS NOT NULL
   GROUP BY s.site, f.delivered_day, f.is_drill, kpi_cycle_bucket(f.cycle_time_ms);
INSERT INTO order_fact_site_counts (warehouse_id, created_day, status, is_drill, n)
  SELECT warehouse_id, created_day, status, is_drill, count(*) FROM order_facts WHERE warehouse_id IS NOT NULL
   GROUP BY warehouse_id, created_day, status, is_drill;

-- Down Migration
DROP TRIGGER order_facts_kpi_delete ON order_facts;
DROP TRIGGER order_facts_kpi_update ON order_facts;
DROP TRIGGER order_facts_kpi_insert ON order_facts;
DROP FUNCTION order_facts_kpi_deltas();
DROP INDEX order_facts_warehouse_delivered;
DROP INDEX order_facts_site_cycle_bucket;
DROP INDEX order_facts_cycle_bucket;
DROP TABLE order_fact_site_counts;
DROP TABLE kpi_cycle_buckets;
DROP TABLE kpi_delivered_counts;
DROP FUNCTION kpi_cycle_bucket(bigint);
ALTER TABLE order_facts DROP COLUMN warehouse_id;
