-- Up Migration
-- The order list sorts by created_at with NULLS LAST (descending) and the order id as tie-break:
-- indexes in exactly that order let a first page be read from the index instead of sorting every
-- matching order (scanned backwards they serve the ascending sort too). Same number of indexes.
DROP INDEX orders_status_created;
DROP INDEX orders_created_at;
CREATE INDEX orders_status_created ON orders (status, created_at DESC NULLS LAST, order_id DESC);
CREATE INDEX orders_created_at ON orders (created_at DESC NULLS LAST, order_id DESC);

-- Down Migration
DROP INDEX orders_status_created;
DROP INDEX orders_created_at;
CREATE INDEX orders_status_created ON orders (status, created_at DESC);
CREATE INDEX orders_created_at ON orders (created_at DESC);
