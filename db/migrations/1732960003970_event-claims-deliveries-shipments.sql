-- Up Migration
-- The API's checks of an event against its order or shipment (server/api/commands.ts
-- `checkOrderContents`) look up, besides order creations (1732960003800), deliveries accepted but
-- not yet applied (a cancellation of a delivered order is refused) and shipment creations
-- accepted but not yet applied (a carrier event for a shipment nobody created is refused).
CREATE INDEX event_id_claims_order_delivered ON event_id_claims (subject, event_time)
  WHERE type = 'sct.order.delivered.v1';
CREATE INDEX event_id_claims_shipment_created ON event_id_claims (subject)
  WHERE type = 'sct.shipment.created.v1';

-- Down Migration
DROP INDEX event_id_claims_shipment_created;
DROP INDEX event_id_claims_order_delivered;
