/**
 * A page of the orders list by position (`page` without `after`) in the default view sorted by
 * creation time is found through `order_created_counts` (orders per UTC day of created_at, created
 * site day, status and drill traffic: db/migrations/1732960003710_order-created-counts.sql), in
 * one warehouse's through `order_site_created_counts` (the same per site), rather than by OFFSET
 * over every earlier row; their totals come from the same counts. Every page of every such filter must hold exactly the
 * orders an OFFSET over the orders gives (both directions, orders without a creation time, ties on
 * the instant, status and created-day filters, drill traffic), after inserts, upserts that move
 * orders between days and statuses, and deletes (the drill purge's); the counts table must equal
 * a recount.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderListQuerySchema } from '../../contracts';
import type { Pool } from '../../runtime/db';
import { orderFilterSql } from '../../server/api/order-filter';
import { jumpsByCounts, listOrders } from '../../server/api/queries';
import { countDrift } from '../support/counts';
import { createMigratedDatabase } from '../support/harness';
import { seededRandom as rng } from '../../server/drills/generators';

let pool: Pool;

const STATUSES = ['created', 'approved', 'shipped', 'delivered', 'cancelled'];
/** Zones far apart, so the site day and the UTC day differ at both ends. */
const ZONES = ['Pacific/Kiritimati', 'America/Sao_Paulo', 'UTC', 'Pacific/Pago_Pago'];
/** Two sites and orders without one (order_site_created_counts leaves those out). */
const WAREHOUSES = ['w1', 'w2', null];

interface Row {
  order_id: string;
  status: string;
  created_at: string | null;
  site_time_zone: string;
  warehouse_id: string | null;
  is_drill: boolean;
  drill_id: string | null;
}

function randomOrder(r: () => number, id: string): Row {
  const drill = r() < 0.15;
  // 12 days, a quarter of the orders on a handful of shared instants (ties broken by id),
  // some without a creation time (OrderCreated not seen yet).
  const t =
    r() < 0.25
      ? Date.UTC(2024, 2, 1 + Math.floor(r() * 3), 23, 30)
      : Date.UTC(2024, 2, 1) + Math.floor(r() * 12 * 86_400_000);
  return {
    order_id: id,
    status: STATUSES[Math.floor(r() * STATUSES.length)]!,
    created_at: r() < 0.08 ? null : new Date(t).toISOString(),
    site_time_zone: ZONES[Math.floor(r() * ZONES.length)]!,
    warehouse_id: WAREHOUSES[Math.floor(r() * WAREHOUSES.length)]!,
    is_drill: drill,
    drill_id: drill ? 'drill-j' : null,
  };
}

/** One multi-row upsert as the order-processor writes a batch (created_day from the zone). */
async function upsert(rows: Row[]): Promise<void> {
  await pool.query(
    `INSERT INTO orders (order_id, status, created_at, created_day, site_time_zone, warehouse_id, is_drill, drill_id)
     SELECT order_id, status, created_at, (created_at AT TIME ZONE site_time_zone)::date, site_time_zone, warehouse_id,
            is_drill, drill_id
       FROM jsonb_to_recordset($1::jsonb)
         AS v(order_id text, status text, created_at timestamptz, site_time_zone text, warehouse_id text,
              is_drill boolean, drill_id text)
     ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, created_at = excluded.created_at,
       created_day = excluded.created_day, warehouse_id = excluded.warehouse_id`,
    [JSON.stringify(rows)],
  );
}

/** Every page (and one past the end) of each filter equals an OFFSET over the orders. */
async function expectPagesExact(): Promise<void> {
  expect(await countDrift(pool)).toEqual([]);
  const filters: Record<string, string>[] = [
    {},
    { order: 'asc' },
    { status: 'created,shipped' },
    { status: 'delivered', order: 'asc' },
    { from: '2024-03-03', to: '2024-03-08' },
    { from: '2024-03-05', order: 'asc' },
    { to: '2024-03-02' },
    { includeDrills: 'true' },
    { drillsOnly: 'true', includeDrills: 'true', order: 'asc' },
    { warehouse: 'w1' },
    { warehouse: 'w2', order: 'asc', includeDrills: 'true' },
    { warehouse: 'w1', status: 'created,shipped', from: '2024-03-03' },
  ];
  for (const filter of filters) {
    for (const pageSize of [7, 50]) {
      const first = orderListQuerySchema.parse({ ...filter, pageSize: String(pageSize) });
      expect(jumpsByCounts(first)).toBe(true);
      const { where, params, orderBy } = orderFilterSql(first, null);
      const { rows } = await pool.query<{ order_id: string }>(
        `SELECT o.order_id FROM orders o WHERE ${where} ORDER BY ${orderBy}`,
        params,
      );
      const all = rows.map((x) => x.order_id);
      const pages = Math.ceil(all.length / pageSize) + 1;
      for (let page = 2; page <= pages; page++) {
        const q = orderListQuerySchema.parse({ ...filter, pageSize: String(pageSize), page: String(page) });
        const got = await listOrders(pool, q);
        const scope = { filter, pageSize, page };
        expect({ scope, ids: got.items.map((o) => o.orderId), total: got.total }).toEqual({
          scope,
          ids: all.slice((page - 1) * pageSize, page * pageSize),
          total: all.length,
        });
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

describe('orders list pages by position through order_created_counts', () => {
  const r = rng(7);
  const orders = Array.from({ length: 400 }, (_, i) => randomOrder(r, `j${String(i).padStart(4, '0')}`));

  it('equal an OFFSET over the orders after batched inserts', async () => {
    for (let i = 0; i < orders.length; i += 100) await upsert(orders.slice(i, i + 100));
    await expectPagesExact();
  });

  it('equal an OFFSET after upserts that move orders between days and statuses, and deletes', async () => {
    const moved = orders.filter(() => r() < 0.3).map((o) => randomOrder(r, o.order_id));
    await upsert(moved);
    await pool.query(`DELETE FROM orders WHERE drill_id = 'drill-j' AND order_id < 'j0200'`);
    await expectPagesExact();
  });
});
