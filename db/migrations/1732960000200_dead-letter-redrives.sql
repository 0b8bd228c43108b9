-- Up Migration
-- Re-drives of dead letters, written by the API (an operator re-published a parked message after a
-- fix). `dead_letters` belongs to the workers, so the API records what it did here instead.
--
-- One dead message is parked once per consumer group that read it; a re-drive re-publishes the
-- source message once and records one row per parking group, all with the same new position.
-- A dead letter can be re-driven more than once (events are idempotent by id): every re-drive is
-- a row, the latest one tells when it was last re-driven.
CREATE TABLE dead_letter_redrives (
  id               bigserial PRIMARY KEY,
  consumer_group   text NOT NULL,
  source_topic     text NOT NULL,
  source_partition integer NOT NULL,
  source_offset    bigint NOT NULL,
  redriven_at      timestamptz NOT NULL DEFAULT now(),
  actor            text NOT NULL,
  event_id         text,
  new_topic        text NOT NULL,
  new_partition    integer NOT NULL,
  new_offset       bigint NOT NULL
);
CREATE INDEX dead_letter_redrives_source
  ON dead_letter_redrives (source_topic, source_partition, source_offset, redriven_at DESC);
CREATE INDEX dead_letter_redrives_key
  ON dead_letter_redrives (consumer_group, source_topic, source_partition, source_offset);

-- The dead-letter list filters by event type, which a header-less poison message only carries in
-- its payload: parse it without failing on text that is not JSON.
CREATE FUNCTION sct_try_jsonb(input text) RETURNS jsonb
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  RETURN input::jsonb;
EXCEPTION WHEN others THEN
  RETURN NULL;
END;
$$;

-- Down Migration
DROP FUNCTION sct_try_jsonb(text);
DROP TABLE dead_letter_redrives;
