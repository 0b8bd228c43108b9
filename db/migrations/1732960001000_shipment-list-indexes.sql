-- Up Migration
-- The shipments list (GET /api/shipments) sorts by last event time (NULLS LAST, shipment id as
-- tie-break), filters by status and carrier and searches id prefixes; the exceptions queue reads
-- open exceptions and failed attempts oldest first. text_pattern_ops lets `LIKE 'prefix%'` use
-- the index whatever the database collation.
CREATE INDEX shipments_last_event ON shipments (last_event_time DESC NULLS LAST, shipment_id DESC);
CREATE INDEX shipments_status_last_event ON shipments (status, last_event_time DESC NULLS LAST, shipment_id DESC);
CREATE INDEX shipments_carrier_last_event ON shipments (carrier, last_event_time DESC NULLS LAST, shipment_id DESC);
CREATE INDEX shipments_id_prefix ON shipments (shipment_id text_pattern_ops);
CREATE INDEX shipments_order_prefix ON shipments (order_id text_pattern_ops);
CREATE INDEX shipments_tracking_prefix ON shipments (tracking_number text_pattern_ops);
CREATE INDEX shipments_open_exceptions ON shipments (status_time, shipment_id)
  WHERE status IN ('exception', 'failed_attempt');

-- Down Migration
DROP INDEX shipments_open_exceptions;
DROP INDEX shipments_tracking_prefix;
DROP INDEX shipments_order_prefix;
DROP INDEX shipments_id_prefix;
DROP INDEX shipments_carrier_last_event;
DROP INDEX shipments_status_last_event;
DROP INDEX shipments_last_event;
