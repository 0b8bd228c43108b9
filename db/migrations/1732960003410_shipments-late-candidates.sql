-- Up Migration
-- Late shipments (server/api/shipment-queries.ts LATE) are judged in the site zone of their order,
-- so no index holds the verdict itself; this partial index holds the shipments that CAN be late,
-- whatever their zone, in the list's default order (last event time, newest first):
-- - delivered at or after 10:00 UTC of the promised day: a site day after the promised day starts
--   at least 10 hours later in UTC (zones are at most 14 hours ahead of UTC); earlier deliveries
--   are on time in every zone;
-- - not delivered and not closed (delivered, returned, expired): late once the promised site day
--   is over, which depends on "now".
-- The late filter adds the same condition (LATE_CANDIDATE) so the planner reads this index and
-- checks the exact verdict on its rows only: most deliveries are early and never read.
CREATE INDEX shipments_late_candidates ON shipments (last_event_time DESC NULLS LAST, shipment_id DESC)
  WHERE promised_date IS NOT NULL
    AND (delivered_at >= (promised_date::timestamp + interval '10 hours') AT TIME ZONE 'UTC'
         OR (delivered_at IS NULL AND status NOT IN ('delivered', 'returned', 'expired')));

-- Down Migration
DROP INDEX shipments_late_candidates;
