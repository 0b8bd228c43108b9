-- Up Migration
-- Query plans at 100,000 and 1,000,000 orders (issue 11 benchmark, `npm run bench -- --phases scale`):
-- - the warehouse filter with the default sort (newest first) reads one site's orders in sort
--   order instead of walking every order by creation time and filtering;
-- - the sort by customer (ascending NULLS FIRST, order id as tie-break, as server/api/order-filter.ts
--   writes it; scanned backwards for descending) reads a page from the index instead of sorting
--   every order;
-- - late orders (as the KPI counts them) and open orders (the at-risk and overdue filters) are
--   small parts of the table: partial indexes count and list them without reading the rest;
-- - the KPI dashboard's site list reads distinct (warehouse, zone) pairs by a loose index scan.
CREATE INDEX orders_warehouse_created ON orders (warehouse_id, created_at DESC NULLS LAST, order_id DESC);
CREATE INDEX orders_customer_sort ON orders (customer_id NULLS FIRST, order_id);
CREATE INDEX orders_warehouse_zone ON orders (warehouse_id, site_time_zone);
CREATE INDEX order_facts_late ON order_facts (order_id) WHERE delivered_day IS NOT NULL AND on_time IS NOT TRUE;
CREATE INDEX orders_open_promised ON orders (promised_date, site_time_zone)
  WHERE delivered_at IS NULL AND status <> 'cancelled';

-- Down Migration
DROP INDEX orders_open_promised;
DROP INDEX order_facts_late;
DROP INDEX orders_warehouse_zone;
DROP INDEX orders_customer_sort;
DROP INDEX orders_warehouse_created;
