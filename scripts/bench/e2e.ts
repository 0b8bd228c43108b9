/**
 * End-to-end throughput: every event through the API's batch path (`POST /api/events/batch`,
 * validated, produced with acks=all, audited), Kafka, and all three workers, until every read
 * model holds exactly what the events imply and the KPIs (the `kpi_daily` view and the Redis KPI
 * snapshot the dashboard reads) have caught up. Timed from the first request to that moment.
 */
import { consumerGroup } from '../../contracts';
import { redisKeys } from '../../runtime/redis';
import Redis from 'ioredis';
import type { Dataset } from './dataset';
import type { Admin } from 'kafkajs';
import type { TopicNames } from '../../contracts';
import type { AppConfig } from '../../runtime/config';
import type { Pool } from '../../runtime/db';
import { WORKERS, type Deployment } from './deployment';

/** What progress checks need: our pool on the pipeline's database, its topics and prefix. */
export interface PipelineTarget {
  pool: Pool;
  admin: Admin;
  topics: TopicNames;
  config: AppConfig;
}
import { nowMs, runLimited, sleep } from './stats';

export interface PgCounters {
  commits: number;
  rollbacks: number;
  tuplesInserted: number;
  tuplesUpdated: number;
  blocksWritten: number;
  walRecords: number;
  walBytes: number;
  walSyncs: number;
}

/** Database-wide transaction and tuple counters of `db`, and cluster-wide WAL counters. */
export async function pgCounters(dep: PipelineTarget): Promise<PgCounters> {
  const { rows } = await dep.pool.query<{
    xact_commit: string;
    xact_rollback: string;
    tup_inserted: string;
    tup_updated: string;
    blks_written: string | null;
    wal_records: string;
    wal_bytes: string;
    wal_sync: string;
  }>(
    `SELECT d.xact_commit, d.xact_rollback, d.tup_inserted, d.tup_updated,
            (SELECT buffers_checkpoint + buffers_clean + buffers_backend FROM pg_stat_bgwriter) AS blks_written,
            w.wal_records, w.wal_bytes, w.wal_sync
       FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = current_database()`,
  );
  const r = rows[0]!;
  return {
    commits: Number(r.xact_commit),
    rollbacks: Number(r.xact_rollback),
    tuplesInserted: Number(r.tup_inserted),
    tuplesUpdated: Number(r.tup_updated),
    blocksWritten: Number(r.blks_written ?? 0),
    walRecords: Number(r.wal_records),
    walBytes: Number(r.wal_bytes),
    walSyncs: Number(r.wal_sync),
  };
}

export function counterDelta(a: PgCounters, b: PgCounters): PgCounters {
  const out = {} as PgCounters;
  for (const k of Object.keys(a) as (keyof PgCounters)[]) out[k] = b[k] - a[k];
  return out;
}

export interface EndToEndResult {
  events: number;
  requests: number;
  concurrency: number;
  /** First request to last 202. */
  ingestSeconds: number;
  ingestPerSecond: number;
  /** First request to every read model and KPI caught up. */
  seconds: number;
  perSecond: number;
  /** When each consumer group reached the high-water marks, seconds after the first request. */
  groupDoneSeconds: Record<string, number>;
  /** When the read-model counts matched, and when the KPI view and Redis snapshot did. */
  readModelsDoneSeconds: number;
  kpiDoneSeconds: number;
  /** Read-model row counts at the end, expected vs. found. */
  counts: Record<string, { expected: number; found: number }>;
  /** Throughput timeline: applied positions per group every second (events/s per worker). */
  timeline: { t: number; positions: Record<string, number> }[];
  /** Request round trips (ms): p50/p95/max of the 1,000-event batches. */
  requestMs: number[];
}

/** Sum of stored positions per group, and whether each group reached the high-water marks. */
async function positions(
  dep: PipelineTarget,
  highs: Map<string, number>,
): Promise<{ sums: Record<string, number>; done: Record<string, boolean> }> {
  const { rows } = await dep.pool.query<{
    consumer_group: string;
    topic: string;
    kafka_partition: number;
    next_offset: number;
  }>(
    'SELECT consumer_group, topic, kafka_partition, next_offset FROM consumer_offsets WHERE consumer_group = ANY($1)',
    [WORKERS.map((w) => consumerGroup(dep.config.topicPrefix, w))],
  );
  const sums: Record<string, number> = {};
  const done: Record<string, boolean> = {};
  for (const w of WORKERS) {
    const group = consumerGroup(dep.config.topicPrefix, w);
    const topic = w === 'shipment-tracker' ? dep.topics.shipments : dep.topics.orders;
    const mine = rows.filter((r) => r.consumer_group === group);
    sums[w] = mine.reduce((n, r) => n + Number(r.next_offset), 0);
    done[w] = [...highs].every(([key, high]) => {
      if (!key.startsWith(`${topic}/`)) return true;
      const partition = Number(key.slice(topic.length + 1));
      const pos = mine.find((r) => r.topic === topic && r.kafka_partition === partition)?.next_offset ?? 0;
      return high === 0 || Number(pos) >= high;
    });
  }
  return { sums, done };
}

/** High-water marks of the deployment's event topics, by `topic/partition`. */
export async function highWatermarks(dep: PipelineTarget): Promise<Map<string, number>> {
  const highs = new Map<string, number>();
  for (const topic of [dep.topics.orders, dep.topics.shipments]) {
    for (const o of await dep.admin.fetchTopicOffsets(topic))
      highs.set(`${topic}/${o.partition}`, Number(o.high));
  }
  return highs;
}

interface Counts {
  orders: number;
  shipments: number;
  order_events: number;
  shipment_checkpoints: number;
  order_facts: number;
  delivered_facts: number;
  kpi_created: number;
  kpi_delivered: number;
}

async function readModelCounts(dep: PipelineTarget): Promise<Counts> {
  const { rows } = await dep.pool.query<Counts>(
    `SELECT (SELECT count(*) FROM orders)::int AS orders,
            (SELECT count(*) FROM shipments)::int AS shipments,
            (SELECT count(*) FROM order_events)::int AS order_events,
            (SELECT count(*) FROM shipment_checkpoints)::int AS shipment_checkpoints,
            (SELECT count(*) FROM order_facts)::int AS order_facts,
            (SELECT count(*) FROM order_facts WHERE delivered_day IS NOT NULL AND NOT is_drill)::int AS delivered_facts,
            (SELECT coalesce(sum(created), 0) FROM kpi_daily WHERE NOT is_drill)::int AS kpi_created,
            (SELECT coalesce(sum(delivered), 0) FROM kpi_daily WHERE NOT is_drill)::int AS kpi_delivered`,
  );
  return rows[0]!;
}

/**
 * Sends the data set through the API (at most `concurrency` requests in flight; an order's events
 * are always in one request, so concurrent requests keep per-entity order) and waits until
 * everything has caught up. The deployment must start empty.
 */
export async function runEndToEnd(
  dep: Deployment,
  data: Dataset,
  opts: { concurrency: number; timeoutMs: number; log: (line: string) => void },
): Promise<EndToEndResult> {
  const redis = new Redis(dep.config.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  const requestMs: number[] = [];
  const timeline: EndToEndResult['timeline'] = [];
  const t0 = nowMs();
  const since = () => (nowMs() - t0) / 1000;
  let ingestDone = 0;
  let stopTimeline = false;
  const tick = async () => {
    // Progress while sending too (positions only; the high-water marks are read after sending).
    while (!stopTimeline) {
      const { sums } = await positions(dep, new Map()).catch(() => ({ sums: {} }));
      timeline.push({ t: since(), positions: sums });
      await sleep(1_000);
    }
  };
  const ticking = tick();
  try {
    let sent = 0;
    await runLimited(data.bodies, opts.concurrency, async (body, i) => {
      const r0 = nowMs();
      const res = await dep.api('/api/events/batch', { method: 'POST', body });
      const text = await res.text();
      if (res.status !== 202) throw new Error(`batch ${i}: HTTP ${res.status} ${text.slice(0, 300)}`);
      requestMs.push(nowMs() - r0);
      sent += data.batches[i]!.length;
      if (i % 50 === 0)
        opts.log(`  sent ${sent}/${data.events} events (${Math.round(sent / since())} events/s accepted)`);
    });
    ingestDone = since();
    opts.log(
      `  all ${data.events} events accepted in ${ingestDone.toFixed(1)} s; waiting for the workers and KPIs`,
    );

    const caught = await waitCaughtUp(dep, data.expected, {
      timeoutMs: opts.timeoutMs,
      since,
      log: opts.log,
      redis,
      dead: () => (dep.main.exitCode !== null || dep.main.signalCode !== null ? 'the main process' : null),
    });
    return {
      events: data.events,
      requests: data.bodies.length,
      concurrency: opts.concurrency,
      ingestSeconds: ingestDone,
      ingestPerSecond: data.events / ingestDone,
      seconds: caught.kpiDoneSeconds,
      perSecond: data.events / caught.kpiDoneSeconds,
      groupDoneSeconds: caught.groupDoneSeconds,
      readModelsDoneSeconds: caught.readModelsDoneSeconds,
      kpiDoneSeconds: caught.kpiDoneSeconds,
      counts: caught.counts,
      timeline,
      requestMs,
    };
  } finally {
    stopTimeline = true;
    await ticking;
    redis.disconnect();
  }
}

export interface CaughtUp {
  groupDoneSeconds: Record<string, number>;
  readModelsDoneSeconds: number;
  kpiDoneSeconds: number;
  counts: Record<string, { expected: number; found: number }>;
}

/**
 * Waits until every worker group's stored positions reached the topics' current high-water
 * marks, every read model holds exactly the expected rows, and the KPIs caught up: the
 * `kpi_daily` view totals equal the facts and the Redis KPI snapshot (what the dashboard shows)
 * counts every order. Times are `since()` values.
 * @throws Error naming what had not caught up at the timeout
 */
export async function waitCaughtUp(
  dep: PipelineTarget,
  e: Dataset['expected'],
  opts: {
    timeoutMs: number;
    since: () => number;
    log: (line: string) => void;
    redis: Redis;
    pollMs?: number;
    /** Names a pipeline process that died (then waiting is pointless), or returns null. */
    dead?: () => string | null;
  },
): Promise<CaughtUp> {
  const { since } = opts;
  const highs = await highWatermarks(dep);
  const groupDone: Record<string, number> = {};
  let readModelsDone = 0;
  let counts: Counts | null = null;
  const deadline = nowMs() + opts.timeoutMs;
  let lastLog = since();
  for (;;) {
    const { done, sums } = await positions(dep, highs);
    for (const w of WORKERS) if (done[w] && groupDone[w] === undefined) groupDone[w] = since();
    if (WORKERS.every((w) => done[w])) {
      counts = await readModelCounts(dep);
      const modelsOk =
        counts.orders === e.orders &&
        counts.shipments === e.shipments &&
        counts.order_events === e.orderEvents &&
        counts.shipment_checkpoints === e.shipmentEvents &&
        counts.order_facts === e.orders;
      if (modelsOk && !readModelsDone) readModelsDone = since();
      if (modelsOk) {
        const snapshotText = await opts.redis
          .get(redisKeys(dep.config.topicPrefix).kpiSnapshot)
          .catch(() => null);
        const snapshot = snapshotText
          ? (JSON.parse(snapshotText) as { createdOrders: number; deliveredOrders: number })
          : null;
        const kpiOk =
          counts.kpi_created === e.orders &&
          counts.kpi_delivered === counts.delivered_facts &&
          snapshot?.createdOrders === e.orders &&
          snapshot.deliveredOrders === counts.delivered_facts;
        if (kpiOk) {
          return {
            groupDoneSeconds: groupDone,
            readModelsDoneSeconds: readModelsDone,
            kpiDoneSeconds: since(),
            counts: {
              orders: { expected: e.orders, found: counts.orders },
              shipments: { expected: e.shipments, found: counts.shipments },
              order_events: { expected: e.orderEvents, found: counts.order_events },
              shipment_checkpoints: { expected: e.shipmentEvents, found: counts.shipment_checkpoints },
              order_facts: { expected: e.orders, found: counts.order_facts },
              kpi_daily_created: { expected: e.orders, found: counts.kpi_created },
            },
          };
        }
      }
    }
    const dead = opts.dead?.();
    if (dead) throw new Error(`${dead} exited before the pipeline caught up (see the log in the run folder)`);
    if (nowMs() > deadline) {
      throw new Error(
        `not caught up within ${opts.timeoutMs / 1000} s: groups done ${JSON.stringify(done)}, counts ${JSON.stringify(counts)}`,
      );
    }
    if (since() - lastLog > 5) {
      lastLog = since();
      opts.log(`  ${since().toFixed(0)} s: applied ${WORKERS.map((w) => `${w} ${sums[w] ?? 0}`).join(', ')}`);
    }
    await sleep(opts.pollMs ?? 200);
  }
}

/** Sum of the stored positions of the worker groups (0 before the first commit). */
export async function appliedSoFar(dep: PipelineTarget): Promise<number> {
  const { sums } = await positions(dep, new Map());
  return Object.values(sums).reduce((a, b) => a + b, 0);
}
