-- Up Migration
-- The late shipments' count without a zone lookup per shipment (issue 11 benchmark: counting up to
-- LIST_TOTAL_CAP read a late candidate and its order per row, 50,785 buffers at 1,000,000
-- orders). The candidates of shipments_late_candidates (1732960003410_shipments-late-candidates.sql)
-- in disjoint parts, each indexed by its predicate (server/api/shipment-queries.ts LATE_PARTS,
-- the same text): a shipment delivered, or still open, 36 hours or more after its promised day's
-- UTC midnight is late in every site zone (zones are at most 12 hours behind UTC and 14 ahead) and
-- is counted from the index alone; deliveries 10 to 36 hours after it, and open shipments not yet
-- that far past it, are still judged in their order's zone.
CREATE INDEX shipments_late_everywhere ON shipments (promised_date) INCLUDE (is_drill, status)
  WHERE promised_date IS NOT NULL
    AND delivered_at >= (promised_date::timestamp + interval '36 hours') AT TIME ZONE 'UTC';
CREATE INDEX shipments_late_by_zone ON shipments (promised_date)
  WHERE promised_date IS NOT NULL
    AND delivered_at >= (promised_date::timestamp + interval '10 hours') AT TIME ZONE 'UTC'
    AND delivered_at < (promised_date::timestamp + interval '36 hours') AT TIME ZONE 'UTC';
CREATE INDEX shipments_open_promised ON shipments (promised_date) INCLUDE (is_drill, status)
  WHERE promised_date IS NOT NULL AND delivered_at IS NULL AND status NOT IN ('delivered', 'returned', 'expired');

-- Down Migration
DROP INDEX shipments_open_promised;
DROP INDEX shipments_late_by_zone;
DROP INDEX shipments_late_everywhere;
