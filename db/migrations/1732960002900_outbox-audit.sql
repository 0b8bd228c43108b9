-- Up Migration
-- The offline outbox of injections (server/outbox/, contracts/outbox.ts): an injection kept while
-- Kafka is unreachable is audited as `events.inject` with outcome `queued` (its delivery later as
-- `events.inject` with `ok`), and dropping a queued injection is the action `outbox.discard`.
-- Both CHECK constraints are redefined with every earlier value plus the new one
-- (actions: 1732960002700_audit-settings-update.sql; outcomes: 1732960000700_operators-and-audit-log.sql).
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action;
ALTER TABLE audit_log
  ADD CONSTRAINT audit_log_action CHECK (
    action IN ('auth.login', 'auth.logout', 'events.inject', 'dead_letters.redrive',
               'drills.start', 'drills.pause', 'drills.resume', 'drills.stop', 'drills.note', 'drills.purge',
               'settings.update', 'outbox.discard'));
ALTER TABLE audit_log DROP CONSTRAINT audit_log_outcome;
ALTER TABLE audit_log
  ADD CONSTRAINT audit_log_outcome CHECK (outcome IN ('ok', 'partial', 'rejected', 'failed', 'queued'));

-- Down Migration
DELETE FROM audit_log WHERE action = 'outbox.discard' OR outcome = 'queued';
ALTER TABLE audit_log DROP CONSTRAINT audit_log_outcome;
ALTER TABLE audit_log
  ADD CONSTRAINT audit_log_outcome CHECK (outcome IN ('ok', 'partial', 'rejected', 'failed'));
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action;
ALTER TABLE audit_log
  ADD CONSTRAINT audit_log_action CHECK (
    action IN ('auth.login', 'auth.logout', 'events.inject', 'dead_letters.redrive',
               'drills.start', 'drills.pause', 'drills.resume', 'drills.stop', 'drills.note', 'drills.purge',
               'settings.update'));
