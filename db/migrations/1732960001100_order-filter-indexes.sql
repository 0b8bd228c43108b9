-- Up Migration
-- Indexes of the orders filter (server/api/order-filter.ts). The database collation is not "C",
-- so a plain btree cannot answer `LIKE 'prefix%'`: the id searches (order id, customer id,
-- shipment id, tracking number) get text_pattern_ops indexes, which also answer equality (the
-- customer filter). The site time zones are read by a loose index scan (one probe per distinct
-- zone) to judge "today" per site; promised days and the facts' shipped days are range filters.
-- The shipments' id and tracking-number prefix indexes come with the shipments list
-- (1732960001000_shipment-list-indexes.sql).
CREATE INDEX orders_order_id_prefix ON orders (order_id text_pattern_ops);
CREATE INDEX orders_customer_prefix ON orders (customer_id text_pattern_ops);
CREATE INDEX orders_shipment_prefix ON orders (shipment_id text_pattern_ops);
CREATE INDEX orders_site_time_zone ON orders (site_time_zone);
CREATE INDEX orders_promised_date ON orders (promised_date);
CREATE INDEX order_facts_shipped_day ON order_facts (shipped_day) WHERE shipped_day IS NOT NULL;

-- Down Migration
DROP INDEX order_facts_shipped_day;
DROP INDEX orders_promised_date;
DROP INDEX orders_site_time_zone;
DROP INDEX orders_shipment_prefix;
DROP INDEX orders_customer_prefix;
DROP INDEX orders_order_id_prefix;
