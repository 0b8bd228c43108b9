-- Up Migration
-- Reliability finding 4: a terminal status reached through a checkpoint (e.g. a `checkpoint` with
-- status `delivered`) left `delivered_at` empty, and the status rule depended on arrival order.
-- The folds now derive the time columns from the status reached (workers/shipment-tracker/
-- shipment-state.ts, contracts/order-status.ts). This migration brings existing rows to what the
-- new folds give for the same events, so the live read models agree with a replay.

-- The event time of the latest exception, so the exception reason no longer depends on arrival
-- order (the latest exception's reason wins; the stored reason is kept as it is).
ALTER TABLE shipments ADD COLUMN exception_time timestamptz;
UPDATE shipments s SET exception_time = x.t
  FROM (SELECT shipment_id, max(event_time) AS t FROM shipment_checkpoints
         WHERE type = 'sct.shipment.exception.v1' GROUP BY shipment_id) x
 WHERE s.shipment_id = x.shipment_id;

-- Status, status time and delivered time recomputed from the timeline (every event's status is
-- recorded there, whichever event type carried it): a terminal status outranks any other
-- (delivered > returned > expired) at its earliest instant; otherwise the latest status report
-- wins (ties: the status further along the vocabulary); delivered_at = status_time exactly when
-- the status is delivered.
WITH ranked AS (
  SELECT shipment_id, status, event_time,
         row_number() OVER (
           PARTITION BY shipment_id
           ORDER BY CASE status WHEN 'delivered' THEN 3 WHEN 'returned' THEN 2 WHEN 'expired' THEN 1 ELSE 0 END DESC,
                    CASE WHEN status IN ('delivered', 'returned', 'expired') THEN event_time END ASC,
                    CASE WHEN status NOT IN ('delivered', 'returned', 'expired') THEN event_time END DESC,
                    array_position(ARRAY['pending', 'info_received', 'in_transit', 'out_for_delivery',
                                         'failed_attempt', 'available_for_pickup', 'exception', 'delivered',
                                         'returned', 'expired'], status) DESC) AS rn
    FROM shipment_checkpoints
   WHERE status IS NOT NULL
), winner AS (
  SELECT shipment_id, status, event_time,
         CASE WHEN status = 'delivered' THEN event_time END AS delivered_at
    FROM ranked WHERE rn = 1
)
UPDATE shipments s
   SET status = w.status, status_time = w.event_time, delivered_at = w.delivered_at, updated_at = now()
  FROM winner w
 WHERE s.shipment_id = w.shipment_id
   AND (s.status, s.status_time, s.delivered_at) IS DISTINCT FROM (w.status, w.event_time, w.delivered_at);

-- Orders: a delivery outranks a cancel whichever arrived first (an order with a delivered time is
-- delivered), in the order read model and in the KPI facts (with their derived columns, as
-- workers/analytics-aggregator/fact-state.ts `derive` computes them).
UPDATE orders SET status = 'delivered', updated_at = now()
 WHERE status = 'cancelled' AND delivered_at IS NOT NULL;

WITH fixed AS (
  SELECT order_id,
         CASE WHEN site_time_zone IS NOT NULL THEN (delivered_at AT TIME ZONE site_time_zone)::date END AS day
    FROM order_facts
   WHERE status = 'cancelled' AND delivered_at IS NOT NULL
)
UPDATE order_facts f
   SET status = 'delivered',
       delivered_day = x.day,
       on_time = CASE WHEN x.day IS NOT NULL AND f.promised_date IS NOT NULL THEN x.day <= f.promised_date END,
       in_full = CASE WHEN f.delivered_lines IS NOT NULL AND f.ordered_lines <> '{}'::jsonb THEN
                   NOT EXISTS (SELECT 1 FROM jsonb_each_text(f.ordered_lines) o
                                WHERE coalesce((f.delivered_lines ->> o.key)::numeric, 0) < o.value::numeric)
                 END,
       cycle_time_ms = CASE WHEN f.created_at IS NOT NULL THEN
                         round((extract(epoch FROM f.delivered_at) - extract(epoch FROM f.created_at)) * 1000)::bigint
                       END,
       updated_at = now()
  FROM fixed x
 WHERE f.order_id = x.order_id;

-- kpi_daily is the sum of the facts' contributions: recount it (as 1732960000500 filled it).
DELETE FROM kpi_daily;
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
-- The recomputed statuses and times are what the events say; they are not put back.
ALTER TABLE shipments DROP COLUMN exception_time;
