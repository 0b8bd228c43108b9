-- Up Migration
-- The at-risk and overdue lists (open orders due today or before in their site's zone) newest
-- first: a walk of the open orders in the list's order (created_at DESC NULLS LAST, order_id
-- DESC, as server/api/order-filter.ts sorts by default) that stops at a page of due ones, instead
-- of reading every open order and sorting them (their number grows with the table; the exact
-- total comes from order_open_counts, 1732960003420_open-order-counts.sql).
CREATE INDEX orders_open_created ON orders (created_at DESC NULLS LAST, order_id DESC)
  WHERE delivered_at IS NULL AND status <> 'cancelled';

-- Down Migration
DROP INDEX orders_open_created;
