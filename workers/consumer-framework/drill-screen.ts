/**
 * Drills in the batch transaction: drill isolation for every event of a batch (the rule of
 * contracts/drill-isolation.ts, the same the API applies) and the application of drill-purged
 * control records (contracts/drill-purge.ts), in partition order.
 *
 * Every entity an event names is screened: its subject and the orders or shipments its `data`
 * references. The worker's own read model decides for its own kind of entity (so the workers of
 * one topic decide alike, from the partition's earlier records); entities of the other kind (a
 * shipment named by an order, an order named by a shipment) are judged from the shared read
 * models as they stand (another topic: no order between the two topics is defined).
 *
 * Isolation is decided before the events are claimed: a refused event is not applied, not
 * claimed, and goes to the dead-letter topic and table with the rule and the reason. Each worker
 * decides from its own read model (the traffic of the entity as its earlier events made it), so
 * workers reading the same topic decide alike: the decision depends only on the partition's
 * earlier records, never on timing.
 */
import type { KafkaMessage } from 'kafkajs';
import {
  namedEntityKeys,
  screenDrillIsolation,
  type DrillPurgedEvent,
  type ScreenItem,
  type SupplyChainEvent,
} from '../../contracts';
import type { PoolClient } from '../../runtime/db';
import { entityTrafficSql } from '../../runtime/entity-traffic';
import type { ConsumedEvent, Projection } from './projection';
import { poisonOf, type PoisonMessage } from './record-decoding';

/** One record of a batch past the stored position: an event, or a drill's purge. */
export type BatchItem =
  | { kind: 'event'; consumed: ConsumedEvent; message: KafkaMessage }
  | { kind: 'purge'; purge: DrillPurgedEvent; offset: number; message: KafkaMessage };

/** Where the batch was read from. */
export interface PartitionRef {
  topic: string;
  partition: number;
}

/**
 * Screens the items of one partition's batch for drill isolation, in one round trip (the
 * traffic of the entities they name and the drills purged in this partition).
 * @returns the items to apply, in order, and the refused events as poison (reason names the rule)
 */
export async function screenBatchItems<O, S>(
  projection: Projection<O, S>,
  client: PoolClient,
  group: string,
  at: PartitionRef,
  items: BatchItem[],
): Promise<{ accepted: BatchItem[]; refused: PoisonMessage[] }> {
  if (items.length === 0) return { accepted: [], refused: [] };
  const { orders, shipments } = namedEntityKeys(
    items.flatMap((i) => (i.kind === 'event' ? [i.consumed.event] : [])),
  );
  // $1 holds the ids of the worker's own kind of entity (its trafficSql's parameter), $2 the other kind.
  const own = projection.drills.entity;
  const traffic = entityTrafficSql({
    orders: own === 'order' ? '$1' : '$2',
    shipments: own === 'order' ? '$2' : '$1',
    own: { entity: own, sql: projection.drills.trafficSql },
  });
  const { rows } = await client.query<{
    entity_key: string | null;
    drill_id: string | null;
    purged: boolean;
  }>(
    `SELECT t.entity_key, t.drill_id::text AS drill_id, false AS purged FROM (${traffic}) t
     UNION ALL
     SELECT NULL, drill_id, true FROM drill_purges_applied
      WHERE consumer_group = $3 AND topic = $4 AND kafka_partition = $5`,
    [
      own === 'order' ? orders : shipments,
      own === 'order' ? shipments : orders,
      group,
      at.topic,
      at.partition,
    ],
  );
  const entities = new Map<string, string | null>();
  const purged = new Set<string>();
  for (const r of rows) {
    if (r.purged) purged.add(r.drill_id!);
    else entities.set(r.entity_key!, r.drill_id);
  }
  const screen: ScreenItem<SupplyChainEvent>[] = items.map((i) =>
    i.kind === 'event' ? { event: i.consumed.event } : { purgedDrill: i.purge.data.drillId },
  );
  const verdicts = screenDrillIsolation(screen, entities, purged);
  const accepted: BatchItem[] = [];
  const refused: PoisonMessage[] = [];
  items.forEach((item, n) => {
    const verdict = verdicts[n];
    if (!verdict) accepted.push(item);
    else if (item.kind === 'event')
      refused.push(
        poisonOf(
          at.topic,
          at.partition,
          item.message,
          `drill isolation (${verdict.rule}): ${verdict.message}`,
          item.consumed.event.id,
          item.consumed.event.type,
        ),
      );
  });
  return { accepted, refused };
}

/**
 * Applies a drill's purge record in the batch transaction: the projection removes the drill's
 * entities of this partition, and the purge is recorded for this group and partition (so later
 * events of the drill here are refused). Applying it again removes nothing and records nothing.
 * @returns the projection's outcome, for its after-commit step
 */
export async function applyPurge<O, S>(
  projection: Projection<O, S>,
  client: PoolClient,
  group: string,
  at: PartitionRef,
  item: Extract<BatchItem, { kind: 'purge' }>,
): Promise<O> {
  const { purge } = item;
  const { removed, outcome } = await projection.drills.purge(client, purge, at.partition);
  await client.query(
    `INSERT INTO drill_purges_applied
       (consumer_group, topic, kafka_partition, drill_id, purge_id, operator, kafka_offset, removed)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
     ON CONFLICT DO NOTHING`,
    [
      group,
      at.topic,
      at.partition,
      purge.data.drillId,
      purge.data.purgeId,
      purge.data.operator,
      item.offset,
      JSON.stringify(removed),
    ],
  );
  return outcome;
}
