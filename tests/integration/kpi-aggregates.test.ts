/**
 * The KPI summary's trigger-kept aggregates (db/migrations/1732960003400_kpi-delivered-aggregates.sql)
 * against an independent recount, on PostgreSQL alone: facts written the ways the writers write
 * them (batched inserts, upserts that change the delivered day, cycle time, status and site, a
 * drill purge's delete), then every figure of `queryKpiFigures` (all sites and one site, several
 * ranges, with and without drill traffic) must equal the same figure counted over the facts
 * directly, the cycle-time median and p90 by PostgreSQL's own percentile_cont to the millisecond,
 * and the aggregate tables must equal a recount (tests/support/counts.ts); the orders-list
 * totals read from these counts (the KPI drill-downs of the delivered figures, one warehouse)
 * must equal a count over the orders and their facts. Also the late
 * shipments, read through the index of the shipments that can be late in any zone: the same
 * shipments as the verdict judged on every row, at the edges of the zones' days.
 *
 * Isolation: its own database (`sct_test_<random>`), dropped afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from '../../runtime/db';
import { orderListQuerySchema, shipmentListQuerySchema } from '../../contracts';
import { DIRECT_PERCENTILES_MAX, queryKpiFigures } from '../../runtime/kpi-query';
import { listOrders, totalSource } from '../../server/api/queries';
import { listShipments } from '../../server/api/shipment-queries';
import { countDrift } from '../support/counts';
import { createMigratedDatabase } from '../support/harness';
import { seededRandom as rng } from '../../server/drills/generators';

let pool: Pool;

const SITES = ['w1', 'w2', 'w3', null] as const;
const HOUR = 3_600_000;

interface Fact {
  order_id: string;
  status: string;
  warehouse_id: string | null;
  created_day: string;
  delivered_day: string | null;
  on_time: boolean | null;
  in_full: boolean | null;
  cycle_time_ms: number | null;
  is_drill: boolean;
  drill_id: string | null;
}

function day(offset: number): string {
  return new Date(Date.UTC(2024, 0, 1 + offset)).toISOString().slice(0, 10);
}

function randomFact(r: () => number, id: string, drill: string | null): Fact {
  const delivered = r() < 0.7;
  const createdOffset = Math.floor(r() * 40);
  // Cycle times over the whole bucket scale: negative (inconsistent source times), under an hour,
  // hours to months; few distinct values in part, so ties cross the ranks.
  const pick = r();
  const cycle =
    pick < 0.05
      ? -Math.floor(r() * HOUR)
      : pick < 0.1
        ? Math.floor(r() * HOUR)
        : pick < 0.3
          ? HOUR * (1 + Math.floor(r() * 5))
          : Math.floor(HOUR * Math.exp(r() * 8));
  return {
    order_id: id,
    status: delivered ? 'delivered' : r() < 0.5 ? 'shipped' : 'created',
    warehouse_id: SITES[Math.floor(r() * SITES.length)]!,
    created_day: day(createdOffset),
    delivered_day: delivered ? day(createdOffset + Math.floor(r() * 10)) : null,
    on_time: delivered ? r() < 0.8 : null,
    in_full: delivered ? r() < 0.9 : null,
    cycle_time_ms: delivered && r() < 0.95 ? cycle : null,
    is_drill: drill !== null,
    drill_id: drill,
  };
}

const COLUMNS = [
  'order_id',
  'status',
  'warehouse_id',
  'created_day',
  'delivered_day',
  'on_time',
  'in_full',
  'cycle_time_ms',
  'is_drill',
  'drill_id',
] as const;

/** One multi-row upsert, as the aggregator writes a batch (`ON CONFLICT DO UPDATE`). */
async function upsert(facts: Fact[]): Promise<void> {
  const values = facts.map(
    (_, i) => `(${COLUMNS.map((_, j) => `$${i * COLUMNS.length + j + 1}`).join(', ')})`,
  );
  await pool.query(
    `INSERT INTO order_facts (${COLUMNS.join(', ')}) VALUES ${values.join(', ')}
     ON CONFLICT (order_id) DO UPDATE SET ${COLUMNS.slice(1)
       .map((c) => `${c} = excluded.${c}`)
       .join(', ')}`,
    facts.flatMap((f) => COLUMNS.map((c) => f[c])),
  );
  // Their orders, as the order-processor keeps them (site and drill traffic from the same event).
  await pool.query(
    `INSERT INTO orders (order_id, status, warehouse_id, created_day, is_drill, drill_id)
     SELECT * FROM jsonb_to_recordset($1::jsonb)
       AS v(order_id text, status text, warehouse_id text, created_day date, is_drill boolean, drill_id text)
     ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, warehouse_id = excluded.warehouse_id,
       created_day = excluded.created_day`,
    [JSON.stringify(facts)],
  );
}

/** Every orders-list total a counts table answers, against a count over the orders and facts. */
async function expectListTotals(
  from: string | null,
  to: string | null,
  drills: boolean,
  site: string | null,
) {
  const filters: [Record<string, string>, string][] = [
    [{ punctuality: 'late' }, 'f.delivered_day IS NOT NULL AND f.on_time IS NOT TRUE'],
    [{ punctuality: 'on_time' }, 'f.delivered_day IS NOT NULL AND f.on_time IS TRUE'],
    [{ punctuality: 'on_time', inFull: 'true' }, 'f.delivered_day IS NOT NULL AND f.on_time AND f.in_full'],
    [{ deliveredFrom: '0001-01-01' }, 'f.delivered_day IS NOT NULL'],
  ];
  for (const [filter, sql] of filters) {
    const query = {
      ...filter,
      ...(from ? { deliveredFrom: from } : {}),
      ...(to ? { deliveredTo: to } : {}),
      ...(site ? { warehouse: site } : {}),
      includeDrills: String(drills),
    };
    const q = orderListQuerySchema.parse(query);
    expect(totalSource(q)).toBe('delivered');
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders o JOIN order_facts f ON f.order_id = o.order_id
        WHERE ${sql} AND ($1::date IS NULL OR f.delivered_day >= $1::date) AND ($2::date IS NULL OR f.delivered_day <= $2::date)
          AND ($3::boolean OR NOT o.is_drill) AND ($4::text IS NULL OR o.warehouse_id = $4::text)`,
      [from, to, drills, site],
    );
    expect({ query, total: (await listOrders(pool, q)).total }).toEqual({ query, total: rows[0]!.n });
  }
  if (site) {
    const q = orderListQuerySchema.parse({ warehouse: site, includeDrills: String(drills) });
    expect(totalSource(q)).toBe('site');
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE warehouse_id = $1 AND ($2::boolean OR NOT is_drill)`,
      [site, drills],
    );
    expect({ site, total: (await listOrders(pool, q)).total }).toEqual({ site, total: rows[0]!.n });
  }
}

/** The figures counted over the facts directly (no aggregate table, no bucket). */
async function recount(from: string | null, to: string | null, drills: boolean, site: string | null) {
  const { rows } = await pool.query<{
    delivered: number;
    on_time: number;
    otif: number;
    median: number | null;
    p90: number | null;
    by_status: Record<string, number> | null;
  }>(
    `SELECT count(*)::int AS delivered, count(*) FILTER (WHERE on_time)::int AS on_time,
            count(*) FILTER (WHERE on_time AND in_full)::int AS otif,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle_time_ms) AS median,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY cycle_time_ms) AS p90,
            (SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM order_facts
               WHERE ($1::date IS NULL OR created_day >= $1::date) AND ($2::date IS NULL OR created_day <= $2::date)
                 AND ($3::boolean OR NOT is_drill) AND ($4::text IS NULL OR warehouse_id = $4::text)
               GROUP BY status) s) AS by_status
       FROM order_facts
      WHERE delivered_day IS NOT NULL AND ($1::date IS NULL OR delivered_day >= $1::date)
        AND ($2::date IS NULL OR delivered_day <= $2::date) AND ($3::boolean OR NOT is_drill)
        AND ($4::text IS NULL OR warehouse_id = $4::text)`,
    [from, to, drills, site],
  );
  return rows[0]!;
}

async function expectExact(): Promise<void> {
  expect(await countDrift(pool)).toEqual([]);
  const ranges: [string | null, string | null][] = [
    [null, null],
    [day(3), day(3)],
    [day(5), day(20)],
    [day(60), day(70)],
    // Whole months (the month buckets), edge months with data outside the range (daily buckets),
    // and a range past the data's edges on both sides (whole months again).
    [day(0), day(30)],
    [day(31), day(59)],
    [day(0), day(45)],
    [day(-20), day(120)],
    [null, day(30)],
    [day(31), null],
  ];
  for (const [from, to] of ranges) {
    for (const drills of [false, true]) {
      for (const site of ['w1', 'w3', 'nowhere', null]) {
        const want = await recount(from, to, drills, site);
        // Every way to the percentiles: the daily cycle-time buckets (0), the range's facts
        // directly, and the month buckets (taken when the range covers whole months of data).
        for (const [directMax, months] of [
          [0, false],
          [DIRECT_PERCENTILES_MAX, false],
          [DIRECT_PERCENTILES_MAX, true],
        ] as const) {
          const got = await queryKpiFigures(pool, from, to, drills, site, directMax, months);
          const scope = { from, to, drills, site, directMax, months };
          expect({
            scope,
            delivered: got.deliveredOrders,
            onTime: got.onTimeOrders,
            otif: got.otifOrders,
          }).toEqual({
            scope,
            delivered: want.delivered,
            onTime: want.on_time,
            otif: want.otif,
          });
          expect({ scope, median: got.cycleTimeMedianMs, p90: got.cycleTimeP90Ms }).toEqual({
            scope,
            median: want.median === null ? null : Math.round(want.median),
            p90: want.p90 === null ? null : Math.round(want.p90),
          });
          const byStatus = Object.fromEntries(Object.entries(got.ordersByStatus).filter(([, n]) => n > 0));
          expect({ scope, byStatus }).toEqual({ scope, byStatus: want.by_status ?? {} });
        }
        await expectListTotals(from, to, drills, site);
      }
    }
  }
}

let db: Awaited<ReturnType<typeof createMigratedDatabase>> | undefined;

beforeAll(async () => {
  db = await createMigratedDatabase();
  pool = db.pool;
});

afterAll(async () => {
  await db?.drop();
});

describe('KPI delivered counts and cycle-time buckets', () => {
  const r = rng(11);
  const live = Array.from({ length: 1500 }, (_, i) => randomFact(r, `o${i}`, null));
  const drill = Array.from({ length: 300 }, (_, i) => randomFact(r, `d${i}`, 'drill-1'));

  it('equal a recount after batched inserts', async () => {
    for (let i = 0; i < live.length; i += 250) await upsert(live.slice(i, i + 250));
    for (let i = 0; i < drill.length; i += 100) await upsert(drill.slice(i, i + 100));
    await expectExact();
  });

  it('equal a recount after upserts that move facts between days, buckets, statuses and sites', async () => {
    const changed = live
      .filter(() => r() < 0.3)
      .map((f) => ({ ...randomFact(r, f.order_id, null), warehouse_id: r() < 0.5 ? f.warehouse_id : 'w3' }));
    // Mixed with new facts in the same statement (the INSERT and UPDATE triggers both fire).
    const fresh = Array.from({ length: 100 }, (_, i) => randomFact(r, `n${i}`, null));
    await upsert([...changed, ...fresh]);
    // A plain UPDATE of one column (a delivered order's cycle time moves bucket only).
    await pool.query(`UPDATE order_facts SET cycle_time_ms = cycle_time_ms * 3 WHERE order_id LIKE 'o1%'`);
    await expectExact();
  });

  it('equal a recount after a drill purge deletes its facts', async () => {
    await pool.query(`DELETE FROM order_facts WHERE drill_id = 'drill-1' AND order_id < 'd2'`);
    await expectExact();
    await pool.query(`DELETE FROM order_facts WHERE drill_id = 'drill-1'`);
    await expectExact();
  });

  it('answers null percentiles and zero counts for a range without deliveries', async () => {
    const got = await queryKpiFigures(pool, '2000-01-01', '2000-01-31', true, null);
    expect([got.deliveredOrders, got.cycleTimeMedianMs, got.cycleTimeP90Ms, got.otd]).toEqual([
      0,
      null,
      null,
      null,
    ]);
  });
});

describe('late shipments through the late-candidates index', () => {
  it('are the shipments judged late on every row, in zones from UTC-12 to UTC+14', async () => {
    const r = rng(7);
    const zones = ['Pacific/Kiritimati', 'Etc/GMT+12', 'America/Sao_Paulo', 'Asia/Kolkata', 'UTC', null];
    const statuses = ['in_transit', 'delivered', 'returned', 'expired', 'exception'];
    const rows: unknown[][] = [];
    for (let i = 0; i < 600; i++) {
      const promised = day(Math.floor(r() * 5));
      // Deliveries within two days either side of the promised day's UTC midnight, by the half hour.
      const deliveredAt =
        r() < 0.7
          ? new Date(Date.parse(`${promised}T00:00:00Z`) + (Math.floor(r() * 192) - 96) * 1_800_000)
          : null;
      rows.push([
        `s${i}`,
        `so${i}`,
        zones[Math.floor(r() * zones.length)],
        r() < 0.9 ? promised : null,
        statuses[Math.floor(r() * statuses.length)],
        deliveredAt?.toISOString() ?? null,
      ]);
    }
    await pool.query(
      `WITH v AS (SELECT * FROM jsonb_to_recordset($1::jsonb)
                    AS v(id text, oid text, zone text, promised date, status text, delivered timestamptz)),
            o AS (INSERT INTO orders (order_id, status, site_time_zone)
                  SELECT oid, 'shipped', zone FROM v WHERE zone IS NOT NULL)
       INSERT INTO shipments (shipment_id, order_id, promised_date, status, delivered_at, last_event_time)
       SELECT id, oid, promised, status, delivered, delivered FROM v`,
      [
        JSON.stringify(
          rows.map(([id, oid, zone, promised, status, delivered]) => ({
            id,
            oid,
            zone,
            promised,
            status,
            delivered,
          })),
        ),
      ],
    );
    const now = new Date('2024-01-03T12:00:00Z');
    const page = await listShipments(
      pool,
      shipmentListQuerySchema.parse({ late: 'true', pageSize: '200' }),
      now,
      10_000,
    );
    const { rows: judged } = await pool.query<{ id: string }>(
      `SELECT s.shipment_id AS id FROM shipments s LEFT JOIN orders o ON o.order_id = s.order_id
        WHERE s.promised_date IS NOT NULL AND CASE
          WHEN s.delivered_at IS NOT NULL
            THEN (s.delivered_at AT TIME ZONE coalesce(o.site_time_zone, 'UTC'))::date > s.promised_date
          WHEN s.status IN ('delivered', 'returned', 'expired') THEN false
          ELSE ($1::timestamptz AT TIME ZONE coalesce(o.site_time_zone, 'UTC'))::date > s.promised_date END`,
      [now.toISOString()],
    );
    expect(page.total).toBe(judged.length);
    expect(page.total).toBeGreaterThan(50);
    // The count's parts (late in every zone, judged in the order's zone) stop at the cap together.
    for (const cap of [10, judged.length - 1, judged.length]) {
      const capped = await listShipments(pool, shipmentListQuerySchema.parse({ late: 'true' }), now, cap);
      expect([capped.total, capped.totalCapped]).toEqual([cap, cap < judged.length]);
    }
    expect(page.items.every((i) => i.late)).toBe(true);
    const all = await listShipments(
      pool,
      shipmentListQuerySchema.parse({ late: 'true', pageSize: '200', page: '1' }),
      now,
      10_000,
    );
    expect(new Set(all.items.map((i) => i.shipmentId)).size).toBe(Math.min(200, judged.length));
    const { rows: plan } = await pool.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT 1 FROM shipments s WHERE s.promised_date IS NOT NULL
         AND (s.delivered_at >= (s.promised_date::timestamp + interval '10 hours') AT TIME ZONE 'UTC'
              OR (s.delivered_at IS NULL AND s.status NOT IN ('delivered', 'returned', 'expired')))
       ORDER BY s.last_event_time DESC NULLS LAST, s.shipment_id DESC LIMIT 1`,
    );
    expect(plan.map((p) => p['QUERY PLAN']).join('\n')).toContain('shipments_late_candidates');
  });
});

describe('open orders per promised day and zone', () => {
  it('answer the at-risk and overdue totals exactly after inserts, deliveries, cancellations and deletes', async () => {
    const r = rng(5);
    const zones = ['Pacific/Kiritimati', 'Etc/GMT+12', 'America/Sao_Paulo', null];
    const write = async (ids: number[], change: () => Record<string, unknown>) =>
      pool.query(
        `INSERT INTO orders (order_id, status, site_time_zone, promised_date, delivered_at, is_drill)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(order_id text, status text, site_time_zone text,
           promised_date date, delivered_at timestamptz, is_drill boolean)
         ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, promised_date = excluded.promised_date,
           delivered_at = excluded.delivered_at, site_time_zone = excluded.site_time_zone`,
        [JSON.stringify(ids.map((i) => ({ order_id: `open${i}`, ...change() })))],
      );
    const fresh = () => ({
      status: r() < 0.1 ? 'cancelled' : 'shipped',
      site_time_zone: zones[Math.floor(r() * zones.length)],
      promised_date: r() < 0.9 ? day(Math.floor(r() * 6)) : null,
      delivered_at: null,
      is_drill: r() < 0.2,
    });
    const ids = Array.from({ length: 400 }, (_, i) => i);
    await write(ids, fresh);
    await write(
      ids.filter(() => r() < 0.3),
      () => ({ ...fresh(), status: 'delivered', delivered_at: '2024-01-02T00:00:00Z' }),
    );
    await write(
      ids.filter(() => r() < 0.2),
      fresh,
    );
    await pool.query(`DELETE FROM orders WHERE order_id LIKE 'open1%'`);
    expect(await countDrift(pool)).toEqual([]);
    const now = new Date('2024-01-03T11:30:00Z');
    for (const punctuality of ['at_risk', 'overdue'] as const) {
      for (const includeDrills of [false, true]) {
        const q = orderListQuerySchema.parse({ punctuality, includeDrills: String(includeDrills) });
        expect(totalSource(q)).toBe('open');
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM orders
            WHERE delivered_at IS NULL AND status <> 'cancelled' AND site_time_zone IS NOT NULL
              AND (CASE WHEN $2 THEN promised_date < ($1::timestamptz AT TIME ZONE site_time_zone)::date
                        ELSE promised_date <= ($1::timestamptz AT TIME ZONE site_time_zone)::date END)
              AND ($3::boolean OR NOT is_drill)`,
          [now.toISOString(), punctuality === 'overdue', includeDrills],
        );
        const scope = { punctuality, includeDrills };
        expect({ scope, total: (await listOrders(pool, q, now)).total }).toEqual({
          scope,
          total: rows[0]!.n,
        });
      }
    }
  });
});
