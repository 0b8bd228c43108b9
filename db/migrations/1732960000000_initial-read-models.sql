-- Up Migration
-- Read models of the Supply Chain Event Tracker. Every table here is written only by workers and
-- can be rebuilt from the Kafka topics (replayability); the API only reads them.

-- Orders read model (order-processor). Times are event times (timestamptz, stored as UTC).
CREATE TABLE orders (
  order_id        text PRIMARY KEY,
  status          text NOT NULL,
  customer_id     text,
  warehouse_id    text,
  site_time_zone  text,
  promised_date   date,
  created_at      timestamptz,
  approved_at     timestamptz,
  picked_at       timestamptz,
  packed_at       timestamptz,
  shipped_at      timestamptz,
  delivered_at    timestamptz,
  cancelled_at    timestamptz,
  cancel_reason   text,
  shipment_id     text,
  last_event_time timestamptz,
  event_count     integer NOT NULL DEFAULT 0,
  is_drill        boolean NOT NULL DEFAULT false,
  drill_id        text,
  -- Day of created_at in the site time zone: the orders list filters on it.
  created_day     date,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_status_created ON orders (status, created_at DESC);
CREATE INDEX orders_created_day ON orders (created_day);
CREATE INDEX orders_created_at ON orders (created_at DESC);

CREATE TABLE order_lines (
  order_id           text NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
  sku                text NOT NULL,
  quantity           integer NOT NULL,
  delivered_quantity integer,
  PRIMARY KEY (order_id, sku)
);

-- Order event history: every applied order event, shown ordered by event time.
CREATE TABLE order_events (
  event_id     uuid PRIMARY KEY,
  order_id     text NOT NULL,
  type         text NOT NULL,
  event_time   timestamptz NOT NULL,
  source       text NOT NULL,
  drill_id     text,
  data         jsonb NOT NULL,
  kafka_partition integer NOT NULL,
  kafka_offset bigint NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_events_order_time ON order_events (order_id, event_time);

-- Shipments read model (shipment-tracker).
CREATE TABLE shipments (
  shipment_id      text PRIMARY KEY,
  order_id         text,
  carrier          text,
  tracking_number  text,
  origin           text,
  destination      text,
  promised_date    date,
  status           text NOT NULL,
  -- event time of the checkpoint that set `status` (a later-arriving older checkpoint does not win)
  status_time      timestamptz,
  eta              timestamptz,
  exception_reason text,
  delivered_at     timestamptz,
  created_at       timestamptz,
  last_event_time  timestamptz,
  is_drill         boolean NOT NULL DEFAULT false,
  drill_id         text,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shipments_order ON shipments (order_id);
CREATE INDEX shipments_status ON shipments (status);

-- Shipment timeline: one row per shipment event, ordered by event time.
CREATE TABLE shipment_checkpoints (
  event_id    uuid PRIMARY KEY,
  shipment_id text NOT NULL,
  type        text NOT NULL,
  event_time  timestamptz NOT NULL,
  status      text,
  location    text,
  message     text,
  drill_id    text,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shipment_checkpoints_shipment_time ON shipment_checkpoints (shipment_id, event_time);

-- KPI facts per order (analytics-aggregator): the inputs of OTD, OTIF, cycle time, backlog.
-- *_day columns are calendar days in the order's site time zone.
CREATE TABLE order_facts (
  order_id        text PRIMARY KEY,
  status          text NOT NULL,
  site_time_zone  text,
  promised_date   date,
  created_at      timestamptz,
  shipped_at      timestamptz,
  delivered_at    timestamptz,
  created_day     date,
  shipped_day     date,
  delivered_day   date,
  ordered_lines   jsonb NOT NULL DEFAULT '{}'::jsonb,
  delivered_lines jsonb,
  on_time         boolean,
  in_full         boolean,
  cycle_time_ms   bigint,
  is_drill        boolean NOT NULL DEFAULT false,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_facts_delivered_day ON order_facts (delivered_day) WHERE delivered_day IS NOT NULL;
CREATE INDEX order_facts_created_day ON order_facts (created_day);

-- Daily KPI facts by site-time day, drill and live traffic apart. Refreshed concurrently by the
-- analytics-aggregator after it commits a batch.
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

-- Idempotency: event ids each consumer group has applied (duplicates are skipped).
CREATE TABLE applied_events (
  consumer_group text NOT NULL,
  event_id       uuid NOT NULL,
  PRIMARY KEY (consumer_group, event_id)
);

-- Consumer positions stored with the read models, committed in the same transaction.
CREATE TABLE consumer_offsets (
  consumer_group text NOT NULL,
  topic          text NOT NULL,
  kafka_partition integer NOT NULL,
  next_offset    bigint NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, topic, kafka_partition)
);

-- Poison events parked for review and re-drive (a copy of what went to the dead-letter topic).
CREATE TABLE dead_letters (
  source_topic     text NOT NULL,
  source_partition integer NOT NULL,
  source_offset    bigint NOT NULL,
  consumer_group   text NOT NULL,
  event_id         text,
  event_type       text,
  error            text NOT NULL,
  payload          text NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  redriven_at      timestamptz,
  PRIMARY KEY (consumer_group, source_topic, source_partition, source_offset)
);

-- Audit log of injections (written by the API: who, when, what, drill id). Not a read model.
CREATE TABLE injection_audit (
  id          bigserial PRIMARY KEY,
  event_id    uuid NOT NULL,
  event_type  text NOT NULL,
  subject     text NOT NULL,
  drill_id    text,
  actor       text NOT NULL,
  kafka_topic text NOT NULL,
  kafka_partition integer NOT NULL,
  kafka_offset bigint NOT NULL,
  injected_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE injection_audit;
DROP TABLE dead_letters;
DROP TABLE consumer_offsets;
DROP TABLE applied_events;
DROP MATERIALIZED VIEW kpi_daily;
DROP TABLE order_facts;
DROP TABLE shipment_checkpoints;
DROP TABLE shipments;
DROP TABLE order_events;
DROP TABLE order_lines;
DROP TABLE orders;
