-- Up Migration
-- Results of drift checks (live read models vs. a fresh replay vs. the Redis cache), newest last.
CREATE TABLE drift_checks (
  id              bigserial PRIMARY KEY,
  started_at      timestamptz NOT NULL,
  finished_at     timestamptz NOT NULL,
  replay_schema   text NOT NULL,
  replayed_messages bigint NOT NULL,
  replay_events_per_second double precision NOT NULL,
  ok              boolean NOT NULL,
  stream_moved    boolean NOT NULL,
  report          jsonb NOT NULL
);

-- Down Migration
DROP TABLE drift_checks;
