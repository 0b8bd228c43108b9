/**
 * analytics-aggregator projection: folds order events into `order_facts` (the per-order inputs
 * of OTD, OTIF, cycle time and backlog) and adds their change to the `kpi_daily` counts, in the
 * batch transaction. After commits it stores the live KPI snapshot in Redis and notifies the
 * console (coalesced: at most one snapshot a second, one in flight, one more queued).
 */
import { topicsOf, type OrderEvent, type TopicNames } from '../../contracts';
import type { Pool, PoolClient } from '../../runtime/db';
import { queryKpiSummary } from '../../runtime/kpi-query';
import type { Logger } from '../../runtime/logger';
import { changeNotification, publishChanges, type RedisClient } from '../../runtime/redis';
import type { ConsumedEvent, Projection } from '../consumer-framework/batch-consumer';
import type { CacheSink } from '../consumer-framework/cache-writer';
import { upsertRows } from '../consumer-framework/rows';
import { derive, foldFactEvent, type FactRow } from './fact-state';
import {
  contributionOf,
  kpiDailyDeltas,
  kpiDailyUpsert,
  lowerKpiDays,
  removeEmptyKpiDays,
} from './kpi-daily';

async function loadFacts(client: PoolClient, ids: string[]): Promise<Map<string, FactRow>> {
  const { rows } = await client.query<FactRow>(
    `SELECT order_id, status, warehouse_id, site_time_zone, promised_date, created_at, shipped_at, delivered_at, created_day,
            shipped_day, delivered_day, ordered_lines, delivered_lines, on_time, in_full, cycle_time_ms, is_drill,
            drill_id, kafka_partition
       FROM order_facts WHERE order_id = ANY($1::text[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.order_id, r]));
}

/** Coalesces refresh requests: while one runs, later requests collapse into one follow-up. */
function coalesced(task: () => Promise<void>, minIntervalMs = 1_000): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  let lastStart = 0;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        const wait = lastStart + minIntervalMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        lastStart = Date.now();
        await task();
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };
  return run;
}

/**
 * @param pool read models (the KPI snapshot query)
 * @param redis cache client, for the rebuild (may be down or frozen)
 * @param prefix Redis key prefix
 * @param cache where KPI snapshots go (never awaited by the batch)
 */
export function analyticsProjection(
  pool: Pool,
  redis: RedisClient,
  prefix: string,
  log: Logger,
  cache: CacheSink,
): Projection<{ count: number }> {
  const snapshot = () => queryKpiSummary(pool, { includeDrills: false });
  const refresh = coalesced(async () => cache.submit([], await snapshot()));
  return {
    name: 'analytics-aggregator',
    topics: (t: TopicNames) => topicsOf('analytics-aggregator', t),
    // The KPI snapshot is published at most once a second: waiting up to 250 ms for fuller
    // batches costs the dashboard nothing and leaves the cores to the order and shipment paths.
    fetch: { minBytes: 128 * 1024, maxWaitTimeInMs: 250 },
    async apply(client, events: ConsumedEvent[]) {
      const ids = [...new Set(events.map((c) => c.event.subject))];
      const facts = await loadFacts(client, ids);
      const before = new Map([...facts].map(([id, f]) => [id, contributionOf(f)]));
      const seen = new Set(facts.keys());
      for (const { event, partition } of events) {
        const f = foldFactEvent(facts.get(event.subject), event as OrderEvent, seen.has(event.subject));
        f.kafka_partition ??= partition;
        facts.set(event.subject, f);
        seen.add(event.subject);
      }
      for (const id of ids) derive(facts.get(id)!);
      const deltas = kpiDailyDeltas(
        ids.map((id) => ({ before: before.get(id), after: contributionOf(facts.get(id)!) })),
      );
      // One statement for both: the contended day rows stay locked only until the commit.
      await upsertRows(
        client,
        { table: 'order_facts', keyColumns: ['order_id'], rows: [...facts.values()].map((f) => ({ ...f })) },
        kpiDailyUpsert(deltas),
      );
      await lowerKpiDays(client, deltas);
      await removeEmptyKpiDays(client, deltas);
      return { count: ids.length };
    },
    drills: {
      entity: 'order',
      trafficSql: 'SELECT order_id AS subject, drill_id FROM order_facts WHERE order_id = ANY($1::text[])',
      async purge(client, purge, partition) {
        // The drill's orders of this partition (rows from before partitions were recorded: any).
        const { rows } = await client.query<FactRow>(
          `DELETE FROM order_facts WHERE drill_id = $1 AND (kafka_partition = $2 OR kafka_partition IS NULL)
           RETURNING order_id, created_day, shipped_day, delivered_day, on_time, is_drill`,
          [purge.data.drillId, partition],
        );
        // Their KPI counts go with them: subtracted from kpi_daily, emptied days removed.
        const deltas = kpiDailyDeltas(rows.map((f) => ({ before: contributionOf(f), after: undefined })));
        await upsertRows(client, kpiDailyUpsert(deltas));
        await lowerKpiDays(client, deltas);
        await removeEmptyKpiDays(client, deltas);
        return {
          removed: {
            order_facts: rows.length,
            kpi_daily_created: rows.filter((f) => f.created_day !== null).length,
            kpi_daily_delivered: rows.filter((f) => f.delivered_day !== null).length,
          },
          outcome: { count: rows.length },
        };
      },
    },
    async afterCommit() {
      // Not awaited by the batch: the snapshot catches up behind the stream, never blocks it.
      void refresh().catch((err: unknown) =>
        log.warn({ err: String(err) }, 'KPI snapshot failed; retried on next batch'),
      );
    },
    async rebuildCache() {
      // Written directly (the cache writer runs it): a failure keeps the cache marked for rebuild.
      const kpi = await snapshot();
      await publishChanges(redis, prefix, [], changeNotification('analytics-aggregator', { kpi: true }), kpi);
      return 1;
    },
  };
}
