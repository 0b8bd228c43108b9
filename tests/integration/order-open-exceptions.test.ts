/**
 * Orders with an open exception (db/migrations/1732960003950_order-open-exceptions.sql):
 * `orders.open_exceptions` is kept from the shipments' writes and the orders' inserts, and
 * `order_exception_counts` from the orders, so the orders list filtered to open exceptions reads
 * its page through a partial index and its total, like one site's open-exception KPI, from the
 * counts. On PostgreSQL alone:
 * - written the ways the writers write (batched upserts of orders and shipments in either order,
 *   shipments naming orders not in the table yet or never, status changes into and out of the
 *   exception statuses, a shipment moved to another order, orders moving site, deletes as a drill
 *   purge makes them), the column and the counts equal a recount after every step, and the list,
 *   its total and the KPI equal the same filter counted over the tables;
 * - the race of the two workers: an order inserted while a shipment of it reaches its exception in
 *   another transaction, both orders of commit; neither transaction sees the other's row, so
 *   without the bucket locks the count is lost.
 *
 * Isolation: its own database (`sct_test_<random>`), dropped afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderListQuerySchema } from '../../contracts';
import { createPool, type Pool, type PoolClient } from '../../runtime/db';
import { queryKpiFigures } from '../../runtime/kpi-query';
import { listOrders, totalSource } from '../../server/api/queries';
import { countDrift } from '../support/counts';
import { createMigratedDatabase } from '../support/harness';
import { seededRandom as rng } from '../../server/drills/generators';

let pool: Pool;
/** The two racing transactions' connections (`pool` stays free to watch them). */
let writers: Pool;
let drop: () => Promise<void>;

beforeAll(async () => {
  let databaseUrl: string;
  ({ pool, drop, databaseUrl } = await createMigratedDatabase());
  writers = createPool({ databaseUrl }, 2);
});

afterAll(async () => {
  await writers?.end();
  await drop?.();
});

const SITES = ['w1', 'w2', null] as const;
const SHIPMENT_STATUSES = ['created', 'in_transit', 'exception', 'failed_attempt', 'delivered'];

const upsertOrders = (db: Pool | PoolClient, rows: object[]) =>
  db.query(
    `INSERT INTO orders (order_id, status, warehouse_id, created_at, created_day, is_drill)
     SELECT order_id, status, warehouse_id, created_at, created_at::date, is_drill
       FROM json_populate_recordset(NULL::orders, $1::json)
     ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, warehouse_id = excluded.warehouse_id,
       created_at = excluded.created_at, created_day = excluded.created_day`,
    [JSON.stringify(rows)],
  );

const upsertShipments = (db: Pool | PoolClient, rows: object[]) =>
  db.query(
    `INSERT INTO shipments (shipment_id, order_id, status, is_drill)
     SELECT shipment_id, order_id, status, is_drill FROM json_populate_recordset(NULL::shipments, $1::json)
     ON CONFLICT (shipment_id) DO UPDATE SET order_id = excluded.order_id, status = excluded.status`,
    [JSON.stringify(rows)],
  );

/** The orders with an open exception as a filter over the tables themselves. */
async function recount(warehouse: string | null, includeDrills: boolean) {
  const { rows } = await pool.query<{ order_id: string; n: number }>(
    `SELECT o.order_id, count(*)::int AS n FROM orders o JOIN shipments s ON s.order_id = o.order_id
      WHERE s.status IN ('exception', 'failed_attempt') AND ($1::text IS NULL OR o.warehouse_id = $1)
        AND ($2::boolean OR NOT o.is_drill)
      GROUP BY o.order_id`,
    [warehouse, includeDrills],
  );
  return rows;
}

describe('orders with an open exception', () => {
  it('keeps the column and the counts equal to a recount through every kind of write; list, total and KPI agree', async () => {
    const r = rng(11);
    // 40 orders (o30..o39 only ever named by shipments), 60 shipments; drill orders are o2x.
    const order = (i: number) => ({
      order_id: `o${i}`,
      status: r() < 0.5 ? 'shipped' : 'approved',
      warehouse_id: SITES[Math.floor(r() * SITES.length)],
      created_at: new Date(Date.UTC(2024, 2, 1) + Math.floor(r() * 20 * 86_400_000)).toISOString(),
      is_drill: i >= 20 && i < 30,
    });
    const shipment = (i: number) => {
      // Half of them on 8 orders, so orders hold several open exceptions.
      const o = Math.floor(r() * (r() < 0.5 ? 8 : 40));
      return {
        shipment_id: `s${i}`,
        order_id: r() < 0.05 ? null : `o${o}`,
        status: SHIPMENT_STATUSES[Math.floor(r() * SHIPMENT_STATUSES.length)],
        is_drill: o >= 20 && o < 30,
      };
    };
    const pick = (n: number, size: number) => [
      ...new Set(Array.from({ length: n }, () => Math.floor(r() * size))),
    ];
    for (let step = 0; step < 120; step++) {
      const op = r();
      if (op < 0.3) await upsertOrders(pool, pick(6, 30).map(order));
      else if (op < 0.8) await upsertShipments(pool, pick(8, 60).map(shipment));
      else if (op < 0.9)
        await pool.query('DELETE FROM shipments WHERE shipment_id = ANY($1::text[])', [
          pick(4, 60).map((i) => `s${i}`),
        ]);
      else
        await pool.query('DELETE FROM orders WHERE order_id = ANY($1::text[])', [
          pick(3, 30).map((i) => `o${i}`),
        ]);
      expect(await countDrift(pool), `after step ${step}`).toEqual([]);
    }
    // The writes above must have reached every case the list and KPI read.
    const all = await recount(null, true);
    expect(all.length).toBeGreaterThan(3);
    expect(all.some((o) => o.n > 1)).toBe(true);

    for (const warehouse of ['w1', 'w2', undefined]) {
      for (const includeDrills of [false, true]) {
        const q = orderListQuerySchema.parse({
          openException: 'true',
          warehouse,
          includeDrills: String(includeDrills),
          pageSize: '500',
        });
        expect(totalSource(q)).toBe('exception');
        const expected = await recount(warehouse ?? null, includeDrills);
        const page = await listOrders(pool, q);
        expect(page.total, `${warehouse} drills=${includeDrills}`).toBe(expected.length);
        expect(page.items.map((o) => o.orderId).sort()).toEqual(expected.map((o) => o.order_id).sort());
        if (warehouse) {
          const figures = await queryKpiFigures(pool, null, null, includeDrills, warehouse);
          expect(figures.openExceptions).toBe(expected.reduce((sum, o) => sum + o.n, 0));
        }
      }
    }
    // The complement: no open exception.
    const none = await listOrders(
      pool,
      orderListQuerySchema.parse({ openException: 'false', includeDrills: 'false', pageSize: '500' }),
    );
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders o WHERE NOT o.is_drill AND NOT EXISTS
         (SELECT 1 FROM shipments s WHERE s.order_id = o.order_id AND s.status IN ('exception', 'failed_attempt'))`,
    );
    expect(none.total).toBe(rows[0]!.n);
  });

  describe('an order inserted while a shipment of it reaches its exception in another transaction', () => {
    /** Resolves once a session of this database waits for an advisory lock (a bucket). */
    async function someoneWaitsForBucket(): Promise<void> {
      for (;;) {
        const { rows } = await pool.query(
          `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = 1396921393 AND NOT granted AND database =
             (SELECT oid FROM pg_database WHERE datname = current_database())`,
        );
        if (rows.length > 0) return;
        await new Promise((res) => setTimeout(res, 20));
      }
    }

    async function twoTransactions(run: (orders: PoolClient, shipments: PoolClient) => Promise<void>) {
      const [orders, shipments] = [await writers.connect(), await writers.connect()];
      try {
        await orders.query('BEGIN');
        await shipments.query('BEGIN');
        await run(orders, shipments);
      } finally {
        await orders.query('ROLLBACK').catch(() => undefined);
        await shipments.query('ROLLBACK').catch(() => undefined);
        orders.release();
        shipments.release();
      }
    }

    const openExceptions = async (id: string) =>
      (await pool.query<{ n: number }>('SELECT open_exceptions AS n FROM orders WHERE order_id = $1', [id]))
        .rows[0]?.n;

    it('order first: the shipment waits for the insert to commit, then counts', async () => {
      await twoTransactions(async (orders, shipments) => {
        await upsertOrders(orders, [
          { order_id: 'race-a', status: 'shipped', warehouse_id: 'w1', is_drill: false },
        ]);
        const exception = upsertShipments(shipments, [
          { shipment_id: 'race-a-s', order_id: 'race-a', status: 'exception', is_drill: false },
        ]);
        // (Without the bucket locks nothing waits: the change is done, and the count is lost.)
        await Promise.race([someoneWaitsForBucket(), exception]);
        await orders.query('COMMIT');
        await exception;
        await shipments.query('COMMIT');
      });
      expect(await openExceptions('race-a')).toBe(1);
      expect(await countDrift(pool)).toEqual([]);
    });

    it('shipment first: the insert waits for the shipment to commit, then counts it', async () => {
      await twoTransactions(async (orders, shipments) => {
        await upsertShipments(shipments, [
          { shipment_id: 'race-b-s', order_id: 'race-b', status: 'failed_attempt', is_drill: false },
        ]);
        const insert = upsertOrders(orders, [
          { order_id: 'race-b', status: 'shipped', warehouse_id: 'w1', is_drill: false },
        ]);
        await Promise.race([someoneWaitsForBucket(), insert]);
        await shipments.query('COMMIT');
        await insert;
        await orders.query('COMMIT');
      });
      expect(await openExceptions('race-b')).toBe(1);
      expect(await countDrift(pool)).toEqual([]);
    });
  });
});
