-- Up Migration
-- Lag reporting: the broker append time and the event time of the last applied message of each
-- stored position (lag in seconds = now - append time of the last applied, while behind).
ALTER TABLE consumer_offsets ADD COLUMN last_append_time timestamptz, ADD COLUMN last_event_time timestamptz;

-- Down Migration
ALTER TABLE consumer_offsets DROP COLUMN last_append_time, DROP COLUMN last_event_time;
