-- Up Migration
-- Purging a drill (contracts/drill-purge.ts): what each worker needs to remove a drill's entities
-- partition by partition, and the record of each purge it applied.
--
-- order_facts learns the drill id (not only is_drill) and the partition its events came from,
-- like the order-processor's order_events and (new here) the shipment-tracker's checkpoints: a
-- purge record read from partition p removes the drill's entities of partition p only, so a
-- replay cuts each entity's sequence at the same place as the live workers did.
ALTER TABLE order_facts ADD COLUMN drill_id text, ADD COLUMN kafka_partition integer;
UPDATE order_facts f SET drill_id = o.drill_id FROM orders o WHERE o.order_id = f.order_id AND f.is_drill;
ALTER TABLE shipment_checkpoints ADD COLUMN kafka_partition integer;

-- Drill rows are few next to real traffic: partial indexes find them without scanning the rest.
CREATE INDEX order_events_drill_partition ON order_events (drill_id, kafka_partition) WHERE drill_id IS NOT NULL;
CREATE INDEX shipment_checkpoints_drill_partition ON shipment_checkpoints (drill_id, kafka_partition)
  WHERE drill_id IS NOT NULL;
CREATE INDEX order_facts_drill ON order_facts (drill_id) WHERE drill_id IS NOT NULL;
CREATE INDEX orders_drill ON orders (drill_id) WHERE drill_id IS NOT NULL;
CREATE INDEX shipments_drill ON shipments (drill_id) WHERE drill_id IS NOT NULL;

-- One row per (consumer group, topic, partition, drill) whose purge record the group applied:
-- later events of the drill in that partition are refused (`drill_purged`, dead-lettered).
-- `removed` counts the rows the purge took out of this worker's read models.
CREATE TABLE drill_purges_applied (
  consumer_group  text NOT NULL,
  topic           text NOT NULL,
  kafka_partition integer NOT NULL,
  drill_id        text NOT NULL,
  purge_id        uuid NOT NULL,
  operator        text NOT NULL,
  kafka_offset    bigint NOT NULL,
  removed         jsonb NOT NULL DEFAULT '{}',
  applied_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, topic, kafka_partition, drill_id)
);
CREATE INDEX drill_purges_applied_drill ON drill_purges_applied (drill_id);

-- The purge is an audited action.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action
  CHECK (action IN ('auth.login', 'auth.logout', 'events.inject', 'dead_letters.redrive', 'drills.purge'));

-- Down Migration
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action;
DELETE FROM audit_log WHERE action = 'drills.purge';
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action
  CHECK (action IN ('auth.login', 'auth.logout', 'events.inject', 'dead_letters.redrive'));
DROP TABLE drill_purges_applied;
DROP INDEX shipments_drill;
DROP INDEX orders_drill;
DROP INDEX order_facts_drill;
DROP INDEX shipment_checkpoints_drill_partition;
DROP INDEX order_events_drill_partition;
ALTER TABLE shipment_checkpoints DROP COLUMN kafka_partition;
ALTER TABLE order_facts DROP COLUMN drill_id, DROP COLUMN kafka_partition;
