-- Up Migration
-- The shipments list filtered to open exceptions (`exception=true`), newest event first: the open
-- exceptions in the list's order (last_event_time DESC NULLS LAST, shipment_id DESC, as
-- server/api/shipment-queries.ts sorts by default), so a page reads its rows and no walk over
-- every shipment's events filters them out; with the drill flag in the index, the list's count
-- is an index-only scan of the open exceptions.
CREATE INDEX shipments_open_exception_last_event ON shipments (last_event_time DESC NULLS LAST, shipment_id DESC)
  INCLUDE (is_drill) WHERE status IN ('exception', 'failed_attempt');

-- Down Migration
DROP INDEX shipments_open_exception_last_event;
