/**
 * Scale data (issue 11 item 8) on the real stack: the two ways to a larger data set give the same
 * read models. Deployment A gets a slice of the Olist sample and one copy of it through Kafka and
 * the workers (`import:olist --copies 1`); deployment B gets the slice through Kafka and the copy
 * by the bulk SQL path (`data:scale`, several chunks). Every read-model row (orders, lines,
 * history, shipments, checkpoints, KPI facts) and the daily KPI counts must be equal, except what
 * the bulk path documents it does not reproduce (event ids, Kafka positions, write times). Then
 * B's kpi_daily must equal a recount of its facts, every KPI figure must open an orders list of
 * its size, the counts tables (orders per day/status, per site, facts per day/status) must equal
 * a recount in both and answer the list's totals and the site list, and a second bulk run must
 * change nothing.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  kpiFigureFilter,
  kpiSummarySchema,
  orderListQuerySchema,
  orderPageSchema,
  type KpiFigure,
} from '../../contracts';
import { querySites } from '../../runtime/kpi-query';
import { listOrders } from '../../server/api/queries';
import { createKafka, ensureTopics, EventPublisher } from '../../runtime/kafka';
import { importOlist } from '../../scripts/olist';
import { bulkCopy } from '../../scripts/scale/bulk';
import { countDrift } from '../support/counts';
import { repoRoot, startDeployment, waitForWorkersCaughtUp, type TestDeployment } from '../support/harness';

const olistDir = path.resolve(repoRoot, '..', 'shared', 'data', 'olist');
const SLICE = 200;

async function load(d: TestDeployment, copies: number): Promise<void> {
  const kafka = createKafka(d.config, 'sct-test-scale');
  const topics = await ensureTopics(kafka, d.config);
  const publisher = new EventPublisher(kafka, topics, d.config.kafkaBrokers);
  try {
    await importOlist({
      folder: olistDir,
      limit: SLICE,
      copies,
      publish: (events) => publisher.publish(events),
    });
  } finally {
    await publisher.close();
  }
  await waitForWorkersCaughtUp(d, 120_000);
}

/** Every row of the read models, minus what the bulk path does not reproduce, in a stable order. */
async function readModels(d: TestDeployment): Promise<Record<string, unknown[]>> {
  const q = async (sql: string) => (await d.core.pool.query(sql)).rows;
  return {
    orders: await q(`SELECT * FROM orders ORDER BY order_id`),
    lines: await q(`SELECT * FROM order_lines ORDER BY order_id, sku`),
    history: await q(`SELECT order_id, type, event_time, source, drill_id, data FROM order_events
                       ORDER BY order_id, event_time, type`),
    shipments: await q(`SELECT * FROM shipments ORDER BY shipment_id`),
    checkpoints: await q(`SELECT shipment_id, type, event_time, status, location, message, drill_id
                            FROM shipment_checkpoints ORDER BY shipment_id, event_time, type`),
    // The Kafka partition is where the source's events came from (a bulk copy keeps it, as for the
    // history); the write time is not reproduced.
    facts: await q(
      `SELECT to_jsonb(f) - 'kafka_partition' - 'updated_at' AS fact FROM order_facts f ORDER BY order_id`,
    ),
    kpiDaily: await q(
      `SELECT * FROM kpi_daily WHERE created + shipped + delivered > 0 ORDER BY day, is_drill`,
    ),
    // The counts the triggers keep (db/migrations/1732960003100_order-counts.sql); empty counters stay.
    orderCounts: await q(`SELECT * FROM order_counts WHERE n > 0 ORDER BY created_day, status, is_drill`),
    siteCounts: await q(
      `SELECT * FROM order_site_counts WHERE n > 0 ORDER BY warehouse_id, site_time_zone, is_drill`,
    ),
    factCounts: await q(`SELECT * FROM order_fact_counts WHERE n > 0 ORDER BY created_day, status, is_drill`),
  };
}

/** Tables of counts (no write times). */
const COUNTS = new Set(['kpiDaily', 'orderCounts', 'siteCounts', 'factCounts']);

const withoutWriteTimes = (rows: unknown[]) =>
  rows.map((r) => {
    const { updated_at: _u, ...rest } = r as Record<string, unknown>;
    return rest;
  });

describe('scale data: pipeline copies and bulk SQL copies', () => {
  let a: TestDeployment;
  let b: TestDeployment;

  beforeAll(async () => {
    [a, b] = await Promise.all([startDeployment(), startDeployment()]);
    await load(a, 1);
    await load(b, 0);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('the bulk copy equals the copy that went through Kafka and the workers', async () => {
    const summary = await bulkCopy(b.core.pool, { copies: 1, chunkOrders: 45 });
    expect(summary.sourceOrders).toBeGreaterThan(150);
    expect(summary.inserted.orders).toBe(summary.sourceOrders);
    expect(summary.ordersAfter).toBe(2 * summary.sourceOrders);
    const [ma, mb] = await Promise.all([readModels(a), readModels(b)]);
    for (const table of Object.keys(ma)) {
      expect(ma[table]!.length, table).toBeGreaterThan(0);
      const pipeline = COUNTS.has(table) ? ma[table]! : withoutWriteTimes(ma[table]!);
      const bulk = COUNTS.has(table) ? mb[table]! : withoutWriteTimes(mb[table]!);
      expect(bulk, table).toEqual(pipeline);
    }
    const copies = (ma.orders as { order_id: string }[]).filter((o) => o.order_id.endsWith('-c1'));
    expect(copies.length).toBe(summary.sourceOrders);
  });

  it('keeps kpi_daily equal to a recount of the facts, and each KPI figure equal to its drill-down', async () => {
    const { rows: diff } = await b.core.pool.query(
      `WITH days AS (
         SELECT created_day AS day, is_drill, 1 AS c, 0 AS s, 0 AS d, 0 AS ot FROM order_facts WHERE created_day IS NOT NULL
         UNION ALL SELECT shipped_day, is_drill, 0, 1, 0, 0 FROM order_facts WHERE shipped_day IS NOT NULL
         UNION ALL SELECT delivered_day, is_drill, 0, 0, 1, CASE WHEN on_time THEN 1 ELSE 0 END
                     FROM order_facts WHERE delivered_day IS NOT NULL),
       recount AS (SELECT day, is_drill, sum(c)::int AS c, sum(s)::int AS s, sum(d)::int AS d, sum(ot)::int AS ot
                     FROM days GROUP BY day, is_drill)
       SELECT * FROM recount r FULL JOIN kpi_daily k USING (day, is_drill)
        WHERE (r.c, r.s, r.d, r.ot, r.d - r.ot) IS DISTINCT FROM (k.created, k.shipped, k.delivered, k.on_time, k.late)
          AND coalesce(k.created + k.shipped + k.delivered, 1) > 0`,
    );
    expect(diff).toEqual([]);
    const scope = { from: '2000-01-01', to: '2030-12-31', includeDrills: false };
    const summary = kpiSummarySchema.parse(
      await (await b.api(`/api/kpi/summary?from=${scope.from}&to=${scope.to}`)).json(),
    );
    expect(summary.createdOrders).toBeGreaterThan(300);
    const figures: [KpiFigure, number][] = [
      ['created', summary.createdOrders],
      ['delivered', summary.deliveredOrders],
      ['late', summary.lateOrders],
      ['onTime', summary.onTimeOrders],
      ['otif', summary.otifOrders],
      ['backlog', summary.backlog],
    ];
    for (const [figure, value] of figures) {
      const filter = kpiFigureFilter(figure, scope);
      const query = new URLSearchParams(
        Object.entries(filter).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
      );
      const page = orderPageSchema.parse(await (await b.api(`/api/orders?pageSize=1&${query}`)).json());
      expect(page.total, String(figure)).toBe(value);
    }
    expect(summary.lateOrders).toBeGreaterThan(0);
  });

  it('keeps the counts tables equal to a recount, and answers totals and sites from them', async () => {
    expect(await countDrift(a.core.pool)).toEqual([]);
    expect(await countDrift(b.core.pool)).toEqual([]);
    const pool = b.core.pool;
    const count = async (where: string, params: unknown[] = []) =>
      (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE ${where}`, params))
        .rows[0]!.n;
    const list = (query: string) =>
      orderListQuerySchema.parse(Object.fromEntries(new URLSearchParams(`pageSize=1&${query}`)));
    const { rows: span } = await pool.query<{ mid: string }>(
      `SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY created_day)::text AS mid FROM orders`,
    );
    const mid = span[0]!.mid;
    // Filters the counts table answers: exact, never capped (even with a cap of 1).
    for (const [query, where, params] of [
      ['', 'true', []],
      ['includeDrills=false', 'NOT is_drill', []],
      ['status=delivered,shipped', `status IN ('delivered', 'shipped')`, []],
      [`from=${mid}`, 'created_day >= $1', [mid]],
      [`to=${mid}&status=delivered`, `created_day <= $1 AND status = 'delivered'`, [mid]],
    ] as [string, string, unknown[]][]) {
      const page = await listOrders(pool, list(query), new Date(), 1);
      expect(page.total, query).toBe(await count(where, params));
      expect(page.totalCapped, query).toBe(false);
    }
    // Late deliveries (a KPI drill-down) from kpi_delivered_counts: exact, never capped.
    const lateWhere = `order_id IN (SELECT order_id FROM order_facts WHERE delivered_day IS NOT NULL AND on_time IS NOT TRUE)`;
    const late = await count(lateWhere);
    expect(late).toBeGreaterThan(3);
    const fromCounts = await listOrders(pool, list('punctuality=late'), new Date(), 1);
    expect([fromCounts.total, fromCounts.totalCapped]).toEqual([late, false]);
    // Other filters count up to the cap, then say so.
    const lateDelivered = await count(`${lateWhere} AND status = 'delivered'`);
    expect(lateDelivered).toBeGreaterThan(3);
    const exact = await listOrders(
      pool,
      list('punctuality=late&status=delivered'),
      new Date(),
      lateDelivered,
    );
    expect([exact.total, exact.totalCapped]).toEqual([lateDelivered, false]);
    const capped = await listOrders(pool, list('punctuality=late&status=delivered'), new Date(), 3);
    expect([capped.total, capped.totalCapped, capped.items.length]).toEqual([3, true, 1]);
    // The site list from order_site_counts equals mode() over the orders.
    const { rows: sites } = await pool.query(
      `SELECT warehouse_id AS "warehouseId", mode() WITHIN GROUP (ORDER BY site_time_zone) AS "timeZone"
         FROM orders WHERE warehouse_id IS NOT NULL AND NOT is_drill GROUP BY warehouse_id ORDER BY warehouse_id`,
    );
    expect(sites.length).toBeGreaterThan(10);
    expect(await querySites(pool, false)).toEqual(sites);
  });

  it('pages by cursor through exactly the rows OFFSET paging gives, for every sort (nulls included)', async () => {
    const ids = async (query: string) => {
      const res = await b.api(`/api/orders?${query}`);
      expect(res.status, query).toBe(200);
      return orderPageSchema.parse(await res.json());
    };
    for (const sort of ['createdAt', 'deliveredAt', 'customerId', 'orderId', 'eventCount'])
      for (const order of ['asc', 'desc']) {
        const base = `sort=${sort}&order=${order}&pageSize=97`;
        const byOffset: string[] = [];
        const first = await ids(base);
        for (let page = 1; page <= Math.ceil(first.total / 97); page++)
          byOffset.push(...(await ids(`${base}&page=${page}`)).items.map((o) => o.orderId));
        const byCursor: string[] = [];
        let next: string | null | undefined = null;
        let pages = 0;
        do {
          const p = await ids(next ? `${base}&after=${encodeURIComponent(next)}` : base);
          expect(p.total).toBe(first.total);
          byCursor.push(...p.items.map((o) => o.orderId));
          next = p.nextCursor;
          pages += 1;
        } while (next && pages < 100);
        expect(byCursor, `${sort} ${order}`).toEqual(byOffset);
        expect(byCursor.length).toBe(first.total);
      }
    // Delivered time is null for open orders: both null-group transitions were crossed.
    expect(
      (await ids('punctuality=at_risk&pageSize=1')).total + (await ids('status=cancelled&pageSize=1')).total,
    ).toBeGreaterThan(0);
    const bad = await b.api(`/api/orders?sort=createdAt&after=${encodeURIComponent('["yesterday","x"]')}`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('after');
  });

  it('a second bulk run changes nothing', async () => {
    const before = await readModels(b);
    const again = await bulkCopy(b.core.pool, { copies: 1, chunkOrders: 1000 });
    expect(again.inserted).toEqual({
      orders: 0,
      orderLines: 0,
      orderEvents: 0,
      shipments: 0,
      checkpoints: 0,
      facts: 0,
    });
    expect(await readModels(b)).toEqual(before);
  });
});
