/**
 * Reliability finding 4 end to end: a delivery reported only as a checkpoint (status `delivered`),
 * with out-for-delivery and later transit scans arriving out of order and across batches, shows
 * its delivered time through the query API, stays delivered, and the KPI summary agrees with an
 * independent count. Also: the migration that recomputes existing rows gives what the folds give.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  KpiSummary,
  OrderDetail,
  OrderEvent,
  ShipmentDetail,
  ShipmentEvent,
  ShipmentStatus,
} from '../../contracts';
import { loadConfig } from '../../runtime/config';
import { createPool, dropDatabase, migrate, migrationsDir } from '../../runtime/db';
import { applyFactEvent, type FactRow } from '../../workers/analytics-aggregator/fact-state';
import { applyOrderEvent, type OrderState } from '../../workers/order-processor/order-state';
import {
  applyShipmentEvent,
  checkpointOf,
  type ShipmentRow,
} from '../../workers/shipment-tracker/shipment-state';
import { orderCreated, orderEvent, startDeployment, waitFor, type TestDeployment } from '../support/harness';

const shipmentEvent = (sid: string, kind: string, time: string, data: Record<string, unknown>) => ({
  specversion: '1.0',
  id: randomUUID(),
  source: 'test',
  type: `sct.shipment.${kind}.v1`,
  subject: sid,
  time,
  data,
});
const createdData = (orderId: string) => ({
  orderId,
  carrier: 'UPS',
  trackingNumber: '1Z',
  origin: 'A',
  destination: 'B',
  promisedDate: '2024-03-06',
});

describe('shipment delivered by a checkpoint (live deployment)', () => {
  let d: TestDeployment;
  beforeAll(async () => {
    d = await startDeployment();
  });
  afterAll(async () => {
    await d?.close();
  });

  const inject = async (events: unknown[]) => {
    const res = await d.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
    expect(res.status).toBe(202);
  };
  const shipmentWith = (sid: string, timelineLength: number) =>
    waitFor(`${sid} with ${timelineLength} timeline entries`, async () => {
      const res = await d.api(`/api/shipments/${sid}`);
      const s = res.status === 200 ? ((await res.json()) as ShipmentDetail) : null;
      return s && s.timeline.length === timelineLength ? s : null;
    });

  it('shows the checkpoint time as deliveredAt, keeps delivered, and the KPIs agree', async () => {
    const run = randomUUID().slice(0, 8);
    const sid = `s-${run}-a`;
    // Batch 1: created and a transit scan made after the delivery (a late carrier scan).
    await inject([
      shipmentEvent(sid, 'created', '2024-03-02T10:00:00Z', createdData(`o-${run}`)),
      shipmentEvent(sid, 'checkpoint', '2024-03-06T09:00:00Z', { status: 'in_transit', location: 'Hub' }),
    ]);
    let s = await shipmentWith(sid, 2);
    expect(s.status).toBe('in_transit');
    expect(s.deliveredAt).toBeNull();
    // Batch 2: the delivery, reported only as a checkpoint, older than the scan already applied.
    await inject([
      shipmentEvent(sid, 'checkpoint', '2024-03-05T10:00:00Z', { status: 'delivered', location: 'Door' }),
    ]);
    s = await shipmentWith(sid, 3);
    expect(s.status).toBe('delivered');
    expect(s.deliveredAt).toBe('2024-03-05T10:00:00.000Z');
    // Batch 3: out for delivery (before the delivery), another later scan, and a later
    // `delivered` event for the same delivery: nothing moves.
    await inject([
      shipmentEvent(sid, 'checkpoint', '2024-03-07T09:00:00Z', { status: 'in_transit' }),
      shipmentEvent(sid, 'checkpoint', '2024-03-05T08:00:00Z', { status: 'out_for_delivery' }),
      shipmentEvent(sid, 'delivered', '2024-03-05T12:00:00Z', { signedBy: 'Ana' }),
    ]);
    s = await shipmentWith(sid, 6);
    expect(s.status).toBe('delivered');
    expect(s.deliveredAt).toBe('2024-03-05T10:00:00.000Z');
    expect(s.timeline.map((t) => t.status)).toEqual([
      'info_received',
      'out_for_delivery',
      'delivered',
      'delivered',
      'in_transit',
      'in_transit',
    ]);

    // Open exceptions (DESIGN.md: latest status exception or failed_attempt, not delivered), over
    // shipments whose events are listed here and counted independently below.
    const others: Record<string, { kind: string; time: string; data: Record<string, unknown> }[]> = {
      [`s-${run}-b`]: [
        { kind: 'exception', time: '2024-03-03T10:00:00Z', data: { reasonCode: 'DAMAGED' } },
        { kind: 'checkpoint', time: '2024-03-04T10:00:00Z', data: { status: 'delivered' } },
      ],
      [`s-${run}-c`]: [
        { kind: 'checkpoint', time: '2024-03-04T10:00:00Z', data: { status: 'returned' } },
        { kind: 'checkpoint', time: '2024-03-03T10:00:00Z', data: { status: 'failed_attempt' } },
      ],
      [`s-${run}-d`]: [
        { kind: 'checkpoint', time: '2024-03-03T10:00:00Z', data: { status: 'in_transit' } },
        { kind: 'exception', time: '2024-03-04T10:00:00Z', data: { reasonCode: 'CUSTOMS_HOLD' } },
      ],
    };
    // Each created first (the API refuses a carrier event for a shipment nobody created).
    for (const [id, evs] of Object.entries(others))
      await inject([
        shipmentEvent(id, 'created', '2024-03-02T09:00:00Z', createdData(`o-${id}`)),
        ...evs.map((e) => shipmentEvent(id, e.kind, e.time, e.data)),
      ]);
    for (const [id, evs] of Object.entries(others)) await shipmentWith(id, evs.length + 1);
    const reported = (e: { kind: string; data: Record<string, unknown> }): string =>
      e.kind === 'exception' ? 'exception' : (e.data.status as string);
    const open = Object.values(others).filter((evs) => {
      if (evs.some((e) => ['delivered', 'returned', 'expired'].includes(reported(e)))) return false;
      const latest = [...evs].sort((a, b) => (a.time < b.time ? -1 : 1)).at(-1)!;
      return ['exception', 'failed_attempt'].includes(reported(latest));
    }).length;
    expect(open).toBe(1);

    // The order of the same delivery: its cancel arrives before its delivery event.
    const oid = `o-${run}`;
    await inject([
      orderCreated(oid, { time: '2024-03-01T12:00:00Z', promisedDate: '2024-03-10' }),
      orderEvent(oid, 'cancelled', '2024-03-02T10:00:00Z'),
    ]);
    await inject([orderEvent(oid, 'delivered', '2024-03-05T10:00:00Z')]);
    const order = await waitFor('order delivered', async () => {
      const res = await d.api(`/api/orders/${oid}`);
      const o = res.status === 200 ? ((await res.json()) as OrderDetail) : null;
      return o && o.history.length === 3 ? o : null;
    });
    expect(order.status).toBe('delivered');
    expect(order.deliveredAt).toBe('2024-03-05T10:00:00.000Z');

    for (const includeDrills of [false, true]) {
      const kpi = await waitFor('kpi with the delivery', async () => {
        const res = await d.api(`/api/kpi/summary?includeDrills=${includeDrills}`);
        const k = (await res.json()) as KpiSummary;
        return k.deliveredOrders === 1 && k.openExceptions === open ? k : null;
      });
      expect(kpi.ordersByStatus.delivered).toBe(1);
      expect(kpi.ordersByStatus.cancelled).toBe(0);
      expect(kpi.onTimeOrders).toBe(1); // 2024-03-05 in São Paulo <= promised 2024-03-10
      expect(kpi.cycleTimeMedianMs).toBe(
        Date.parse('2024-03-05T10:00:00Z') - Date.parse('2024-03-01T12:00:00Z'),
      );
    }
    const { rows } = await d.core.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM shipments WHERE status = 'delivered' AND delivered_at IS NULL",
    );
    expect(rows[0]!.n).toBe(0);
  });
});

describe('migration 1732960000800 (recomputes existing rows)', () => {
  const base = loadConfig(process.env);
  const url = new URL(base.databaseUrl);
  url.pathname = `/sct_test_${randomBytes(4).toString('hex')}`;
  const databaseUrl = url.toString();
  let before: string;

  beforeAll(() => {
    before = mkdtempSync(path.join(tmpdir(), 'sct-migrations-'));
    for (const f of readdirSync(migrationsDir()).filter((n) => n < '1732960000800'))
      copyFileSync(path.join(migrationsDir(), f), path.join(before, f));
  });
  afterAll(async () => {
    rmSync(before, { recursive: true, force: true });
    await dropDatabase(databaseUrl).catch(() => undefined);
  });

  it('gives the rows the folds give for the timeline (delivered checkpoint, late scans, cancel)', async () => {
    await migrate({ databaseUrl }, before);
    const pool = createPool({ databaseUrl }, 2);
    try {
      const sid = 's-mig';
      const ship = (kind: string, time: string, data: Record<string, unknown>) =>
        shipmentEvent(sid, kind, time, data) as unknown as ShipmentEvent;
      const events = [
        ship('created', '2024-03-02T10:00:00Z', createdData('o-mig')),
        ship('checkpoint', '2024-03-05T10:00:00Z', { status: 'delivered' }),
        ship('checkpoint', '2024-03-06T09:00:00Z', { status: 'in_transit' }),
        ship('checkpoint', '2024-03-07T09:00:00Z', { status: 'returned' }),
        ship('exception', '2024-03-04T09:00:00Z', { reasonCode: 'DAMAGED' }),
      ];
      for (const e of events) {
        const c = checkpointOf(e);
        await pool.query(
          `INSERT INTO shipment_checkpoints (event_id, shipment_id, type, event_time, status, location, message, drill_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [c.event_id, c.shipment_id, c.type, c.event_time, c.status, c.location, c.message, c.drill_id],
        );
      }
      // As the old fold left it: the latest terminal report won and nothing set delivered_at.
      await pool.query(
        `INSERT INTO shipments (shipment_id, order_id, carrier, tracking_number, origin, destination, promised_date,
                                status, status_time, exception_reason, delivered_at, created_at, last_event_time)
         VALUES ($1, 'o-mig', 'UPS', '1Z', 'A', 'B', '2024-03-06', 'returned', '2024-03-07T09:00:00Z', 'DAMAGED',
                 NULL, '2024-03-02T10:00:00Z', '2024-03-07T09:00:00Z')`,
        [sid],
      );
      const oid = 'o-mig';
      const orderEvents = [
        orderCreated(oid, { time: '2024-03-01T12:00:00Z', promisedDate: '2024-03-10' }),
        orderEvent(oid, 'cancelled', '2024-03-02T10:00:00Z'),
        orderEvent(oid, 'delivered', '2024-03-05T10:00:00Z'),
      ] as unknown as OrderEvent[];
      // The old folds with the cancel first: cancelled, with a delivered time, and no delivery KPIs.
      await pool.query(
        `INSERT INTO orders (order_id, status, site_time_zone, promised_date, created_at, delivered_at, cancelled_at,
                             cancel_reason, event_count, created_day)
         VALUES ($1, 'cancelled', 'America/Sao_Paulo', '2024-03-10', '2024-03-01T12:00:00Z', '2024-03-05T10:00:00Z',
                 '2024-03-02T10:00:00Z', 'test', 3, '2024-03-01')`,
        [oid],
      );
      await pool.query(
        `INSERT INTO order_facts (order_id, status, site_time_zone, promised_date, created_at, delivered_at, created_day,
                                  ordered_lines, delivered_lines)
         VALUES ($1, 'cancelled', 'America/Sao_Paulo', '2024-03-10', '2024-03-01T12:00:00Z', '2024-03-05T10:00:00Z',
                 '2024-03-01', '{"SKU-1": 2}', '{"SKU-1": 2}')`,
        [oid],
      );
      await pool.query(`INSERT INTO kpi_daily (day, is_drill, created) VALUES ('2024-03-01', false, 1)`);

      await migrate({ databaseUrl }, migrationsDir());

      let expected: ShipmentRow | undefined;
      for (const e of events) expected = applyShipmentEvent(expected, e);
      const shipment = await pool.query<Record<string, unknown>>(
        'SELECT status, status_time, delivered_at, exception_reason, exception_time FROM shipments WHERE shipment_id = $1',
        [sid],
      );
      expect(shipment.rows[0]).toEqual({
        status: 'delivered' satisfies ShipmentStatus,
        status_time: expected!.status_time,
        delivered_at: '2024-03-05T10:00:00.000Z',
        exception_reason: expected!.exception_reason,
        exception_time: expected!.exception_time,
      });
      expect(expected!.delivered_at).toBe('2024-03-05T10:00:00.000Z');

      let order: OrderState | undefined;
      let facts: FactRow | undefined;
      for (const e of orderEvents) {
        order = applyOrderEvent(order, e);
        facts = applyFactEvent(facts, e, facts !== undefined);
      }
      const o = await pool.query<{ status: string }>('SELECT status FROM orders WHERE order_id = $1', [oid]);
      expect(o.rows[0]!.status).toBe(order!.row.status);
      const f = await pool.query<Record<string, unknown>>(
        `SELECT status, delivered_day::text AS delivered_day, on_time, in_full, cycle_time_ms::float8 AS cycle_time_ms
           FROM order_facts WHERE order_id = $1`,
        [oid],
      );
      expect(f.rows[0]).toEqual({
        status: facts!.status,
        delivered_day: facts!.delivered_day,
        on_time: facts!.on_time,
        in_full: facts!.in_full,
        cycle_time_ms: facts!.cycle_time_ms,
      });
      expect(facts!.status).toBe('delivered');
      const k = await pool.query(
        'SELECT day::text, created, delivered, on_time, late FROM kpi_daily ORDER BY day',
      );
      expect(k.rows).toEqual([
        { day: '2024-03-01', created: 1, delivered: 0, on_time: 0, late: 0 },
        { day: '2024-03-05', created: 0, delivered: 1, on_time: 1, late: 0 },
      ]);
    } finally {
      await pool.end();
    }
  });
});
