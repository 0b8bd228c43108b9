-- Up Migration
-- The injection audit log becomes one row per API request instead of one row per event: a
-- 1,000-event batch (`POST /api/events/batch`) now costs one row and one index entry, not 1,000.
--
-- A row holds the request's events as index-aligned arrays: entry i of every array describes the
-- i-th event of the request, in input order (event_ids[i] was stored at kafka_topics[i],
-- kafka_partitions[i], kafka_offsets[i]). drill_ids[i] is NULL for live (non-drill) traffic; no
-- other entry is NULL. Arrays are 1-based (PostgreSQL). To list events, unnest them:
--   SELECT a.id, a.actor, a.injected_at, e.*
--     FROM injection_audit a,
--          unnest(a.event_ids, a.event_types, a.subjects, a.drill_ids,
--                 a.kafka_topics, a.kafka_partitions, a.kafka_offsets) WITH ORDINALITY
--            AS e(event_id, event_type, subject, drill_id, kafka_topic, kafka_partition, kafka_offset, n);
--
-- History is kept: every old per-event row becomes a one-event request row with the same id, actor
-- and time (old rows are not regrouped into their original requests: nothing recorded which rows
-- shared a request for sure).

-- The old table, its id sequence and its primary key index move aside so the new ones get the
-- plain names (the replay schema runs these migrations too, so names resolve via search_path).
ALTER TABLE injection_audit RENAME TO injection_audit_per_event;
ALTER SEQUENCE injection_audit_id_seq RENAME TO injection_audit_per_event_id_seq;
ALTER INDEX injection_audit_pkey RENAME TO injection_audit_per_event_pkey;

-- Audit log of injections, one row per accepted request (written by the API after the events are
-- in Kafka: who, when, what, drill id, where Kafka stored them). Not a read model.
CREATE TABLE injection_audit (
  id               bigserial PRIMARY KEY,
  actor            text NOT NULL,
  injected_at      timestamptz NOT NULL DEFAULT now(),
  -- Number of events in the request (1..1000 from the API); the length of every array below.
  event_count      integer NOT NULL GENERATED ALWAYS AS (cardinality(event_ids)) STORED,
  event_ids        uuid[] NOT NULL,
  event_types      text[] NOT NULL,
  subjects         text[] NOT NULL,
  drill_ids        text[] NOT NULL,
  kafka_topics     text[] NOT NULL,
  kafka_partitions integer[] NOT NULL,
  kafka_offsets    bigint[] NOT NULL,
  CONSTRAINT injection_audit_not_empty CHECK (cardinality(event_ids) >= 1),
  CONSTRAINT injection_audit_arrays_aligned CHECK (
    array_ndims(event_ids) = 1
    AND cardinality(event_types) = cardinality(event_ids)
    AND cardinality(subjects) = cardinality(event_ids)
    AND cardinality(drill_ids) = cardinality(event_ids)
    AND cardinality(kafka_topics) = cardinality(event_ids)
    AND cardinality(kafka_partitions) = cardinality(event_ids)
    AND cardinality(kafka_offsets) = cardinality(event_ids)
  ),
  CONSTRAINT injection_audit_no_null_entries CHECK (
    array_position(event_ids, NULL) IS NULL
    AND array_position(event_types, NULL) IS NULL
    AND array_position(subjects, NULL) IS NULL
    AND array_position(kafka_topics, NULL) IS NULL
    AND array_position(kafka_partitions, NULL) IS NULL
    AND array_position(kafka_offsets, NULL) IS NULL
  )
);

INSERT INTO injection_audit
  (id, actor, injected_at, event_ids, event_types, subjects, drill_ids, kafka_topics, kafka_partitions, kafka_offsets)
SELECT id, actor, injected_at, ARRAY[event_id], ARRAY[event_type], ARRAY[subject], ARRAY[drill_id],
       ARRAY[kafka_topic], ARRAY[kafka_partition], ARRAY[kafka_offset]
  FROM injection_audit_per_event
 ORDER BY id;

-- Ids were copied: new requests continue after the last old one (starts at 1 when there was none).
SELECT setval(pg_get_serial_sequence('injection_audit', 'id'), coalesce(max(id), 0) + 1, false)
  FROM injection_audit;

DROP TABLE injection_audit_per_event;

-- Down Migration
-- Back to one row per event: each request row is unnested in array order. Ids are renumbered
-- (a request's events get consecutive ids, requests in id order); actor and time are copied.
ALTER TABLE injection_audit RENAME TO injection_audit_per_request;
ALTER SEQUENCE injection_audit_id_seq RENAME TO injection_audit_per_request_id_seq;
ALTER INDEX injection_audit_pkey RENAME TO injection_audit_per_request_pkey;

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

INSERT INTO injection_audit
  (event_id, event_type, subject, drill_id, actor, kafka_topic, kafka_partition, kafka_offset, injected_at)
SELECT e.event_id, e.event_type, e.subject, e.drill_id, r.actor, e.kafka_topic, e.kafka_partition,
       e.kafka_offset, r.injected_at
  FROM injection_audit_per_request r
 CROSS JOIN LATERAL unnest(r.event_ids, r.event_types, r.subjects, r.drill_ids, r.kafka_topics,
                           r.kafka_partitions, r.kafka_offsets) WITH ORDINALITY
       AS e(event_id, event_type, subject, drill_id, kafka_topic, kafka_partition, kafka_offset, n)
 ORDER BY r.id, e.n;

DROP TABLE injection_audit_per_request;
