/**
 * shipment-tracker projection: records shipment events in the `shipment_checkpoints` timeline
 * (whose event id key is also its idempotency check), folds them into `shipments`, then caches
 * summaries in Redis and notifies the console.
 */
import { topicsOf, type ShipmentEvent, type ShipmentSummary, type TopicNames } from '../../contracts';
import type { Pool } from '../../runtime/db';
import { rebuildEntityCache, removeOrphanEntries } from '../consumer-framework/cache-rebuild';
import type { CacheSink } from '../consumer-framework/cache-writer';
import type { RedisClient } from '../../runtime/redis';
import { firstOccurrences, type ConsumedEvent, type Projection } from '../consumer-framework/batch-consumer';
import { claimAndLoad, upsertRows } from '../consumer-framework/rows';
import { applyShipmentEvent, checkpointOf, type ShipmentRow } from './shipment-state';

export interface ShipmentOutcome {
  shipments: ShipmentRow[];
  /** Shipments removed by a drill's purge (their cache entries go too). */
  removedShipmentIds?: string[];
}

const SHIPMENT_COLUMNS = `shipment_id, order_id, carrier, tracking_number, origin, destination, promised_date, status,
  status_time, eta, eta_time, exception_reason, exception_time, delivered_at, created_at, last_event_time, is_drill, drill_id`;

/** The current rows of the shipments named by $2 (text[]). */
const LOAD_SHIPMENTS = `SELECT ${SHIPMENT_COLUMNS} FROM shipments WHERE shipment_id = ANY($2::text[])`;

type ShipmentStates = Map<string, ShipmentRow>;

/** Maps a `shipments` row to the API's {@link ShipmentSummary}. */
export function toShipmentSummary(row: ShipmentRow): ShipmentSummary {
  return {
    shipmentId: row.shipment_id,
    orderId: row.order_id,
    carrier: row.carrier,
    trackingNumber: row.tracking_number,
    origin: row.origin,
    destination: row.destination,
    promisedDate: row.promised_date,
    status: row.status,
    eta: row.eta,
    exceptionReason: row.exception_reason,
    deliveredAt: row.delivered_at,
    lastEventTime: row.last_event_time,
    isDrill: row.is_drill,
    drillId: row.drill_id,
  };
}

/**
 * @param pool used only to rebuild the cache (batches run on the transaction's client)
 * @param redis cache client, for the rebuild (may be down or frozen)
 * @param prefix Redis key prefix
 * @param cache where committed summaries go (never awaited by the batch)
 */
export function shipmentProjection(
  pool: Pool,
  redis: RedisClient,
  prefix: string,
  cache: CacheSink,
): Projection<ShipmentOutcome, ShipmentStates> {
  return {
    name: 'shipment-tracker',
    topics: (t: TopicNames) => topicsOf('shipment-tracker', t),
    async claim(client, events: ConsumedEvent[]) {
      const checkpoints = events.map((c) => ({
        ...checkpointOf(c.event as ShipmentEvent),
        kafka_partition: c.partition,
      }));
      // One round trip: the timeline rows (the idempotency check) and the shipments' current rows.
      const { inserted, loaded } = await claimAndLoad<ShipmentRow>(
        client,
        { table: 'shipment_checkpoints', keyColumn: 'event_id', rows: checkpoints },
        LOAD_SHIPMENTS,
        [[...new Set(events.map((c) => c.event.subject))]],
      );
      const state: ShipmentStates = new Map(loaded.map((row) => [row.shipment_id, row]));
      return { events: firstOccurrences(events, inserted), state };
    },
    async apply(client, events: ConsumedEvent[], claimed?: ShipmentStates) {
      if (!claimed) throw new Error('shipment-tracker: apply needs the state its claim loaded');
      const shipmentEvents = events.map((c) => c.event as ShipmentEvent);
      const ids = [...new Set(shipmentEvents.map((e) => e.subject))];
      const rows = claimed;
      for (const event of shipmentEvents)
        rows.set(event.subject, applyShipmentEvent(rows.get(event.subject), event));
      const changed = ids.map((id) => rows.get(id)!);
      await upsertRows(client, {
        table: 'shipments',
        keyColumns: ['shipment_id'],
        rows: changed.map((r) => ({ ...r })),
      });
      return { shipments: changed };
    },
    drills: {
      entity: 'shipment',
      trafficSql:
        'SELECT shipment_id AS subject, drill_id FROM shipments WHERE shipment_id = ANY($1::text[])',
      async purge(client, purge, partition) {
        // The drill's shipments whose events came from this partition (timeline rows from before
        // partitions were recorded: any), with their timelines. A live shipment is never matched.
        const { rows } = await client.query<{ ids: string[] | null; checkpoints: number }>(
          `WITH gone AS (
             DELETE FROM shipments s WHERE s.drill_id = $1
                AND EXISTS (SELECT 1 FROM shipment_checkpoints c
                             WHERE c.shipment_id = s.shipment_id AND c.drill_id = $1
                               AND (c.kafka_partition = $2 OR c.kafka_partition IS NULL))
             RETURNING s.shipment_id),
           timeline AS (DELETE FROM shipment_checkpoints c USING gone g WHERE c.shipment_id = g.shipment_id RETURNING 1)
           SELECT (SELECT array_agg(shipment_id ORDER BY shipment_id) FROM gone) AS ids,
                  (SELECT count(*)::int FROM timeline) AS checkpoints`,
          [purge.data.drillId, partition],
        );
        const ids = rows[0]?.ids ?? [];
        return {
          removed: { shipments: ids.length, shipment_checkpoints: rows[0]?.checkpoints ?? 0 },
          outcome: { shipments: [], removedShipmentIds: ids },
        };
      },
    },
    async afterCommit(outcome) {
      cache.submit(
        outcome.shipments.map((row) => ({ kind: 'shipment', shipment: toShipmentSummary(row) })),
        undefined,
        (outcome.removedShipmentIds ?? []).map((id) => ({ kind: 'shipment', id })),
      );
    },
    rebuildCache: async () =>
      (await rebuildEntityCache<ShipmentRow>(
        pool,
        redis,
        prefix,
        `SELECT ${SHIPMENT_COLUMNS} FROM shipments WHERE shipment_id > $1 ORDER BY shipment_id LIMIT $2`,
        (row) => row.shipment_id,
        (row) => ({ kind: 'shipment', shipment: toShipmentSummary(row) }),
      )) +
      // Best effort: an orphan left behind (Redis too slow to scan now) expires with its TTL.
      (await removeOrphanEntries(
        pool,
        redis,
        prefix,
        'shipment',
        'SELECT shipment_id AS id FROM shipments WHERE shipment_id = ANY($1::text[])',
      ).catch(() => 0)),
  };
}
