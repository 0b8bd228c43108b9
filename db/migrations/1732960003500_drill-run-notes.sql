-- Up Migration
-- Every note an operator saves on a drill run is kept in the run's timeline (kind `note`, with
-- operator, time and the text): QA found a new note (even a blank one) erased the earlier one.
-- `drill_runs.note` stays the latest note. The kind CHECK is redefined with every earlier value
-- plus `note` (earlier values: 1732960002500_drill-runs.sql; the inline CHECK's default name).
ALTER TABLE drill_run_events DROP CONSTRAINT drill_run_events_kind_check;
ALTER TABLE drill_run_events
  ADD CONSTRAINT drill_run_events_kind_check CHECK (
    kind IN ('started', 'paused', 'resumed', 'interrupted', 'halted', 'stopped', 'completed', 'failed',
             'checked', 'note'));

-- Down Migration
DELETE FROM drill_run_events WHERE kind = 'note';
ALTER TABLE drill_run_events DROP CONSTRAINT drill_run_events_kind_check;
ALTER TABLE drill_run_events
  ADD CONSTRAINT drill_run_events_kind_check CHECK (
    kind IN ('started', 'paused', 'resumed', 'interrupted', 'halted', 'stopped', 'completed', 'failed',
             'checked'));
