-- Up Migration
-- Drill scenario runs (issue 12; contracts/drills.ts). Written by the main process's drill runner,
-- not by workers: runs are commands, not read models (a replay of the topics does not touch them).
--
-- A run's position is `sent_events`: the number of steps Kafka acknowledged (acks=all), written
-- after each acknowledged batch. Event ids are UUID v5 of (run id, step), so after a crash between
-- the acknowledgement and this write the resumed run re-sends those steps with the same ids and
-- the workers apply each event once.
CREATE TABLE drill_runs (
  id            uuid PRIMARY KEY,
  drill_id      text NOT NULL UNIQUE CHECK (drill_id ~ '^[A-Za-z0-9._:-]{1,64}$'),
  scenario_id   text NOT NULL,
  -- The scenario as it was when the run started (the library may change later).
  scenario      jsonb NOT NULL,
  parameters    jsonb NOT NULL,
  seed          integer NOT NULL,
  halt          jsonb NOT NULL,
  -- Event time of the drill's first event (start + timeShiftHours): regenerating the events needs it.
  anchor        timestamptz NOT NULL,
  state         text NOT NULL CHECK (state IN ('running', 'paused', 'interrupted', 'completed', 'stopped', 'halted', 'failed')),
  total_events  integer NOT NULL CHECK (total_events >= 0),
  sent_events   integer NOT NULL DEFAULT 0 CHECK (sent_events >= 0 AND sent_events <= total_events),
  started_by    text NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  ended_at      timestamptz,
  halt_reason   text,
  error         text,
  note          text,
  checks        jsonb,
  passed        boolean,
  -- Real KPI figures (drills excluded) when the run started, for the "real KPIs unchanged" check.
  kpi_before    jsonb,
  -- Running time before the current running stretch (ms), and when that stretch began.
  active_ms     bigint NOT NULL DEFAULT 0,
  running_since timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX drill_runs_started_at ON drill_runs (started_at DESC);
CREATE INDEX drill_runs_active ON drill_runs (state) WHERE state IN ('running', 'paused', 'interrupted');

-- The timeline of each run (the report's): started, paused, resumed, interrupted, halted, ...
CREATE TABLE drill_run_events (
  id       bigserial PRIMARY KEY,
  run_id   uuid NOT NULL REFERENCES drill_runs (id) ON DELETE CASCADE,
  at       timestamptz NOT NULL DEFAULT now(),
  kind     text NOT NULL CHECK (kind IN ('started', 'paused', 'resumed', 'interrupted', 'halted', 'stopped', 'completed', 'failed', 'checked')),
  operator text,
  sent     integer NOT NULL,
  detail   text
);
CREATE INDEX drill_run_events_run ON drill_run_events (run_id, id);

-- The audit log records drill actions (contracts/audit.ts AUDIT_ACTIONS).
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action CHECK (action IN (
  'auth.login', 'auth.logout', 'events.inject', 'dead_letters.redrive',
  'drills.start', 'drills.pause', 'drills.resume', 'drills.stop', 'drills.note', 'drills.purge'));

-- Down Migration
DELETE FROM audit_log WHERE action LIKE 'drills.%';
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action CHECK (
  action IN ('auth.login', 'auth.logout', 'events.inject', 'dead_letters.redrive'));
DROP TABLE drill_run_events;
DROP TABLE drill_runs;
