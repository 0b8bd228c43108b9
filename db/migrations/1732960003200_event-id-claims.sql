-- Up Migration
-- Event ids (idempotency keys) claimed by the API before it publishes (server/api/event-claims.ts).
-- The read-then-publish check on the history tables let two concurrent requests reuse one id for
-- two different events (QA: both answered 202, one was silently skipped by the workers and a
-- rebuild from the topics reported drift). The primary key makes the claim atomic: the second
-- request waits for the first's transaction and then sees its claim. A claim records what the id
-- names (entity, type, drill, event time) and a SHA-256 of the event's content, so a retry is
-- exactly the same event and anything else under the id is refused.
CREATE TABLE event_id_claims (
  event_id        uuid PRIMARY KEY,
  subject         text NOT NULL,
  type            text NOT NULL,
  drill_id        text,
  event_time      timestamptz NOT NULL,
  content_sha256  text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
  claimed_at      timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE event_id_claims;
