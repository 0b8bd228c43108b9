-- Up Migration
-- The event time of the ETA a shipment shows (workers/shipment-tracker/shipment-state.ts): the
-- ETA of the latest `eta_updated` event by event time wins, whatever order the events arrive in
-- (before, the last one applied won, so a late-arriving old ETA replaced a newer one). Filled from
-- the timeline for the shipments that have an ETA.
ALTER TABLE shipments ADD COLUMN eta_time timestamptz;
UPDATE shipments s SET eta_time = c.t
  FROM (SELECT shipment_id, max(event_time) AS t FROM shipment_checkpoints
         WHERE type = 'sct.shipment.eta_updated.v1' GROUP BY shipment_id) c
 WHERE c.shipment_id = s.shipment_id AND s.eta IS NOT NULL;

-- Down Migration
ALTER TABLE shipments DROP COLUMN eta_time;
