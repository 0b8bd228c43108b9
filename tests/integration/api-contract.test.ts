/**
 * The API against its route table, end to end on a live deployment: every answer the routes
 * give here parses with its route's schema (contracts/routes.ts), orders carry the punctuality the
 * API judged in site time (on time, late, due, overdue), `/api/kpi/daily` answers filled day, week
 * or month buckets, the workers' Redis entries parse with the same schemas the API reads them with,
 * and every notification of the live stream matches `changeNotificationSchema`.
 */
import { randomUUID } from 'node:crypto';
import { createParser } from 'eventsource-parser';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiRoute,
  changeNotificationSchema,
  entitySummarySchema,
  kpiSummarySchema,
  punctuality,
  type ApiRoute,
  type JsonRouteKey,
  type OrderDetail,
  type OrderPage,
  type RouteResponse,
} from '../../contracts';
import { redisKeys } from '../../runtime/redis';
import {
  orderCreated,
  waitFor,
  orderEvent,
  startDeployment,
  waitForWorkersCaughtUp,
  type TestDeployment,
} from '../support/harness';

describe('API contract (live deployment)', () => {
  let d: TestDeployment;
  const notifications: unknown[] = [];
  const live = new AbortController();
  const run = `ac${Date.now().toString(36)}`;
  const id = (name: string) => `${run}-${name}`;

  /** GETs a route and parses the answer with the route's own schema (throws when it breaks it). */
  async function call<K extends JsonRouteKey>(key: K, url: string): Promise<RouteResponse<K>> {
    const res = await d.api(url);
    expect(res.status, url).toBe(200);
    const route: ApiRoute = apiRoute(key);
    return route.responses[200]!.parse(await res.json()) as RouteResponse<K>;
  }

  beforeAll(async () => {
    d = await startDeployment();
    const res = await d.api('/api/live', { signal: live.signal, headers: { accept: 'text/event-stream' } });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const parser = createParser({
      onEvent: (message) => message.event === 'change' && notifications.push(JSON.parse(message.data)),
    });
    void (async () => {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          parser.feed(decoder.decode(value, { stream: true }));
        }
      } catch {
        // aborted at the end
      }
    })();

    // São Paulo (UTC-3). Promised 2024-03-10 unless said otherwise.
    const events = [
      orderCreated(id('on-time')),
      orderEvent(id('on-time'), 'delivered', '2024-03-11T02:30:00Z'), // 23:30 on the 10th, site time
      orderCreated(id('late')),
      orderEvent(id('late'), 'delivered', '2024-03-12T15:00:00Z'),
      orderCreated(id('overdue')),
      orderEvent(id('overdue'), 'shipped', '2024-03-05T12:00:00Z'),
      orderCreated(id('due'), { promisedDate: '9999-12-31' }),
      orderCreated(id('cancelled')),
      orderEvent(id('cancelled'), 'cancelled', '2024-03-02T12:00:00Z'),
    ];
    const sent = await d.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
    expect(sent.status).toBe(202);
    await waitForWorkersCaughtUp(d, 120_000);
  });
  afterAll(async () => {
    live.abort();
    await d?.close();
  });

  it('answers each order with its punctuality in site time, in the list and the detail', async () => {
    const page: OrderPage = await call('GET /api/orders', `/api/orders?q=${run}&sort=promisedDate&order=asc`);
    const byId = new Map(page.items.map((o) => [o.orderId, o.punctuality]));
    expect(byId.get(id('on-time'))).toEqual({ state: 'on_time', days: 0 });
    expect(byId.get(id('late'))).toEqual({ state: 'late', days: 2 });
    expect(byId.get(id('cancelled'))).toBeNull();
    const overdue = byId.get(id('overdue'));
    expect(overdue?.state).toBe('overdue');
    // Judged at the time of the request: the same rule the contracts export, run here now.
    const detail: OrderDetail = await call('GET /api/orders/:id', `/api/orders/${id('overdue')}`);
    expect(detail.punctuality).toEqual(punctuality(detail, new Date()));
    expect(detail.punctuality).toEqual(overdue);
    const due: OrderDetail = await call('GET /api/orders/:id', `/api/orders/${id('due')}`);
    expect(due.punctuality?.state).toBe('due');
  });

  it('answers the KPI series in filled buckets, picking the bucket by range when none is asked', async () => {
    const days = await call('GET /api/kpi/daily', '/api/kpi/daily?from=2024-02-28&to=2024-03-13');
    expect(days).toMatchObject({ bucket: 'day', from: '2024-02-28', to: '2024-03-13' });
    expect(days.points).toHaveLength(15);
    const day = (start: string) => days.points.find((p) => p.start === start);
    expect(day('2024-03-01')).toMatchObject({ created: 5 });
    expect(day('2024-03-10')).toMatchObject({ delivered: 1, onTime: 1, late: 0 });
    expect(day('2024-03-12')).toMatchObject({ delivered: 1, onTime: 0, late: 1 });
    expect(day('2024-02-29')).toEqual({
      start: '2024-02-29',
      created: 0,
      shipped: 0,
      delivered: 0,
      onTime: 0,
      late: 0,
    });

    const weeks = await call(
      'GET /api/kpi/daily',
      '/api/kpi/daily?from=2024-02-28&to=2024-03-13&bucket=week',
    );
    expect(weeks.bucket).toBe('week');
    expect(weeks.points.map((p) => [p.start, p.created, p.delivered])).toEqual([
      ['2024-02-26', 5, 0],
      ['2024-03-04', 0, 1],
      ['2024-03-11', 0, 1],
    ]);
    // 2024-03-10 is a Sunday: its delivery is in the week of 03-04.
    expect(weeks.points[1]).toMatchObject({ onTime: 1 });

    const twoYears = await call('GET /api/kpi/daily', '/api/kpi/daily?from=2023-01-01&to=2024-12-31');
    expect(twoYears.bucket).toBe('month');
    expect(twoYears.points).toHaveLength(24);
    expect(twoYears.points[14]).toMatchObject({ start: '2024-03-01', created: 5, delivered: 2 });

    const bad = await d.api('/api/kpi/daily?bucket=fortnight');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ issues: [{ field: 'bucket' }] });
  });

  it('reads what the workers cache in Redis with the same schemas (a cache hit, not a fallback)', async () => {
    const redis = new Redis(d.config.redisUrl, { maxRetriesPerRequest: 1 });
    try {
      const keys = redisKeys(d.config.topicPrefix);
      const entry = await waitFor('the cached order', () => redis.get(keys.entity('order', id('late'))));
      expect(entitySummarySchema.parse(JSON.parse(entry))).toMatchObject({ kind: 'order' });
      const snapshot = await waitFor('the KPI snapshot', () => redis.get(keys.kpiSnapshot));
      expect(kpiSummarySchema.safeParse(JSON.parse(snapshot)).success).toBe(true);
    } finally {
      redis.disconnect();
    }
    const found = await call('GET /api/lookup/:id', `/api/lookup/${id('late')}`);
    expect(found).toMatchObject({ kind: 'order', order: { orderId: id('late'), status: 'delivered' } });
  });

  it('keeps the all-data KPI summary current when only a shipment changes', async () => {
    // The analytics-aggregator refreshes the cached all-data snapshot on order events only; open
    // exceptions are counted from shipments, so a shipment exception alone must still show.
    const redis = new Redis(d.config.redisUrl, { maxRetriesPerRequest: 1 });
    try {
      await waitFor('the KPI snapshot', () => redis.get(redisKeys(d.config.topicPrefix).kpiSnapshot));
    } finally {
      redis.disconnect();
    }
    const before = await call('GET /api/kpi/summary', '/api/kpi/summary');
    const shipmentId = id('shp-exception');
    const shipmentEvent = (type: string, data: Record<string, unknown>) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: 'test',
      type,
      subject: shipmentId,
      time: '2024-03-06T12:00:00Z',
      data,
    });
    const sent = await d.api('/api/events/batch', {
      method: 'POST',
      body: JSON.stringify({
        events: [
          shipmentEvent('sct.shipment.created.v1', {
            orderId: id('overdue'),
            carrier: 'UPS',
            trackingNumber: '1Z999',
            origin: 'Sao Paulo',
            destination: 'Campinas',
            promisedDate: '2024-03-10',
          }),
          shipmentEvent('sct.shipment.exception.v1', { reasonCode: 'damaged' }),
        ],
      }),
    });
    expect(sent.status).toBe(202);
    await waitForWorkersCaughtUp(d, 60_000);
    const after = await call('GET /api/kpi/summary', '/api/kpi/summary');
    expect(after.openExceptions).toBe(before.openExceptions + 1);
    const named = await waitFor('a KPI notification naming the shipment', async () =>
      notifications
        .map((n) => changeNotificationSchema.parse(n))
        .find((n) => !n.truncated && n.shipmentIds.includes(shipmentId) && n.kpi),
    );
    expect(named.source).toBe('shipment-tracker');
  });

  it('sends live notifications that match the contracts schema exactly', async () => {
    expect(notifications.length).toBeGreaterThan(0);
    for (const n of notifications) expect(changeNotificationSchema.parse(n)).toEqual(n);
    const orderIds = notifications.flatMap((n) => changeNotificationSchema.parse(n).orderIds);
    expect(orderIds).toContain(id('late'));
  });
});
