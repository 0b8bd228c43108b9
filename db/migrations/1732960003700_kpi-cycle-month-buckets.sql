-- Up Migration
-- The exact cycle-time percentiles without reading rows per day or a whole bucket's facts
-- (issue 11 benchmark: the KPI summary's cost must not grow with the table). Before, a
-- percentile summed the day x bucket rows of kpi_cycle_buckets over the range (they grow with
-- the days and with the deliveries per day, as more buckets are filled each day) and then read
-- the facts of the bucket holding the rank up to it (1/38 of the delivered facts at 1,000,000
-- orders). Two levels per month, kept exact by statement-level triggers on order_facts in the
-- writer's transaction (the aggregator's batches, the drill purge, a replay, the bulk copy),
-- like 1732960003400_kpi-delivered-aggregates.sql:
--
-- - kpi_cycle_fine_bucket(ms): 64 buckets per doubling above one hour (1.1 % wide), nested in
--   kpi_cycle_bucket's 8: kpi_cycle_bucket(ms) = 0 when fine = 0, else 1 + (fine - 1) / 8. Exact
--   in float8 too: 64 * ln(x) is 8 * (8 * ln(x)) and the division by ln 2 commutes with scaling
--   by a power of two, so the fine value is floor(8 y) for the coarse one's floor(y).
-- - kpi_cycle_months: cycle times per (site, delivered month, drill traffic, coarse bucket);
--   site NULL = every site, as in kpi_cycle_buckets.
-- - kpi_cycle_month_fine: the same per fine bucket, keyed by the coarse bucket first, so the fine
--   rows of the bucket holding a rank are one index range per month.
-- A range whose edge months hold no timed delivery outside it (every range covering whole months
-- of the data, "all data" included) takes its percentile from these rows: months x coarse
-- buckets, then months x 8 fine buckets, then the facts of one fine bucket in cycle-time order
-- (order_facts_cycle_fine, per site order_facts_site_cycle_fine). Other ranges keep the daily
-- buckets (runtime/kpi-query.ts).
CREATE FUNCTION kpi_cycle_fine_bucket(ms bigint) RETURNS integer LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN ms <= 3600000 THEN 0 ELSE 1 + floor(64 * ln(ms / 3600000.0::float8) / ln(2.0::float8))::integer END
$$;

CREATE TABLE kpi_cycle_months (
  site     text,
  month    date NOT NULL,
  is_drill boolean NOT NULL,
  bucket   integer NOT NULL,
  n        bigint NOT NULL
);
CREATE UNIQUE INDEX kpi_cycle_months_key ON kpi_cycle_months (site, month, is_drill, bucket)
  INCLUDE (n) NULLS NOT DISTINCT;

CREATE TABLE kpi_cycle_month_fine (
  site     text,
  bucket   integer NOT NULL,
  month    date NOT NULL,
  is_drill boolean NOT NULL,
  fine     integer NOT NULL,
  n        bigint NOT NULL
);
CREATE UNIQUE INDEX kpi_cycle_month_fine_key ON kpi_cycle_month_fine (site, bucket, month, is_drill, fine)
  INCLUDE (n) NULLS NOT DISTINCT;

-- The k-th cycle time of a fine bucket: an index range in cycle-time order.
CREATE INDEX order_facts_cycle_fine ON order_facts (kpi_cycle_fine_bucket(cycle_time_ms), cycle_time_ms)
  INCLUDE (delivered_day, is_drill)
  WHERE delivered_day IS NOT NULL AND cycle_time_ms IS NOT NULL;
CREATE INDEX order_facts_site_cycle_fine ON order_facts (warehouse_id, kpi_cycle_fine_bucket(cycle_time_ms), cycle_time_ms)
  INCLUDE (delivered_day, is_drill)
  WHERE delivered_day IS NOT NULL AND cycle_time_ms IS NOT NULL AND warehouse_id IS NOT NULL;

CREATE FUNCTION order_facts_cycle_month_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format($q$
    WITH delta AS (%s),
    sited AS (
      SELECT NULL::text AS site, date_trunc('month', delivered_day)::date AS month, is_drill,
             kpi_cycle_fine_bucket(cycle_time_ms) AS fine, d
        FROM delta WHERE delivered_day IS NOT NULL AND cycle_time_ms IS NOT NULL
      UNION ALL
      SELECT warehouse_id, date_trunc('month', delivered_day)::date, is_drill, kpi_cycle_fine_bucket(cycle_time_ms), d
        FROM delta WHERE delivered_day IS NOT NULL AND cycle_time_ms IS NOT NULL AND warehouse_id IS NOT NULL),
    bucketed AS (
      SELECT site, month, is_drill, CASE WHEN fine = 0 THEN 0 ELSE 1 + (fine - 1) / 8 END AS bucket, fine, d
        FROM sited),
    months AS (
      INSERT INTO kpi_cycle_months AS c (site, month, is_drill, bucket, n)
      SELECT site, month, is_drill, bucket, sum(d) FROM bucketed
       GROUP BY site, month, is_drill, bucket HAVING sum(d) <> 0
       ORDER BY site NULLS FIRST, month, is_drill, bucket
      ON CONFLICT (site, month, is_drill, bucket) DO UPDATE SET n = c.n + excluded.n)
    INSERT INTO kpi_cycle_month_fine AS c (site, bucket, month, is_drill, fine, n)
    SELECT site, bucket, month, is_drill, fine, sum(d) FROM bucketed
     GROUP BY site, bucket, month, is_drill, fine HAVING sum(d) <> 0
     ORDER BY site NULLS FIRST, bucket, month, is_drill, fine
    ON CONFLICT (site, bucket, month, is_drill, fine) DO UPDATE SET n = c.n + excluded.n$q$,
    count_delta_source(TG_OP, 'warehouse_id, delivered_day, is_drill, cycle_time_ms'));
  RETURN NULL;
END $$;

CREATE TRIGGER order_facts_cycle_month_insert AFTER INSERT ON order_facts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_facts_cycle_month_deltas();
CREATE TRIGGER order_facts_cycle_month_update AFTER UPDATE ON order_facts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_facts_cycle_month_deltas();
CREATE TRIGGER order_facts_cycle_month_delete AFTER DELETE ON order_facts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION order_facts_cycle_month_deltas();

-- The facts already there (the triggers see only later writes; the migration runs alone).
INSERT INTO kpi_cycle_month_fine (site, bucket, month, is_drill, fine, n)
  SELECT s.site, CASE WHEN x.fine = 0 THEN 0 ELSE 1 + (x.fine - 1) / 8 END, date_trunc('month', f.delivered_day)::date,
         f.is_drill, x.fine, count(*)
    FROM order_facts f
   CROSS JOIN LATERAL (SELECT kpi_cycle_fine_bucket(f.cycle_time_ms) AS fine) x
   CROSS JOIN LATERAL (SELECT NULL::text UNION ALL SELECT f.warehouse_id WHERE f.warehouse_id IS NOT NULL) s(site)
   WHERE f.delivered_day IS NOT NULL AND f.cycle_time_ms IS NOT NULL
   GROUP BY 1, 2, 3, 4, 5;
INSERT INTO kpi_cycle_months (site, month, is_drill, bucket, n)
  SELECT site, month, is_drill, bucket, sum(n) FROM kpi_cycle_month_fine GROUP BY 1, 2, 3, 4;

-- Down Migration
DROP TRIGGER order_facts_cycle_month_delete ON order_facts;
DROP TRIGGER order_facts_cycle_month_update ON order_facts;
DROP TRIGGER order_facts_cycle_month_insert ON order_facts;
DROP FUNCTION order_facts_cycle_month_deltas();
DROP INDEX order_facts_site_cycle_fine;
DROP INDEX order_facts_cycle_fine;
DROP TABLE kpi_cycle_month_fine;
DROP TABLE kpi_cycle_months;
DROP FUNCTION kpi_cycle_fine_bucket(bigint);
