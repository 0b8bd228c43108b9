-- Up Migration
-- A partition whose batch keeps timing out (a row lock held by another session, a statement over
-- its bound) is reported as stalled: since when and why. Cleared by the next batch that commits.
ALTER TABLE consumer_offsets ADD COLUMN stalled_since timestamptz, ADD COLUMN stall_reason text;

-- Down Migration
ALTER TABLE consumer_offsets DROP COLUMN stalled_since, DROP COLUMN stall_reason;
