-- Up Migration
-- The audit screen filters by drill id (events' drill ids, or the drill a drill action names in
-- detail.drillId) and by time range, and exports the filtered rows as CSV.
CREATE INDEX audit_log_drill_ids ON audit_log USING gin (drill_ids);
CREATE INDEX audit_log_detail_drill_id ON audit_log ((detail->>'drillId')) WHERE detail ? 'drillId';
CREATE INDEX audit_log_recorded_at ON audit_log (recorded_at);

-- Down Migration
DROP INDEX audit_log_recorded_at;
DROP INDEX audit_log_detail_drill_id;
DROP INDEX audit_log_drill_ids;
