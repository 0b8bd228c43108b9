/**
 * Drift check: compares the live read models with a fresh replay of the topics (row by row,
 * per entity), the live and replayed KPI totals, and the Redis cache with PostgreSQL. Any
 * difference means an event was lost, applied twice, or applied differently.
 */
import {
  consumerGroup,
  WORKER_NAMES,
  type DriftReport,
  type EntitySummary,
  type TableDrift,
} from '../../contracts';
import type { Pool } from '../../runtime/db';
import { queryKpiSummary } from '../../runtime/kpi-query';
import { redisKeys, type RedisClient } from '../../runtime/redis';
import { createPool } from '../../runtime/db';
import type { AppConfig } from '../../runtime/config';
import { toOrderSummary } from '../../workers/order-processor/order-summary';
import type { OrderRow } from '../../workers/order-processor/order-state';
import { toShipmentSummary } from '../../workers/shipment-tracker/projection';
import type { ShipmentRow } from '../../workers/shipment-tracker/shipment-state';
import type { ReplayResult } from './replay';

/** Compared tables: key column and the columns that must match (volatile bookkeeping left out). */
const TABLES: { table: string; key: string; columns: string }[] = [
  {
    table: 'orders',
    key: 'order_id',
    columns: `order_id, status, customer_id, warehouse_id, site_time_zone, promised_date, created_at, approved_at, picked_at,
      packed_at, shipped_at, delivered_at, cancelled_at, cancel_reason, shipment_id, last_event_time, event_count, is_drill, drill_id, created_day`,
  },
  { table: 'order_lines', key: 'order_id', columns: 'order_id, sku, quantity, delivered_quantity' },
  {
    table: 'order_events',
    key: 'order_id',
    columns: 'event_id, order_id, type, event_time, source, drill_id, data, kafka_partition, kafka_offset',
  },
  {
    table: 'shipments',
    key: 'shipment_id',
    columns: `shipment_id, order_id, carrier, tracking_number, origin, destination, promised_date, status, status_time, eta, eta_time,
      exception_reason, exception_time, delivered_at, created_at, last_event_time, is_drill, drill_id`,
  },
  {
    table: 'shipment_checkpoints',
    key: 'shipment_id',
    columns: 'event_id, shipment_id, type, event_time, status, location, message, drill_id',
  },
  {
    table: 'order_facts',
    key: 'order_id',
    columns: `order_id, status, site_time_zone, promised_date, created_at, shipped_at, delivered_at, created_day, shipped_day,
      delivered_day, ordered_lines, delivered_lines, on_time, in_full, cycle_time_ms, is_drill, drill_id`,
  },
  // Kept incrementally by the analytics-aggregator: a replay recomputes it batch by batch too.
  { table: 'kpi_daily', key: 'day', columns: 'day, is_drill, created, shipped, delivered, on_time, late' },
];

/** Rows of `table` that differ between the live (public) schema and `schema`, grouped by entity key. */
async function tableDrift(pool: Pool, schema: string, t: (typeof TABLES)[number]): Promise<TableDrift> {
  // Table and schema names come from this module (schema validated by the caller), never from input.
  const { rows } = await pool.query<{ key: string; n: number }>(
    `WITH l AS (SELECT ${t.columns} FROM public.${t.table}), r AS (SELECT ${t.columns} FROM ${schema}.${t.table}),
          d AS ((SELECT * FROM l EXCEPT ALL SELECT * FROM r) UNION ALL (SELECT * FROM r EXCEPT ALL SELECT * FROM l))
     SELECT ${t.key}::text AS key, count(*) OVER ()::int AS n FROM (SELECT DISTINCT ${t.key} FROM d) x ORDER BY ${t.key} LIMIT 10`,
  );
  return { table: t.table, differingKeys: rows[0]?.n ?? 0, sampleKeys: rows.map((r) => r.key) };
}

/** Cached summaries that disagree with PostgreSQL (missing entries are fine: it is a cache). */
async function redisDrift(pool: Pool, redis: RedisClient, prefix: string): Promise<DriftReport['redis']> {
  const keys = redisKeys(prefix);
  let checked = 0;
  const stale: string[] = [];
  const compare = async (ids: string[], kind: 'order' | 'shipment', fresh: Map<string, EntitySummary>) => {
    if (ids.length === 0) return;
    const cached = await redis.mget(...ids.map((id) => keys.entity(kind, id)));
    cached.forEach((text, i) => {
      if (text === null) return;
      checked += 1;
      const expected = fresh.get(ids[i]!);
      if (!expected || JSON.stringify(JSON.parse(text)) !== JSON.stringify(expected))
        stale.push(`${kind}:${ids[i]}`);
    });
  };
  const orders = await pool.query<OrderRow>('SELECT * FROM public.orders');
  const orderSummaries = new Map<string, EntitySummary>(
    orders.rows.map((r) => [r.order_id, { kind: 'order', order: toOrderSummary(r) }]),
  );
  const shipments = await pool.query<ShipmentRow>('SELECT * FROM public.shipments');
  const shipmentSummaries = new Map<string, EntitySummary>(
    shipments.rows.map((r) => [r.shipment_id, { kind: 'shipment', shipment: toShipmentSummary(r) }]),
  );
  const orderIds = [...orderSummaries.keys()];
  for (let i = 0; i < orderIds.length; i += 1000)
    await compare(orderIds.slice(i, i + 1000), 'order', orderSummaries);
  const shipmentIds = [...shipmentSummaries.keys()];
  for (let i = 0; i < shipmentIds.length; i += 1000)
    await compare(shipmentIds.slice(i, i + 1000), 'shipment', shipmentSummaries);
  // Entries of entities PostgreSQL no longer has (a drill's purge) are stale too.
  for (const [kind, fresh] of [
    ['order', orderSummaries],
    ['shipment', shipmentSummaries],
  ] as const) {
    const keyPrefix = keys.entity(kind, '');
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of found) {
        const id = key.slice(keyPrefix.length);
        if (fresh.has(id)) continue;
        checked += 1;
        stale.push(`${kind}:${id}`);
      }
    } while (cursor !== '0');
  }
  return { checked, stale: stale.length, sampleKeys: stale.slice(0, 10) };
}

/** True once every live worker group has applied up to the replay's high-water marks. */
async function liveReached(
  pool: Pool,
  prefix: string,
  replay: ReplayResult,
): Promise<{ reached: boolean; moved: boolean }> {
  const { rows } = await pool.query<{
    consumer_group: string;
    topic: string;
    kafka_partition: number;
    next_offset: number;
  }>(
    `SELECT consumer_group, topic, kafka_partition, next_offset FROM public.consumer_offsets
      WHERE consumer_group = ANY($1::text[])`,
    [WORKER_NAMES.map((n) => consumerGroup(prefix, n))],
  );
  let reached = true;
  let moved = false;
  for (const [key, high] of Object.entries(replay.watermarks)) {
    const topic = key.slice(0, key.lastIndexOf('/'));
    const partition = Number(key.slice(key.lastIndexOf('/') + 1));
    const positions = rows
      .filter((r) => r.topic === topic && r.kafka_partition === partition)
      .map((r) => r.next_offset);
    if (high > 0 && (positions.length === 0 || Math.min(...positions) < high)) reached = false;
    if (positions.some((p) => p > high)) moved = true;
  }
  return { reached, moved };
}

/**
 * Compares live state, the replay in `replay.schema` and the Redis cache; stores and returns the report.
 * Waits (up to `waitMs`) for the live workers to reach the replay's positions first.
 */
export async function checkDrift(
  config: AppConfig,
  redis: RedisClient,
  replay: ReplayResult,
  startedAt: Date,
  waitMs = 60_000,
): Promise<DriftReport> {
  if (!/^replay_[0-9a-z_]+$/.test(replay.schema)) throw new Error(`not a replay schema: ${replay.schema}`);
  const pool = createPool(config, 3);
  try {
    const deadline = Date.now() + waitMs;
    let live = await liveReached(pool, config.topicPrefix, replay);
    while (!live.reached && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      live = await liveReached(pool, config.topicPrefix, replay);
    }
    const tables: TableDrift[] = [];
    for (const t of TABLES) tables.push(await tableDrift(pool, replay.schema, t));
    const replayPool = createPool(config, 2, replay.schema);
    const [liveKpi, replayKpi] = await Promise.all([
      queryKpiSummary(pool, { includeDrills: true }),
      queryKpiSummary(replayPool, { includeDrills: true }).finally(() => replayPool.end()),
    ]);
    const kpiDifferences = (Object.keys(liveKpi) as (keyof typeof liveKpi)[])
      .filter((k) => k !== 'computedAt')
      .filter((k) => JSON.stringify(liveKpi[k]) !== JSON.stringify(replayKpi[k]))
      .map(String);
    const cache =
      redis.status === 'ready'
        ? await redisDrift(pool, redis, config.topicPrefix)
        : { checked: 0, stale: 0, sampleKeys: [] };
    const report: DriftReport = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      replaySchema: replay.schema,
      replayedMessages: replay.messages,
      replayEventsPerSecond: replay.eventsPerSecond,
      ok: tables.every((t) => t.differingKeys === 0) && kpiDifferences.length === 0 && cache.stale === 0,
      streamMoved: live.moved || !live.reached,
      tables,
      kpiDifferences,
      redis: cache,
    };
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO public.drift_checks (started_at, finished_at, replay_schema, replayed_messages, replay_events_per_second, ok, stream_moved, report)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        report.startedAt,
        report.finishedAt,
        report.replaySchema,
        report.replayedMessages,
        report.replayEventsPerSecond,
        report.ok,
        report.streamMoved,
        JSON.stringify(report),
      ],
    );
    return { ...report, id: rows[0]!.id };
  } finally {
    await pool.end();
  }
}
