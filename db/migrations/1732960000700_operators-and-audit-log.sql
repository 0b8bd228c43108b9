-- Up Migration
-- Named operators with roles, their sign-in sessions, and one audit log for every action.

-- Operator accounts (created with `npm run operator -- add`). Passwords are scrypt hashes
-- (runtime/passwords.ts); roles are those of contracts/auth.ts OPERATOR_ROLES.
CREATE TABLE operators (
  username      text PRIMARY KEY CHECK (username ~ '^[a-z][a-z0-9._-]{1,39}$'),
  display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  role          text NOT NULL CHECK (role IN ('viewer', 'supervisor', 'drill_lead')),
  password_hash text NOT NULL,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Sign-in sessions. Only the SHA-256 of the bearer token is stored: a copy of this table does
-- not let anyone act as the operator. A session ends at expires_at, after idle_timeout without a
-- request (last_seen_at), at sign-out (ended_at), or when its operator is disabled.
CREATE TABLE operator_sessions (
  token_sha256 bytea PRIMARY KEY CHECK (length(token_sha256) = 32),
  username     text NOT NULL REFERENCES operators (username) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  ended_at     timestamptz
);
CREATE INDEX operator_sessions_username ON operator_sessions (username);

-- The injection audit log becomes the audit log of every action: the same one row per request,
-- now also for sign-in, sign-out and re-drives, naming the operator (`actor`), the role, how they
-- signed in, the action, the reason given and the outcome. Injection rows keep their events as
-- index-aligned arrays (see 1732960000400_audit-per-request.sql); other actions have empty arrays.
ALTER TABLE injection_audit RENAME TO audit_log;
ALTER SEQUENCE injection_audit_id_seq RENAME TO audit_log_id_seq;
ALTER INDEX injection_audit_pkey RENAME TO audit_log_pkey;
ALTER TABLE audit_log RENAME COLUMN injected_at TO recorded_at;
ALTER TABLE audit_log RENAME CONSTRAINT injection_audit_arrays_aligned TO audit_log_arrays_aligned;
ALTER TABLE audit_log RENAME CONSTRAINT injection_audit_no_null_entries TO audit_log_no_null_entries;
ALTER TABLE audit_log DROP CONSTRAINT injection_audit_not_empty;

-- Rows written before this migration were injections by the machine token's OS user.
ALTER TABLE audit_log
  ADD COLUMN action      text NOT NULL DEFAULT 'events.inject',
  ADD COLUMN role        text NOT NULL DEFAULT 'owner',
  ADD COLUMN auth_method text NOT NULL DEFAULT 'token',
  ADD COLUMN reason      text,
  ADD COLUMN outcome     text NOT NULL DEFAULT 'ok',
  ADD COLUMN status      smallint NOT NULL DEFAULT 202,
  ADD COLUMN detail      jsonb NOT NULL DEFAULT '{}';
ALTER TABLE audit_log
  ALTER COLUMN action DROP DEFAULT,
  ALTER COLUMN role DROP DEFAULT,
  ALTER COLUMN auth_method DROP DEFAULT,
  ALTER COLUMN outcome DROP DEFAULT,
  ALTER COLUMN status DROP DEFAULT,
  ALTER COLUMN event_ids SET DEFAULT '{}',
  ALTER COLUMN event_types SET DEFAULT '{}',
  ALTER COLUMN subjects SET DEFAULT '{}',
  ALTER COLUMN drill_ids SET DEFAULT '{}',
  ALTER COLUMN kafka_topics SET DEFAULT '{}',
  ALTER COLUMN kafka_partitions SET DEFAULT '{}',
  ALTER COLUMN kafka_offsets SET DEFAULT '{}';
ALTER TABLE audit_log
  ADD CONSTRAINT audit_log_action CHECK (action IN ('auth.login', 'auth.logout', 'events.inject', 'dead_letters.redrive')),
  ADD CONSTRAINT audit_log_role CHECK (role IN ('viewer', 'supervisor', 'drill_lead', 'owner')),
  ADD CONSTRAINT audit_log_auth_method CHECK (auth_method IN ('session', 'token', 'desktop')),
  ADD CONSTRAINT audit_log_outcome CHECK (outcome IN ('ok', 'partial', 'rejected', 'failed')),
  ADD CONSTRAINT audit_log_injection_not_empty CHECK (
    action <> 'events.inject' OR outcome <> 'ok' OR cardinality(event_ids) >= 1);
CREATE INDEX audit_log_actor ON audit_log (actor, id DESC);

-- Down Migration
DROP INDEX audit_log_actor;
DELETE FROM audit_log WHERE action <> 'events.inject' OR cardinality(event_ids) = 0;
ALTER TABLE audit_log
  DROP CONSTRAINT audit_log_action,
  DROP CONSTRAINT audit_log_role,
  DROP CONSTRAINT audit_log_auth_method,
  DROP CONSTRAINT audit_log_outcome,
  DROP CONSTRAINT audit_log_injection_not_empty,
  DROP COLUMN action,
  DROP COLUMN role,
  DROP COLUMN auth_method,
  DROP COLUMN reason,
  DROP COLUMN outcome,
  DROP COLUMN status,
  DROP COLUMN detail;
ALTER TABLE audit_log
  ALTER COLUMN event_ids DROP DEFAULT,
  ALTER COLUMN event_types DROP DEFAULT,
  ALTER COLUMN subjects DROP DEFAULT,
  ALTER COLUMN drill_ids DROP DEFAULT,
  ALTER COLUMN kafka_topics DROP DEFAULT,
  ALTER COLUMN kafka_partitions DROP DEFAULT,
  ALTER COLUMN kafka_offsets DROP DEFAULT;
ALTER TABLE audit_log ADD CONSTRAINT injection_audit_not_empty CHECK (cardinality(event_ids) >= 1);
ALTER TABLE audit_log RENAME CONSTRAINT audit_log_no_null_entries TO injection_audit_no_null_entries;
ALTER TABLE audit_log RENAME CONSTRAINT audit_log_arrays_aligned TO injection_audit_arrays_aligned;
ALTER TABLE audit_log RENAME COLUMN recorded_at TO injected_at;
ALTER INDEX audit_log_pkey RENAME TO injection_audit_pkey;
ALTER SEQUENCE audit_log_id_seq RENAME TO injection_audit_id_seq;
ALTER TABLE audit_log RENAME TO injection_audit;
DROP TABLE operator_sessions;
DROP TABLE operators;
