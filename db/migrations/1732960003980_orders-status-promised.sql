-- Up Migration
-- One status sorted by promised date (either direction), e.g. the shipped orders due first: the
-- page walked every order of the status and sorted them (issue 11 benchmark: p50 3.5 ms at
-- 100,000 orders, 12 ms at 1,000,000, growing with the status). With one status the filter is
-- written `status = $n` (server/api/order-filter.ts), so this index answers the list's exact
-- order (promised_date ASC NULLS FIRST, order_id ASC; scanned backwards for descending) and the
-- page stops after its rows; orders_status_created does the same for the default sort.
CREATE INDEX orders_status_promised ON orders (status, promised_date NULLS FIRST, order_id);

-- Down Migration
DROP INDEX orders_status_promised;
