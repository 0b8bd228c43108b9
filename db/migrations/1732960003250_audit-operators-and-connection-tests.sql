-- Up Migration
-- The audit log also names who changed operator accounts from the command line (`npm run
-- operator`: add, set-role, disable, enable, passwd; method `cli`, operator `os:<user>`) and who
-- tested connections with given settings (`POST /api/settings/test`, also when refused): QA found
-- both missing. Both CHECK constraints are redefined with every earlier value plus the new ones
-- (actions: 1732960002900_outbox-audit.sql; methods: 1732960000700_operators-and-audit-log.sql).
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action;
ALTER TABLE audit_log
  ADD CONSTRAINT audit_log_action CHECK (
    action IN ('auth.login', 'auth.logout', 'events.inject', 'dead_letters.redrive',
               'drills.start', 'drills.pause', 'drills.resume', 'drills.stop', 'drills.note', 'drills.purge',
               'settings.update', 'outbox.discard',
               'settings.test', 'operators.add', 'operators.set_role', 'operators.disable',
               'operators.enable', 'operators.passwd'));
ALTER TABLE audit_log DROP CONSTRAINT audit_log_auth_method;
ALTER TABLE audit_log
  ADD CONSTRAINT audit_log_auth_method CHECK (auth_method IN ('session', 'token', 'desktop', 'cli'));

-- Down Migration
DELETE FROM audit_log
 WHERE auth_method = 'cli'
    OR action IN ('settings.test', 'operators.add', 'operators.set_role', 'operators.disable',
                  'operators.enable', 'operators.passwd');
ALTER TABLE audit_log DROP CONSTRAINT audit_log_auth_method;
ALTER TABLE audit_log
  ADD CONSTRAINT audit_log_auth_method CHECK (auth_method IN ('session', 'token', 'desktop'));
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action;
ALTER TABLE audit_log
  ADD CONSTRAINT audit_log_action CHECK (
    action IN ('auth.login', 'auth.logout', 'events.inject', 'dead_letters.redrive',
               'drills.start', 'drills.pause', 'drills.resume', 'drills.stop', 'drills.note', 'drills.purge',
               'settings.update', 'outbox.discard'));
