/**
 * Olist import -> Kafka -> the three built workers -> PostgreSQL read models -> KPI query, on the
 * real local stack, checked against KPIs computed independently from the CSV files here.
 *
 * Isolation: its own database (`sct_test_<random>`) and topic/group/Redis prefix (`t<random>`);
 * everything is removed afterwards. The Olist data is read from ../shared/data/olist (never
 * copied into the repo). The expected values use their own small code: Intl (not luxon) for the
 * São Paulo zone, and linear interpolation like PostgreSQL's percentile_cont.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import Redis from 'ioredis';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ORDER_STATUSES,
  type KpiSummary,
  type OrderStatus,
  type TopicNames,
  WORKER_NAMES,
  consumerGroup,
} from '../../contracts';
import { configToEnv, loadConfig, type AppConfig } from '../../runtime/config';
import { createPool, dropDatabase, findRepoRoot, migrate, migrationsDir, type Pool } from '../../runtime/db';
import { createKafka, ensureTopics, EventPublisher } from '../../runtime/kafka';
import { queryKpiSummary } from '../../runtime/kpi-query';
import { createLogger } from '../../runtime/logger';
import { createRedis } from '../../runtime/redis';
import { checkDrift } from '../../scripts/replay/drift';
import { dropReplaySchema, replayIntoFreshSchema } from '../../scripts/replay/replay';
import { importOlist, type ImportSummary } from '../../scripts/olist';

const SLICE = 500;
const SITE_TZ = 'America/Sao_Paulo';
const WORKERS = WORKER_NAMES;
/** Topics each worker's consumer group reads (see workers/<name>/projection.ts). */
const GROUP_TOPICS: Record<(typeof WORKERS)[number], keyof TopicNames> = {
  'order-processor': 'orders',
  'shipment-tracker': 'shipments',
  'analytics-aggregator': 'orders',
};

const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
const olistDir = path.resolve(repoRoot, '..', 'shared', 'data', 'olist');

interface RunningWorker {
  name: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

let config: AppConfig;
let topics: TopicNames;
let pool: Pool;
let admin: Admin;
let publisher: EventPublisher;
let workers: RunningWorker[] = [];
let imported: ImportSummary;

function startWorker(name: string): RunningWorker {
  const child = spawn(process.execPath, [path.join(repoRoot, 'out', 'workers', `${name}.mjs`)], {
    cwd: repoRoot,
    env: configToEnv({ ...config, logLevel: 'warn' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, output, exited };
}

async function stopWorker(w: RunningWorker): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  w.child.kill('SIGTERM');
  const done = await Promise.race([
    w.exited.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 10_000)),
  ]);
  if (!done) {
    w.child.kill('SIGKILL');
    await w.exited;
  }
}

function workerDiagnostics(): string {
  return workers
    .map((w) => `--- ${w.name} (exit ${w.child.exitCode ?? 'running'}):\n${w.output.join('').slice(-2_000)}`)
    .join('\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until every worker group's stored position (committed with its read models) reached the
 * topic's high-water mark on every partition. Bounded; fails with the positions and worker logs.
 */
async function waitForCatchUp(timeoutMs: number): Promise<void> {
  const high = new Map<string, Map<number, number>>();
  for (const key of ['orders', 'shipments'] as const) {
    const offsets = await admin.fetchTopicOffsets(topics[key]);
    high.set(topics[key], new Map(offsets.map((o) => [o.partition, Number(o.high)])));
  }
  const deadline = Date.now() + timeoutMs;
  let behind: string[] = [];
  for (;;) {
    const { rows } = await pool.query<{
      consumer_group: string;
      topic: string;
      kafka_partition: number;
      next_offset: number;
    }>('SELECT consumer_group, topic, kafka_partition, next_offset FROM consumer_offsets');
    const stored = new Map(
      rows.map((r) => [`${r.consumer_group}|${r.topic}|${r.kafka_partition}`, Number(r.next_offset)]),
    );
    behind = [];
    for (const name of WORKERS) {
      const group = consumerGroup(config.topicPrefix, name);
      const topic = topics[GROUP_TOPICS[name]];
      for (const [partition, hw] of high.get(topic)!) {
        const at = stored.get(`${group}|${topic}|${partition}`) ?? 0;
        if (at < hw) behind.push(`${name} ${topic}/${partition}: ${at} < ${hw}`);
      }
    }
    if (behind.length === 0) return;
    const dead = workers.find((w) => w.child.exitCode !== null);
    if (dead)
      throw new Error(`worker ${dead.name} exited with code ${dead.child.exitCode}\n${workerDiagnostics()}`);
    if (Date.now() > deadline)
      throw new Error(
        `read models did not catch up within ${timeoutMs} ms: ${behind.join('; ')}\n${workerDiagnostics()}`,
      );
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------------------------
// Independent expectations from the CSV files.

type CsvRow = Record<string, string>;

function readCsv(file: string): CsvRow[] {
  return parse<CsvRow>(readFileSync(path.join(olistDir, file)), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
  });
}

const dtf = new Intl.DateTimeFormat('en-US', {
  timeZone: SITE_TZ,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Wall-clock fields of an instant in the site zone. */
function wallOf(ms: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const p = Object.fromEntries(dtf.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return {
    y: Number(p.year),
    mo: Number(p.month),
    d: Number(p.day),
    h: Number(p.hour),
    mi: Number(p.minute),
    s: Number(p.second),
  };
}

/** Zone offset (ms) at an instant: the wall clock read as UTC minus the instant. */
function offsetAt(ms: number): number {
  const w = wallOf(ms);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - ms;
}

/** A São Paulo local `YYYY-MM-DD HH:mm:ss` as epoch ms (a repeated wall time: the earlier instant). */
function saoPauloToMs(local: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(local);
  if (!m) throw new Error(`unexpected timestamp ${local}`);
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  const candidates = [
    ...new Set([offsetAt(wall - 12 * 3600_000), offsetAt(wall), offsetAt(wall + 12 * 3600_000)]),
  ]
    .map((off) => wall - off)
    .filter((t) => offsetAt(t) === wall - t);
  if (candidates.length === 0) throw new Error(`${local} does not exist in ${SITE_TZ}`);
  return Math.min(...candidates);
}

/** The São Paulo calendar day of an instant. */
function saoPauloDay(ms: number): string {
  const w = wallOf(ms);
  return `${w.y}-${String(w.mo).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}

/** Linear interpolation between closest ranks, as PostgreSQL's percentile_cont. */
function percentileCont(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function expectedFromCsv() {
  const orders = readCsv('olist_orders_dataset.csv').slice(0, SLICE);
  const withItems = new Set(readCsv('olist_order_items_dataset.csv').map((r) => r.order_id));
  const importable = orders.filter((o) => withItems.has(o.order_id));
  const delivered = importable.filter((o) => o.order_delivered_customer_date !== '');
  let onTime = 0;
  const cycles: number[] = [];
  for (const o of delivered) {
    const deliveredMs = saoPauloToMs(o.order_delivered_customer_date!);
    const promised = o.order_estimated_delivery_date!.slice(0, 10);
    if (saoPauloDay(deliveredMs) <= promised) onTime += 1;
    cycles.push(deliveredMs - saoPauloToMs(o.order_purchase_timestamp!));
  }
  cycles.sort((a, b) => a - b);
  // In full: the import delivers every ordered line in its ordered quantity, so OTIF = on time.
  const otif = onTime;
  const byStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>;
  for (const o of importable) {
    const status: OrderStatus =
      o.order_delivered_customer_date !== ''
        ? 'delivered'
        : ['canceled', 'unavailable'].includes(o.order_status!)
          ? 'cancelled'
          : o.order_delivered_carrier_date !== ''
            ? 'shipped'
            : o.order_approved_at !== ''
              ? 'approved'
              : 'created';
    byStatus[status] += 1;
  }
  return {
    ordersRead: orders.length,
    created: importable.length,
    delivered: delivered.length,
    onTime,
    late: delivered.length - onTime,
    otd: delivered.length > 0 ? onTime / delivered.length : null,
    otif,
    otifRate: delivered.length > 0 ? otif / delivered.length : null,
    median: percentileCont(cycles, 0.5),
    p90: percentileCont(cycles, 0.9),
    byStatus,
  };
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  if (!existsSync(path.join(olistDir, 'olist_orders_dataset.csv'))) {
    throw new Error(`Olist data not found at ${olistDir} (expected ../shared/data/olist next to the repo)`);
  }
  const missing = WORKERS.map((w) => path.join(repoRoot, 'out', 'workers', `${w}.mjs`)).filter(
    (f) => !existsSync(f),
  );
  if (missing.length > 0)
    throw new Error(`built workers missing (${missing.join(', ')}): run \`npm run build:node\` first`);

  const id = randomBytes(4).toString('hex');
  const base = loadConfig();
  const dbUrl = new URL(base.databaseUrl);
  dbUrl.pathname = `/sct_test_${id}`;
  config = { ...base, databaseUrl: dbUrl.toString(), topicPrefix: `t${id}`, logLevel: 'warn' };

  await migrate(config, migrationsDir(repoRoot));
  pool = createPool(config, 2);
  const kafka = createKafka(config, 'sct-test-olist');
  topics = await ensureTopics(kafka, config);
  admin = kafka.admin();
  await admin.connect();
  publisher = new EventPublisher(kafka, topics, config.kafkaBrokers);
  workers = WORKERS.map(startWorker);
});

afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  await publisher?.close();
  await pool?.end().catch(() => undefined);
  if (config) {
    await dropDatabase(config.databaseUrl).catch(() => undefined);
    if (admin) {
      const existing = new Set(await admin.listTopics());
      const mine = Object.values(topics ?? {}).filter((t) => existing.has(t));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 10_000 }).catch(() => undefined);
      await admin
        .deleteGroups(WORKERS.map((n) => consumerGroup(config.topicPrefix, n)))
        .catch(() => undefined);
      await admin.disconnect();
    }
    // A plain client with an offline queue: the project's client fails fast before it is connected.
    const redis = new Redis(config.redisUrl, {
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    try {
      const keys: string[] = [];
      for await (const batch of redis.scanStream({ match: `${config.topicPrefix}:*`, count: 500 }))
        keys.push(...(batch as string[]));
      if (keys.length > 0) await redis.del(...keys);
    } catch {
      // Redis is a cache: nothing to clean when it is down.
    } finally {
      redis.disconnect();
    }
  }
});

describe('Olist import -> workers -> KPI summary', () => {
  it(`imports the first ${SLICE} Olist orders and the KPIs equal an independent computation from the CSV`, async () => {
    imported = await importOlist({
      folder: olistDir,
      siteTimeZone: SITE_TZ,
      limit: SLICE,
      publish: (events) => publisher.publish(events),
    });
    const expected = expectedFromCsv();
    expect(imported.ordersRead).toBe(expected.ordersRead);
    expect(imported.ordersImported).toBe(expected.created);
    expect(imported.ordersSkipped).toBe(expected.ordersRead - expected.created);

    await waitForCatchUp(120_000);
    const { rows: dead } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters');
    expect(dead[0]!.n).toBe(0);

    const kpi: KpiSummary = await queryKpiSummary(pool, { includeDrills: false });
    expect(kpi.createdOrders).toBe(expected.created);
    expect(kpi.ordersByStatus).toEqual(expected.byStatus);
    expect(kpi.deliveredOrders).toBe(expected.delivered);
    expect(kpi.onTimeOrders).toBe(expected.onTime);
    expect(kpi.lateOrders).toBe(expected.late);
    expect(kpi.otd).toBe(expected.otd);
    expect(kpi.otifOrders).toBe(expected.otif);
    expect(kpi.otif).toBe(expected.otifRate);
    expect(expected.median).not.toBeNull();
    expect(Math.abs(kpi.cycleTimeMedianMs! - expected.median!)).toBeLessThanOrEqual(1);
    expect(Math.abs(kpi.cycleTimeP90Ms! - expected.p90!)).toBeLessThanOrEqual(1);
    // The slice is not trivial: some orders are late, some on time.
    expect(expected.late).toBeGreaterThan(0);
    expect(expected.onTime).toBeGreaterThan(0);
  });

  it('re-importing the same slice has no double effect (deterministic event ids)', async () => {
    const before = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM order_events');
    const summaryBefore = await queryKpiSummary(pool, { includeDrills: false });
    await importOlist({
      folder: olistDir,
      siteTimeZone: SITE_TZ,
      limit: SLICE,
      publish: (events) => publisher.publish(events),
    });
    await waitForCatchUp(120_000);
    const after = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM order_events');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    const { computedAt: _a, ...was } = summaryBefore;
    const { computedAt: _b, ...now } = await queryKpiSummary(pool, { includeDrills: false });
    expect(now).toEqual(was);
  });

  it('the incrementally kept kpi_daily equals a recomputation from the facts', async () => {
    const { rows } = await pool.query<{ n: number }>(
      `WITH days AS (
         SELECT created_day AS day, is_drill, 1 AS created, 0 AS shipped, 0 AS delivered, 0 AS on_time, 0 AS late
           FROM order_facts WHERE created_day IS NOT NULL
         UNION ALL SELECT shipped_day, is_drill, 0, 1, 0, 0, 0 FROM order_facts WHERE shipped_day IS NOT NULL
         UNION ALL SELECT delivered_day, is_drill, 0, 0, 1, CASE WHEN on_time THEN 1 ELSE 0 END,
                          CASE WHEN on_time THEN 0 ELSE 1 END FROM order_facts WHERE delivered_day IS NOT NULL),
       expected AS (SELECT day, is_drill, sum(created)::int AS created, sum(shipped)::int AS shipped,
                           sum(delivered)::int AS delivered, sum(on_time)::int AS on_time, sum(late)::int AS late
                      FROM days GROUP BY day, is_drill),
       stored AS (SELECT day, is_drill, created, shipped, delivered, on_time, late FROM kpi_daily)
       SELECT count(*)::int AS n FROM ((SELECT * FROM expected EXCEPT ALL SELECT * FROM stored)
                                       UNION ALL (SELECT * FROM stored EXCEPT ALL SELECT * FROM expected)) d`,
    );
    expect(rows[0]!.n).toBe(0);
    const days = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM kpi_daily');
    expect(days.rows[0]!.n).toBeGreaterThan(100);
  });

  it('a replay of the topics into a fresh schema has no drift from the live read models', async () => {
    const started = new Date();
    const replay = await replayIntoFreshSchema(
      config,
      migrationsDir(repoRoot),
      createLogger('replay', 'warn'),
    );
    const redis = createRedis(config);
    try {
      const report = await checkDrift(config, redis, replay, started);
      expect(report.tables.filter((t) => t.differingKeys > 0)).toEqual([]);
      expect(report.tables.map((t) => t.table)).toContain('kpi_daily');
      expect(report.kpiDifferences).toEqual([]);
      expect(report.ok).toBe(true);
    } finally {
      redis.disconnect();
      await dropReplaySchema(pool, replay.schema);
    }
  });
});
