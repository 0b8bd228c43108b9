-- Up Migration
-- The settings screen's saves are audited like injections and re-drives: action `settings.update`
-- (contracts/audit.ts AUDIT_ACTIONS), with the names of the changed settings in `detail`.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action;
ALTER TABLE audit_log
  ADD CONSTRAINT audit_log_action CHECK (
    action IN ('auth.login', 'auth.logout', 'events.inject', 'dead_letters.redrive',
               'drills.start', 'drills.pause', 'drills.resume', 'drills.stop', 'drills.note', 'drills.purge',
               'settings.update'));

-- Down Migration
DELETE FROM audit_log WHERE action = 'settings.update';
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action;
ALTER TABLE audit_log
  ADD CONSTRAINT audit_log_action CHECK (
    action IN ('auth.login', 'auth.logout', 'events.inject', 'dead_letters.redrive',
               'drills.start', 'drills.pause', 'drills.resume', 'drills.stop', 'drills.note', 'drills.purge'));
