-- Up Migration
-- Orders with an open exception without reading every such order (issue 11 benchmark at
-- 1,000,000 orders: the orders list filtered to them read every open-exception order for its page
-- and its total, 81 ms and growing with the table; one site's open-exception KPI read every order
-- of the site, 85 ms).
--
-- orders.open_exceptions: how many of the order's shipments (shipments.order_id) are now in an
-- exception status (contracts/shipment-status.ts EXCEPTION_SHIPMENT_STATUSES: exception,
-- failed_attempt). Kept in the writers' transactions:
-- - a statement trigger on shipments adds each statement's change per order to the order's row
--   (the shipment-tracker's batches, a drill purge, the bulk copy);
-- - a statement trigger on orders counts the shipments of each order it inserts (a shipment may
--   reach its exception before its order reaches the orders table: the two come from different
--   topics).
-- The two meet through advisory locks on 64 buckets of order ids (class 1396921393, "SCT1"): an
-- order's insert holds its bucket shared until commit, a shipment change whose order is not in
-- the table (as its statement sees it) waits for the bucket exclusively and then adds again. So
-- either the insert's count sees the committed shipment, or the shipment's second update sees the
-- committed order; never neither (read committed: each statement takes a new snapshot). Inserts
-- never wait for each other (shared), and a shipment change whose order is there takes no bucket.
-- Locks are taken in key order (orders rows, then buckets) so concurrent batches do not deadlock
-- among themselves; a deadlock with an order batch is retried by the worker like any lock conflict.
ALTER TABLE orders ADD COLUMN open_exceptions integer NOT NULL DEFAULT 0;

-- The default list order (created_at DESC NULLS LAST, order_id DESC, server/api/order-filter.ts)
-- over the orders with an open exception only: a page reads its rows.
CREATE INDEX orders_open_exception_created ON orders (created_at DESC NULLS LAST, order_id DESC)
  INCLUDE (is_drill) WHERE open_exceptions > 0;

-- Orders with an open exception and their open-exception shipments per (site, drill traffic),
-- kept by statement triggers on orders like the counts of 1732960003100_order-counts.sql: the
-- exact total of the list filtered to open exceptions, and one site's open-exception KPI.
CREATE TABLE order_exception_counts (
  warehouse_id text,
  is_drill     boolean NOT NULL,
  orders       bigint NOT NULL,
  shipments    bigint NOT NULL
);
CREATE UNIQUE INDEX order_exception_counts_key ON order_exception_counts (warehouse_id, is_drill)
  NULLS NOT DISTINCT;

CREATE FUNCTION open_exception_bucket(order_id text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT hashtext(order_id) & 63
$$;

CREATE FUNCTION orders_exception_count_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format($q$
    INSERT INTO order_exception_counts AS c (warehouse_id, is_drill, orders, shipments)
    SELECT warehouse_id, is_drill, sum(d), sum(d * open_exceptions) FROM (%s) delta
     WHERE open_exceptions > 0
     GROUP BY warehouse_id, is_drill HAVING sum(d) <> 0 OR sum(d * open_exceptions) <> 0
     ORDER BY warehouse_id, is_drill
    ON CONFLICT (warehouse_id, is_drill)
      DO UPDATE SET orders = c.orders + excluded.orders, shipments = c.shipments + excluded.shipments$q$,
    count_delta_source(TG_OP, 'warehouse_id, is_drill, open_exceptions'));
  RETURN NULL;
END $$;

CREATE TRIGGER orders_exception_counts_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_exception_count_deltas();
CREATE TRIGGER orders_exception_counts_update AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_exception_count_deltas();
CREATE TRIGGER orders_exception_counts_delete AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_exception_count_deltas();

-- New orders: their shipments already in an exception (see above). Named to fire after the
-- counts triggers of the same insert (triggers of one event fire in name order); its UPDATE
-- fires the update triggers, which count the change.
CREATE FUNCTION orders_open_exceptions_at_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(1396921393, b)
     FROM (SELECT DISTINCT open_exception_bucket(order_id) AS b FROM new_rows ORDER BY 1) buckets;
  UPDATE orders o SET open_exceptions = c.n
    FROM (SELECT s.order_id, count(*)::int AS n FROM shipments s
           WHERE s.order_id IN (SELECT order_id FROM new_rows) AND s.status IN ('exception', 'failed_attempt')
           GROUP BY s.order_id) c
   WHERE o.order_id = c.order_id AND o.open_exceptions <> c.n;
  RETURN NULL;
END $$;

CREATE TRIGGER orders_zz_open_exceptions_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION orders_open_exceptions_at_insert();

-- Shipment changes: per order, the change in its shipments with an open exception.
CREATE FUNCTION shipments_open_exception_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids text[];
  deltas integer[];
  missing text[];
BEGIN
  EXECUTE format($q$
    SELECT coalesce(array_agg(order_id ORDER BY order_id), '{}'), coalesce(array_agg(d ORDER BY order_id), '{}')
      FROM (SELECT order_id, sum(d)::int AS d FROM (%s) delta
             WHERE order_id IS NOT NULL AND status IN ('exception', 'failed_attempt')
             GROUP BY order_id HAVING sum(d) <> 0) per_order$q$,
    count_delta_source(TG_OP, 'order_id, status')) INTO ids, deltas;
  IF cardinality(ids) = 0 THEN
    RETURN NULL;
  END IF;
  PERFORM 1 FROM orders WHERE order_id = ANY(ids) ORDER BY order_id FOR UPDATE;
  WITH applied AS (
    UPDATE orders o SET open_exceptions = o.open_exceptions + x.d
      FROM unnest(ids, deltas) AS x(order_id, d) WHERE o.order_id = x.order_id
    RETURNING o.order_id)
  SELECT coalesce(array_agg(i), '{}') INTO missing FROM unnest(ids) AS i WHERE i NOT IN (SELECT order_id FROM applied);
  IF cardinality(missing) = 0 THEN
    RETURN NULL;
  END IF;
  -- Orders not in the table as this statement saw it: wait for any insert of them in flight.
  PERFORM pg_advisory_xact_lock(1396921393, b)
     FROM (SELECT DISTINCT open_exception_bucket(m) AS b FROM unnest(missing) AS m ORDER BY 1) buckets;
  UPDATE orders o SET open_exceptions = o.open_exceptions + x.d
    FROM unnest(ids, deltas) AS x(order_id, d) WHERE o.order_id = x.order_id AND x.order_id = ANY(missing);
  RETURN NULL;
END $$;

CREATE TRIGGER shipments_open_exceptions_insert AFTER INSERT ON shipments REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION shipments_open_exception_deltas();
CREATE TRIGGER shipments_open_exceptions_update AFTER UPDATE ON shipments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION shipments_open_exception_deltas();
CREATE TRIGGER shipments_open_exceptions_delete AFTER DELETE ON shipments REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION shipments_open_exception_deltas();

-- The rows already there (the migration runs alone).
UPDATE orders o SET open_exceptions = c.n
  FROM (SELECT order_id, count(*)::int AS n FROM shipments
         WHERE order_id IS NOT NULL AND status IN ('exception', 'failed_attempt') GROUP BY order_id) c
 WHERE o.order_id = c.order_id;

-- Down Migration
DROP TRIGGER shipments_open_exceptions_delete ON shipments;
DROP TRIGGER shipments_open_exceptions_update ON shipments;
DROP TRIGGER shipments_open_exceptions_insert ON shipments;
DROP FUNCTION shipments_open_exception_deltas();
DROP TRIGGER orders_zz_open_exceptions_insert ON orders;
DROP FUNCTION orders_open_exceptions_at_insert();
DROP TRIGGER orders_exception_counts_delete ON orders;
DROP TRIGGER orders_exception_counts_update ON orders;
DROP TRIGGER orders_exception_counts_insert ON orders;
DROP FUNCTION orders_exception_count_deltas();
DROP FUNCTION open_exception_bucket(text);
DROP TABLE order_exception_counts;
DROP INDEX orders_open_exception_created;
ALTER TABLE orders DROP COLUMN open_exceptions;
