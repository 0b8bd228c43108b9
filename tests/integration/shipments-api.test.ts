/**
 * GET /api/shipments filters (status, carrier, open exception, late in the order's site zone,
 * ETA slipping past the promise, search by shipment id / order id / tracking number, paging and
 * sorting) and GET /api/exceptions (open exceptions and failed attempts, oldest first, with the
 * reason, the carrier's last message and the order and customer) against a live deployment.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipmentListQuerySchema, type ExceptionQueuePage, type ShipmentPage } from '../../contracts';
import { listShipments } from '../../server/api/shipment-queries';
import {
  orderCreated,
  sendBatchUntilAccepted,
  startDeployment,
  waitFor,
  type TestDeployment,
} from '../support/harness';

const event = (subject: string, kind: string, time: string, data: Record<string, unknown>) => ({
  specversion: '1.0',
  id: randomUUID(),
  source: 'test',
  type: `sct.shipment.${kind}.v1`,
  subject,
  time,
  data,
});

describe('shipments list and exceptions queue (live deployment)', () => {
  let d: TestDeployment;
  const run = randomUUID().slice(0, 8);
  const sid = (k: string) => `s-${run}-${k}`;
  const oid = (k: string) => `o-${run}-${k}`;
  const created = (k: string, promisedDate: string, carrier = 'UPS') =>
    event(sid(k), 'created', '2024-03-02T10:00:00Z', {
      orderId: oid(k),
      carrier,
      trackingNumber: `TRK-${run}-${k}`,
      origin: 'A',
      destination: 'B',
      promisedDate,
    });

  beforeAll(async () => {
    d = await startDeployment();
    await sendBatchUntilAccepted(d, [
      // Orders in America/Sao_Paulo (UTC-3), so site days differ from UTC days late in the evening.
      ...['a', 'b', 'c', 'd', 'e'].map((k) =>
        orderCreated(oid(k), { promisedDate: k === 'd' || k === 'e' ? '2099-01-01' : '2024-03-06' }),
      ),
      // a: delivered 23:30 site time on the promised day (the next day in UTC): on time.
      created('a', '2024-03-06'),
      event(sid('a'), 'delivered', '2024-03-06T23:30:00-03:00', {}),
      // b: delivered the day after the promise: late.
      created('b', '2024-03-06'),
      event(sid('b'), 'delivered', '2024-03-07T15:00:00Z', {}),
      // c: still in transit long after its promised day: late.
      created('c', '2024-03-06', 'DHL'),
      event(sid('c'), 'checkpoint', '2024-03-05T10:00:00Z', {
        status: 'in_transit',
        message: 'ARRIVAL SCAN',
      }),
      // d: an exception, ETA past the promise.
      created('d', '2099-01-01'),
      event(sid('d'), 'eta_updated', '2024-03-02T11:00:00Z', { eta: '2099-01-05T12:00:00Z' }),
      event(sid('d'), 'exception', '2024-03-03T10:00:00Z', { reasonCode: 'DAMAGED', message: 'BOX CRUSHED' }),
      // e: a failed attempt later than d's exception, ETA before the promise.
      created('e', '2099-01-01'),
      event(sid('e'), 'eta_updated', '2024-03-02T11:00:00Z', { eta: '2098-12-30T12:00:00Z' }),
      event(sid('e'), 'checkpoint', '2024-03-04T10:00:00Z', {
        status: 'failed_attempt',
        message: 'NOTICE LEFT',
      }),
    ]);
    await waitFor('5 shipments and 5 orders', async () => {
      const res = await d.api(`/api/shipments?q=s-${run}`);
      const page = (await res.json()) as ShipmentPage;
      const orders = await d.core.pool.query(`SELECT 1 FROM orders WHERE order_id LIKE $1`, [`o-${run}-%`]);
      return page.total === 5 && orders.rowCount === 5 && page.items.every((s) => s.lastEventTime !== null);
    });
  });
  afterAll(async () => {
    await d?.close();
  });

  const ids = async (query: string): Promise<string[]> => {
    const res = await d.api(`/api/shipments?q=s-${run}&sort=promisedDate&order=asc&${query}`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as ShipmentPage;
    return page.items.map((s) => s.shipmentId.slice(-1)).sort();
  };

  it('filters by status, carrier, open exception, late and ETA slipping', async () => {
    expect(await ids('status=delivered')).toEqual(['a', 'b']);
    expect(await ids('carrier=DHL')).toEqual(['c']);
    expect(await ids('exception=true')).toEqual(['d', 'e']);
    expect(await ids('exception=false')).toEqual(['a', 'b', 'c']);
    expect(await ids('late=true')).toEqual(['b', 'c']);
    expect(await ids('late=false')).toEqual(['a', 'd', 'e']);
    expect(await ids('etaSlipping=true')).toEqual(['d']);
    expect(await ids('late=true&carrier=UPS')).toEqual(['b']);
  });

  it('searches by order id and tracking number prefix, pages and sorts, and flags each row', async () => {
    const one = async (q: string) => {
      const page = (await (await d.api(`/api/shipments?q=${q}`)).json()) as ShipmentPage;
      return page.items.map((s) => s.shipmentId);
    };
    expect(await one(oid('b'))).toEqual([sid('b')]);
    expect(await one(`TRK-${run}-e`)).toEqual([sid('e')]);
    const res = await d.api(`/api/shipments?q=s-${run}&sort=lastEventTime&order=desc&pageSize=2&page=2`);
    const page = (await res.json()) as ShipmentPage;
    expect(page).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(page.items).toHaveLength(2);
    const all = (await (
      await d.api(`/api/shipments?q=s-${run}&sort=lastEventTime&order=desc`)
    ).json()) as ShipmentPage;
    const times = all.items.map((s) => s.lastEventTime!);
    expect([...times].sort().reverse()).toEqual(times);
    expect(all.items.slice(2, 4)).toEqual(page.items);
    const c = all.items.find((s) => s.shipmentId === sid('c'))!;
    expect(c).toMatchObject({
      late: true,
      etaSlipping: false,
      openException: false,
      siteTimeZone: 'America/Sao_Paulo',
    });
    expect((await d.api('/api/shipments?status=bogus')).status).toBe(400);
  });

  it('counts a total up to the cap and says when more match; the pages go on past it', async () => {
    const query = (page: number) =>
      shipmentListQuerySchema.parse({
        q: `s-${run}`,
        sort: 'lastEventTime',
        pageSize: '2',
        page: String(page),
      });
    const exact = await listShipments(d.core.pool, query(1), new Date(), 5);
    expect([exact.total, exact.totalCapped]).toEqual([5, false]);
    const capped = await listShipments(d.core.pool, query(1), new Date(), 3);
    expect([capped.total, capped.totalCapped, capped.items.length]).toEqual([3, true, 2]);
    const past = await listShipments(d.core.pool, query(3), new Date(), 3);
    expect([past.total, past.totalCapped, past.items.length]).toEqual([3, true, 1]);
    expect((await (await d.api(`/api/shipments?q=s-${run}`)).json()) as ShipmentPage).toMatchObject({
      total: 5,
      totalCapped: false,
    });
  });

  it('lists open exceptions and failed attempts oldest first with reason, last message, order and customer', async () => {
    const res = await d.api('/api/exceptions');
    expect(res.status).toBe(200);
    const queue = (await res.json()) as ExceptionQueuePage;
    expect(queue.total).toBe(2);
    expect(
      queue.items.map((r) => [r.shipmentId, r.status, r.reason, r.lastMessage, r.orderId, r.customerId]),
    ).toEqual([
      [sid('d'), 'exception', 'DAMAGED', 'BOX CRUSHED', oid('d'), 'c-1'],
      [sid('e'), 'failed_attempt', 'failed_attempt', 'NOTICE LEFT', oid('e'), 'c-1'],
    ]);
    expect(queue.items[0]!.since).toBe('2024-03-03T10:00:00.000Z');
  });
});
