-- Up Migration
-- kpi_daily becomes a table the analytics-aggregator keeps up to date in each batch transaction
-- (adds each order's new contribution minus its old one) instead of a materialized view
-- recomputed over every order after batches. Same columns, same meaning, filled from the facts.
DROP MATERIALIZED VIEW kpi_daily;
CREATE TABLE kpi_daily (
  day       date NOT NULL,
  is_drill  boolean NOT NULL,
  created   integer NOT NULL DEFAULT 0,
  shipped   integer NOT NULL DEFAULT 0,
  delivered integer NOT NULL DEFAULT 0,
  on_time   integer NOT NULL DEFAULT 0,
  late      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (day, is_drill),
  -- A negative count can only come from a fault in the incremental maintenance: refuse it.
  CHECK (created >= 0 AND shipped >= 0 AND delivered >= 0 AND on_time >= 0 AND late >= 0)
);
INSERT INTO kpi_daily (day, is_drill, created, shipped, delivered, on_time, late)
WITH days AS (
  SELECT created_day AS day, is_drill, 1 AS created, 0 AS shipped, 0 AS delivered, 0 AS on_time, 0 AS late
    FROM order_facts WHERE created_day IS NOT NULL
  UNION ALL
  SELECT shipped_day, is_drill, 0, 1, 0, 0, 0 FROM order_facts WHERE shipped_day IS NOT NULL
  UNION ALL
  SELECT delivered_day, is_drill, 0, 0, 1, CASE WHEN on_time THEN 1 ELSE 0 END, CASE WHEN on_time THEN 0 ELSE 1 END
    FROM order_facts WHERE delivered_day IS NOT NULL
)
SELECT day, is_drill, sum(created), sum(shipped), sum(delivered), sum(on_time), sum(late)
  FROM days GROUP BY day, is_drill;

-- Down Migration
DROP TABLE kpi_daily;
CREATE MATERIALIZED VIEW kpi_daily AS
WITH days AS (
  SELECT created_day AS day, is_drill, 1 AS created, 0 AS shipped, 0 AS delivered, 0 AS on_time, 0 AS late
    FROM order_facts WHERE created_day IS NOT NULL
  UNION ALL
  SELECT shipped_day, is_drill, 0, 1, 0, 0, 0 FROM order_facts WHERE shipped_day IS NOT NULL
  UNION ALL
  SELECT delivered_day, is_drill, 0, 0, 1, CASE WHEN on_time THEN 1 ELSE 0 END, CASE WHEN on_time THEN 0 ELSE 1 END
    FROM order_facts WHERE delivered_day IS NOT NULL
)
SELECT day, is_drill,
       sum(created)::int AS created, sum(shipped)::int AS shipped, sum(delivered)::int AS delivered,
       sum(on_time)::int AS on_time, sum(late)::int AS late
  FROM days GROUP BY day, is_drill;
CREATE UNIQUE INDEX kpi_daily_day ON kpi_daily (day, is_drill);
