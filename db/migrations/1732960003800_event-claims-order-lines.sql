-- Up Migration
-- The ordered lines of each order creation the API accepted (server/api/event-claims.ts), so the
-- API can check a later event of that order (contracts/order-contents.ts: the order exists, a
-- delivered SKU is on it, no over-delivery) before a worker has applied the creation to the read
-- models. NULL for every other event type.
ALTER TABLE event_id_claims ADD COLUMN order_lines jsonb;
CREATE INDEX event_id_claims_order_created ON event_id_claims (subject)
  WHERE type = 'sct.order.created.v1';

-- Down Migration
DROP INDEX event_id_claims_order_created;
ALTER TABLE event_id_claims DROP COLUMN order_lines;
