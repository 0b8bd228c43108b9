/**
 * KPI drill-down and the orders filter, end to end on a live deployment: for a seeded data set
 * with on-time (in full and short), late, cancelled, drill, open (due, overdue) orders and open
 * shipment exceptions, every figure of `GET /api/kpi/summary` and every bar of `GET /api/kpi/daily`
 * opens, through its drill-down filter (contracts/kpi-drilldown.ts), an orders list whose total
 * equals the figure; the punctuality filters select exactly the orders the list flags; the search
 * finds orders by shipment id, tracking number and customer; and the CSV export of a filter has
 * exactly the rows of that filter, quoted so that it parses back to the same values.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  kpiBarFilter,
  kpiExceptionsFilter,
  kpiFigureFilter,
  kpiSeriesSchema,
  kpiSummarySchema,
  ORDER_SORTS,
  ORDER_STATUSES,
  orderPageSchema,
  type KpiFigure,
  type KpiSeriesMeasure,
  type OrderFilter,
  type OrderPage,
  type ShipmentPage,
} from '../../contracts';
import {
  orderCreated,
  orderEvent,
  startDeployment,
  waitFor,
  waitForWorkersCaughtUp,
  type TestDeployment,
} from '../support/harness';

/** The URL query of a filter (statuses comma-separated, as the API reads them). */
function filterQuery(filter: OrderFilter & Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
    p.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return p.toString();
}

describe('KPI drill-down and the orders filter (live deployment)', () => {
  let d: TestDeployment;
  const run = `dd${Date.now().toString(36)}`;
  const id = (name: string) => `${run}-${name}`;

  async function get(path: string): Promise<unknown> {
    const res = await d.api(path);
    expect(res.status, `${path}: ${res.status}`).toBe(200);
    return res.json();
  }
  const page = async (query: string): Promise<OrderPage> =>
    orderPageSchema.parse(await get(`/api/orders?pageSize=500&${query}`));

  beforeAll(async () => {
    d = await startDeployment();
    const drill = <T extends object>(e: T) => ({ ...e, drillid: 'drill-7' });
    const shipment = (orderId: string, type: 'created' | 'exception', time: string, drillid?: string) => ({
      specversion: '1.0',
      id: crypto.randomUUID(),
      source: 'test',
      type: `sct.shipment.${type}.v1`,
      subject: `shp-${orderId}`,
      time,
      ...(drillid ? { drillid } : {}),
      data:
        type === 'created'
          ? {
              orderId,
              carrier: 'acme',
              trackingNumber: `TRK${orderId.slice(-6).toUpperCase()}`,
              origin: 'Sao Paulo',
              destination: 'Rio',
              promisedDate: '2024-03-10',
            }
          : { reasonCode: 'address_unknown', message: 'no such street' },
    });
    const withCustomer = <T extends { data: object }>(e: T, customerId: string) => ({
      ...e,
      data: { ...e.data, customerId },
    });
    // São Paulo (UTC-3); created 2024-03-01, promised 2024-03-10 unless said otherwise.
    const events = [
      orderCreated(id('on-time-full')),
      orderEvent(id('on-time-full'), 'shipped', '2024-03-05T12:00:00Z'),
      orderEvent(id('on-time-full'), 'delivered', '2024-03-09T12:00:00Z'),
      orderCreated(id('on-time-short'), { quantity: 5 }),
      orderEvent(id('on-time-short'), 'delivered', '2024-03-11T02:30:00Z'), // 23:30 on the 10th, site time
      orderCreated(id('late')),
      orderEvent(id('late'), 'shipped', '2024-03-08T12:00:00Z'),
      orderEvent(id('late'), 'delivered', '2024-03-12T15:00:00Z'),
      orderCreated(id('late-april'), { time: '2024-03-25T12:00:00Z', promisedDate: '2024-03-28' }),
      orderEvent(id('late-april'), 'delivered', '2024-04-02T12:00:00Z'),
      withCustomer(orderCreated(id('cancelled')), `${run}-cust-9`),
      orderEvent(id('cancelled'), 'cancelled', '2024-03-02T12:00:00Z', {
        reason: 'damaged, "wet"\nreturned',
      }),
      orderCreated(id('overdue')),
      orderEvent(id('overdue'), 'approved', '2024-03-02T12:00:00Z'),
      orderCreated(id('due'), { promisedDate: '9999-12-31' }),
      orderEvent(id('due'), 'picked', '2024-03-03T12:00:00Z'),
      orderCreated(id('exception')),
      orderEvent(id('exception'), 'shipped', '2024-03-06T12:00:00Z'),
      shipment(id('exception'), 'created', '2024-03-06T12:00:00Z'),
      shipment(id('exception'), 'exception', '2024-03-07T12:00:00Z'),
      // A carrier feed's shipment with no known order, in exception (QA: the card counted it, the
      // orders drill-down could not show it).
      {
        ...shipment(id('orphan'), 'created', '2024-03-06T12:00:00Z'),
        data: { carrier: 'acme', trackingNumber: 'TRKORPHAN' },
      },
      shipment(id('orphan'), 'exception', '2024-03-07T12:00:00Z'),
      orderCreated(id('drill-late'), { drillid: 'drill-7' }),
      drill(orderEvent(id('drill-late'), 'delivered', '2024-03-15T12:00:00Z')),
      orderCreated(id('drill-exc'), { drillid: 'drill-7' }),
      drill(orderEvent(id('drill-exc'), 'shipped', '2024-03-06T12:00:00Z')),
      shipment(id('drill-exc'), 'created', '2024-03-06T12:00:00Z', 'drill-7'),
      shipment(id('drill-exc'), 'exception', '2024-03-07T12:00:00Z', 'drill-7'),
    ];
    const sent = await d.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
    expect(sent.status, await sent.clone().text()).toBe(202);
    await waitForWorkersCaughtUp(d, 120_000);
    // The all-data summary is the aggregator's Redis snapshot (refreshed about once a second).
    await waitFor('the KPI snapshot', async () => {
      const s = kpiSummarySchema.parse(await (await d.api('/api/kpi/summary')).json());
      return s.createdOrders === 8 && s.openExceptions === 2;
    });
  });
  afterAll(async () => {
    await d?.close();
  });

  const scopes = [
    { includeDrills: false },
    { includeDrills: true },
    { from: '2024-03-01', to: '2024-03-31', includeDrills: false },
    { from: '2024-03-09', to: '2024-03-12', includeDrills: true },
    { from: '2024-04-01', to: '2024-04-30', includeDrills: false },
    // One site: the shipment with no known order belongs to none.
    { includeDrills: true, warehouse: 'w-1' },
  ];
  const figures: [KpiFigure, (s: ReturnType<typeof kpiSummarySchema.parse>) => number][] = [
    ['created', (s) => s.createdOrders],
    ['delivered', (s) => s.deliveredOrders],
    ['onTime', (s) => s.onTimeOrders],
    ['late', (s) => s.lateOrders],
    ['otif', (s) => s.otifOrders],
    ['backlog', (s) => s.backlog],
    ...ORDER_STATUSES.map((status): [KpiFigure, (s: ReturnType<typeof kpiSummarySchema.parse>) => number] => [
      { status },
      (s) => s.ordersByStatus[status],
    ]),
  ];

  it('opens every KPI summary figure as an orders list whose total equals it', async () => {
    const seen = { late: 0, onTime: 0, otif: 0, exceptions: 0, exceptionsOpened: 0 };
    for (const scope of scopes) {
      const summary = kpiSummarySchema.parse(await get(`/api/kpi/summary?${filterQuery({ ...scope })}`));
      seen.late += summary.lateOrders;
      seen.onTime += summary.onTimeOrders;
      seen.otif += summary.otifOrders;
      seen.exceptions += summary.openExceptions;
      // Open exceptions count shipments: they open the shipments list, with the same total.
      const exceptions = kpiExceptionsFilter(scope);
      const shipments = (await get(
        `/api/shipments?pageSize=500&${new URLSearchParams(
          Object.entries(exceptions).map(([k, v]) => [k, String(v)]),
        ).toString()}`,
      )) as ShipmentPage;
      expect(shipments.total, `open exceptions over ${JSON.stringify(scope)}`).toBe(summary.openExceptions);
      seen.exceptionsOpened += shipments.total;
      for (const [figure, value] of figures) {
        const filter = kpiFigureFilter(figure, scope);
        const list = await page(filterQuery(filter));
        expect(list.total, `${JSON.stringify(figure)} over ${JSON.stringify(scope)}`).toBe(value(summary));
      }
    }
    // The data set exercises every figure (not only zeros).
    expect(seen.exceptionsOpened).toBe(seen.exceptions);
    expect(seen.late).toBeGreaterThan(0);
    expect(seen.otif).toBeGreaterThan(0);
    expect(seen.onTime).toBeGreaterThan(seen.otif);
    expect(seen.exceptions).toBeGreaterThan(0);
  });

  it('opens every bar of the KPI series (days and months) as an orders list whose total equals it', async () => {
    const measures: KpiSeriesMeasure[] = ['created', 'shipped', 'delivered', 'onTime', 'late'];
    let nonZero = 0;
    for (const q of [
      'from=2024-03-01&to=2024-03-15&bucket=day&includeDrills=true',
      'from=2024-03-05&to=2024-04-10&bucket=month&includeDrills=false',
    ]) {
      const series = kpiSeriesSchema.parse(await get(`/api/kpi/daily?${q}`));
      const includeDrills = q.includes('includeDrills=true');
      for (const point of series.points)
        for (const measure of measures) {
          const filter = kpiBarFilter(
            measure,
            { start: point.start, size: series.bucket },
            series,
            includeDrills,
          );
          const list = await page(filterQuery(filter));
          expect(list.total, `${measure} of ${point.start} (${q})`).toBe(point[measure]);
          if (point[measure] > 0) nonZero++;
        }
    }
    expect(nonZero).toBeGreaterThan(10);
  });

  it('selects exactly the orders the list flags late, on time, overdue or at risk', async () => {
    const all = await page(`q=${run}`);
    expect(all.total).toBe(10);
    const flagged = (states: string[]) =>
      all.items
        .filter((o) => o.punctuality && states.includes(o.punctuality.state))
        .map((o) => o.orderId)
        .sort();
    const ids = async (query: string) => (await page(`q=${run}&${query}`)).items.map((o) => o.orderId).sort();
    expect(await ids('punctuality=late')).toEqual(flagged(['late']));
    expect(await ids('punctuality=on_time')).toEqual(flagged(['on_time']));
    expect(await ids('punctuality=overdue')).toEqual(flagged(['overdue']));
    expect(await ids('punctuality=overdue')).toEqual(
      [id('exception'), id('drill-exc'), id('overdue')].sort(),
    );
    // Nothing is due today in this data set: at risk (due today or overdue) = overdue here.
    expect(await ids('punctuality=at_risk')).toEqual(flagged(['overdue']));
    expect(await ids('punctuality=on_time&inFull=false')).toEqual([id('on-time-short')]);
    expect(await ids('openException=true&includeDrills=false')).toEqual([id('exception')]);
    expect(await ids('drillsOnly=true')).toEqual([id('drill-exc'), id('drill-late')].sort());
    expect(await ids('status=approved,picked')).toEqual([id('due'), id('overdue')].sort());
    expect(await ids('promisedFrom=2024-03-11')).toEqual([id('due'), id('late-april')].sort());
  });

  it('searches by the start of an order, shipment, tracking or customer id, and sorts on every column', async () => {
    const ids = async (query: string) => (await page(query)).items.map((o) => o.orderId);
    expect(await ids(`q=shp-${id('exception').slice(0, -3)}`)).toEqual([id('exception')]);
    expect(await ids(`q=TRK${id('drill-exc').slice(-6).toUpperCase()}`)).toEqual([id('drill-exc')]);
    expect(await ids(`q=${run}-cust`)).toEqual([id('cancelled')]);
    expect(await ids(`customer=${run}-cust-9`)).toEqual([id('cancelled')]);
    expect(await ids(`q=${run}_`)).toEqual([]); // a LIKE wildcard matches itself only
    for (const sort of ORDER_SORTS)
      for (const order of ['asc', 'desc']) {
        const list = await page(`q=${run}&sort=${sort}&order=${order}`);
        expect(list.total).toBe(10);
      }
    const delivered = (await page(`q=${run}&sort=deliveredAt&order=asc&punctuality=late`)).items;
    expect(delivered.map((o) => o.deliveredAt)).toEqual(delivered.map((o) => o.deliveredAt).sort());
  });

  it('exports exactly the rows of a filter as CSV, in its order, quoted to parse back', async () => {
    for (const query of [
      `q=${run}&sort=orderId&order=asc`,
      'punctuality=late&includeDrills=true',
      'status=cancelled',
    ]) {
      const res = await d.api(`/api/orders/export.csv?${query}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="orders-/);
      const rows = parse<Record<string, string>>(await res.text(), { columns: true });
      const list = await page(query);
      expect(rows.map((r) => r.order_id)).toEqual(list.items.map((o) => o.orderId));
      expect(rows.map((r) => r.punctuality)).toEqual(list.items.map((o) => o.punctuality?.state ?? ''));
    }
    const res = await d.api(`/api/orders/export.csv?q=${id('cancelled')}`);
    const [row] = parse<Record<string, string>>(await res.text(), { columns: true });
    expect(row).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'damaged, "wet"\nreturned',
      is_drill: 'false',
    });
    // A bad filter is refused before anything is streamed.
    expect((await d.api('/api/orders/export.csv?punctuality=soon')).status).toBe(400);
    expect((await d.api('/api/orders/export.csv?page=2')).status).toBe(400);
  });
});
