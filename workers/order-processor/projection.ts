/**
 * order-processor projection: records order events in the `order_events` history (whose event id
 * key is also its idempotency check), folds them into `orders` and `order_lines`, then caches
 * order summaries in Redis and notifies the console.
 */
import { topicsOf, type OrderEvent, type TopicNames } from '../../contracts';
import type { Pool } from '../../runtime/db';
import { rebuildEntityCache, removeOrphanEntries } from '../consumer-framework/cache-rebuild';
import type { CacheSink } from '../consumer-framework/cache-writer';
import type { RedisClient } from '../../runtime/redis';
import { firstOccurrences, type ConsumedEvent, type Projection } from '../consumer-framework/batch-consumer';
import { claimAndLoad, upsertRows } from '../consumer-framework/rows';
import { toUtcIso } from '../consumer-framework/time';
import { applyOrderEvent, type OrderLineRow, type OrderRow, type OrderState } from './order-state';
import { toOrderSummary } from './order-summary';

export interface OrderOutcome {
  orders: OrderRow[];
  /** Orders removed by a drill's purge (their cache entries go too). */
  removedOrderIds?: string[];
}

const ORDER_COLUMNS = `order_id, status, customer_id, warehouse_id, site_time_zone, promised_date, created_at,
  approved_at, picked_at, packed_at, shipped_at, delivered_at, cancelled_at, cancel_reason, shipment_id,
  last_event_time, event_count, is_drill, drill_id, created_day`;

/** The current rows and lines of the orders named by $2 (text[]), lines as a JSON array. */
const LOAD_ORDERS = `SELECT ${ORDER_COLUMNS},
       coalesce((SELECT json_agg(json_build_object('order_id', l.order_id, 'sku', l.sku, 'quantity', l.quantity,
                                                   'delivered_quantity', l.delivered_quantity))
                   FROM order_lines l WHERE l.order_id = o.order_id), '[]'::json) AS lines
  FROM orders o WHERE o.order_id = ANY($2::text[])`;

type OrderStates = Map<string, OrderState>;

/**
 * @param pool used only to rebuild the cache (batches run on the transaction's client)
 * @param redis cache client, for the rebuild (may be down or frozen)
 * @param prefix Redis key prefix
 * @param cache where committed summaries go (never awaited by the batch)
 */
export function orderProjection(
  pool: Pool,
  redis: RedisClient,
  prefix: string,
  cache: CacheSink,
): Projection<OrderOutcome, OrderStates> {
  return {
    name: 'order-processor',
    topics: (t: TopicNames) => topicsOf('order-processor', t),
    async claim(client, events: ConsumedEvent[]) {
      const history = events.map(({ event, partition, offset }) => ({
        event_id: event.id,
        order_id: event.subject,
        type: event.type,
        event_time: toUtcIso(event.time),
        source: event.source,
        drill_id: event.drillid ?? null,
        data: event.data,
        kafka_partition: partition,
        kafka_offset: offset,
      }));
      // One round trip: the history rows (the idempotency check) and the orders' current state.
      const { inserted, loaded } = await claimAndLoad<OrderRow & { lines: OrderLineRow[] }>(
        client,
        { table: 'order_events', keyColumn: 'event_id', rows: history },
        LOAD_ORDERS,
        [[...new Set(events.map((c) => c.event.subject))]],
      );
      const state: OrderStates = new Map(
        loaded.map(({ lines, ...row }) => [
          row.order_id,
          { row, lines: new Map(lines.map((l) => [l.sku, l])) },
        ]),
      );
      return { events: firstOccurrences(events, inserted), state };
    },
    async apply(client, events: ConsumedEvent[], claimed?: OrderStates) {
      if (!claimed) throw new Error('order-processor: apply needs the state its claim loaded');
      const orderEvents = events.map((c) => c as ConsumedEvent & { event: OrderEvent });
      const ids = [...new Set(orderEvents.map((c) => c.event.subject))];
      const states = claimed;
      for (const { event } of orderEvents)
        states.set(event.subject, applyOrderEvent(states.get(event.subject), event));
      const rows = ids.map((id) => states.get(id)!);
      await upsertRows(
        client,
        { table: 'orders', keyColumns: ['order_id'], rows: rows.map((s) => ({ ...s.row })) },
        {
          table: 'order_lines',
          keyColumns: ['order_id', 'sku'],
          rows: rows.flatMap((s) => [...s.lines.values()].map((l) => ({ ...l }))),
          touchUpdatedAt: false,
        },
      );
      return { orders: rows.map((s) => s.row) };
    },
    drills: {
      entity: 'order',
      trafficSql: 'SELECT order_id AS subject, drill_id FROM orders WHERE order_id = ANY($1::text[])',
      async purge(client, purge, partition) {
        // The drill's orders whose events came from this partition, with their lines (cascade)
        // and history. A live order is never matched: its drill_id is null.
        const { rows } = await client.query<{ ids: string[] | null; lines: number; events: number }>(
          `WITH gone AS (
             DELETE FROM orders o WHERE o.drill_id = $1
                AND EXISTS (SELECT 1 FROM order_events e
                             WHERE e.order_id = o.order_id AND e.drill_id = $1 AND e.kafka_partition = $2)
             RETURNING o.order_id),
           lines AS (SELECT count(*)::int AS n FROM order_lines l JOIN gone g USING (order_id)),
           history AS (DELETE FROM order_events e USING gone g WHERE e.order_id = g.order_id RETURNING 1)
           SELECT (SELECT array_agg(order_id ORDER BY order_id) FROM gone) AS ids,
                  (SELECT n FROM lines) AS lines, (SELECT count(*)::int FROM history) AS events`,
          [purge.data.drillId, partition],
        );
        const ids = rows[0]?.ids ?? [];
        return {
          removed: {
            orders: ids.length,
            order_lines: rows[0]?.lines ?? 0,
            order_events: rows[0]?.events ?? 0,
          },
          outcome: { orders: [], removedOrderIds: ids },
        };
      },
    },
    async afterCommit(outcome) {
      cache.submit(
        outcome.orders.map((row) => ({ kind: 'order', order: toOrderSummary(row) })),
        undefined,
        (outcome.removedOrderIds ?? []).map((id) => ({ kind: 'order', id })),
      );
    },
    rebuildCache: async () =>
      (await rebuildEntityCache<OrderRow>(
        pool,
        redis,
        prefix,
        `SELECT ${ORDER_COLUMNS} FROM orders WHERE order_id > $1 ORDER BY order_id LIMIT $2`,
        (row) => row.order_id,
        (row) => ({ kind: 'order', order: toOrderSummary(row) }),
      )) +
      // Best effort: an orphan left behind (Redis too slow to scan now) expires with its TTL.
      (await removeOrphanEntries(
        pool,
        redis,
        prefix,
        'order',
        'SELECT order_id AS id FROM orders WHERE order_id = ANY($1::text[])',
      ).catch(() => 0)),
  };
}
