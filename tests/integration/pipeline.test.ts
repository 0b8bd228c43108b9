/**
 * The event flow end to end on the real local stack: API -> Kafka -> workers -> PostgreSQL/Redis
 * -> query API. Covers visibility, idempotency (same event twice = one effect), a worker killed
 * with SIGKILL mid-stream, out-of-order event times, poison events, and bad requests.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectResult, KpiSummary, OrderDetail, OrderPage, ShipmentDetail } from '../../contracts';
import { createKafka, partitionForKey } from '../../runtime/kafka';
import { orderCreated, orderEvent, startDeployment, waitFor, type TestDeployment } from '../support/harness';

let d: TestDeployment;

beforeAll(async () => {
  d = await startDeployment();
});

afterAll(async () => {
  await d?.close();
});

async function inject(body: unknown): Promise<Response> {
  return d.api('/api/events', { method: 'POST', body: JSON.stringify(body) });
}

async function getOrder(id: string): Promise<OrderDetail | null> {
  const res = await d.api(`/api/orders/${id}`);
  return res.status === 200 ? ((await res.json()) as OrderDetail) : null;
}

describe('pipeline', () => {
  it('makes an injected event visible through the query API', async () => {
    const id = `o-${randomUUID().slice(0, 8)}`;
    const res = await inject(orderCreated(id));
    expect(res.status).toBe(202);
    const placed = (await res.json()) as InjectResult;
    expect(placed.topic).toBe(`${d.config.topicPrefix}.orders`);
    expect(Number(placed.offset)).toBeGreaterThanOrEqual(0);
    const order = await waitFor('order visible', () => getOrder(id));
    expect(order.status).toBe('created');
    expect(order.lines).toEqual([{ sku: 'SKU-1', quantity: 2, deliveredQuantity: null }]);
    expect(order.history).toHaveLength(1);
  });

  it('pushes a change notification on the live stream after the worker commits', async () => {
    const id = `o-${randomUUID().slice(0, 8)}`;
    const controller = new AbortController();
    const res = await d.api('/api/live', { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const seen = (async () => {
      while (!text.includes(id)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    })();
    expect((await inject(orderCreated(id))).status).toBe(202);
    await Promise.race([seen, new Promise((r) => setTimeout(r, 20_000))]);
    controller.abort();
    expect(text).toContain('event: change');
    expect(text).toContain(id);
  });

  it('applies the same event injected twice once', async () => {
    const id = `o-${randomUUID().slice(0, 8)}`;
    const event = orderCreated(id);
    expect((await inject(event)).status).toBe(202);
    expect((await inject(event)).status).toBe(202);
    // A marker event after the duplicate: once it is visible, the duplicate has been processed too.
    expect((await inject(orderEvent(id, 'approved', '2024-03-01T13:00:00Z'))).status).toBe(202);
    const order = await waitFor('approved visible', async () => {
      const o = await getOrder(id);
      return o?.status === 'approved' ? o : null;
    });
    expect(order.eventCount).toBe(2);
    expect(order.history.map((h) => h.type)).toEqual(['sct.order.created.v1', 'sct.order.approved.v1']);
  });

  it('refuses an event id reused for another entity (409) and accepts CloudEvents content type', async () => {
    const first = orderCreated(`o-${randomUUID().slice(0, 8)}`);
    const res = await d.api('/api/events', {
      method: 'POST',
      body: JSON.stringify(first),
      headers: { 'content-type': 'application/cloudevents+json' },
    });
    expect(res.status).toBe(202);
    await waitFor('first applied', () => getOrder(first.subject));
    const reused = await inject({ ...first, subject: `o-${randomUUID().slice(0, 8)}` });
    expect(reused.status).toBe(409);
    expect(await reused.json()).toMatchObject({
      error: 'idempotency_conflict',
      issues: [{ field: 'id', rule: 'idempotency_key_reused' }],
    });
    const inBatch = await d.api('/api/events/batch', {
      method: 'POST',
      body: JSON.stringify({ events: [orderCreated('o-a'), { ...orderCreated('o-b'), id: first.id }] }),
    });
    expect(inBatch.status).toBe(409);
    expect(((await inBatch.json()) as { index: number }).index).toBe(1);
    expect((await inject(first)).status).toBe(202); // the same event again: a harmless retry
  });

  it('places a late event by event time and never moves status backwards', async () => {
    const id = `o-${randomUUID().slice(0, 8)}`;
    const events = [
      orderCreated(id, { time: '2024-03-01T12:00:00Z' }),
      orderEvent(id, 'delivered', '2024-03-05T12:00:00Z'),
      orderEvent(id, 'shipped', '2024-03-03T12:00:00Z'), // arrives after delivered
    ];
    const res = await d.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
    expect(res.status).toBe(202);
    const order = await waitFor('three events applied', async () => {
      const o = await getOrder(id);
      return o?.eventCount === 3 ? o : null;
    });
    expect(order.status).toBe('delivered');
    expect(order.history.map((h) => h.type)).toEqual([
      'sct.order.created.v1',
      'sct.order.shipped.v1',
      'sct.order.delivered.v1',
    ]);
  });

  it('keeps a shipment delivered when an older in_transit checkpoint arrives late', async () => {
    const sid = `s-${randomUUID().slice(0, 8)}`;
    const base = { specversion: '1.0', source: 'test', subject: sid };
    const events = [
      {
        ...base,
        id: randomUUID(),
        type: 'sct.shipment.created.v1',
        time: '2024-03-02T10:00:00Z',
        data: {
          orderId: 'o-x',
          carrier: 'UPS',
          trackingNumber: '1Z',
          origin: 'A',
          destination: 'B',
          promisedDate: '2024-03-06',
        },
      },
      {
        ...base,
        id: randomUUID(),
        type: 'sct.shipment.delivered.v1',
        time: '2024-03-05T10:00:00Z',
        data: {},
      },
      {
        ...base,
        id: randomUUID(),
        type: 'sct.shipment.checkpoint.v1',
        time: '2024-03-03T10:00:00Z',
        data: { status: 'in_transit', location: 'Hub' },
      },
    ];
    expect(
      (await d.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) })).status,
    ).toBe(202);
    const shipment = await waitFor('timeline complete', async () => {
      const res = await d.api(`/api/shipments/${sid}`);
      const s = res.status === 200 ? ((await res.json()) as ShipmentDetail) : null;
      return s && s.timeline.length === 3 ? s : null;
    });
    expect(shipment.status).toBe('delivered');
    expect(shipment.timeline.map((t) => t.status)).toEqual(['info_received', 'in_transit', 'delivered']);
  });

  it('rejects invalid events with field-named errors and publishes nothing', async () => {
    const bad = orderCreated('o-bad');
    (bad.data.lines[0] as { quantity: number }).quantity = 0;
    const res = await inject({ ...bad, time: 'yesterday' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; issues: { field: string; rule: string }[] };
    expect(body.error).toBe('validation_failed');
    expect(body.issues.map((i) => i.field).sort()).toEqual(['data.lines.0.quantity', 'time']);
    const batch = await d.api('/api/events/batch', {
      method: 'POST',
      body: JSON.stringify({ events: [orderCreated('o-ok-1'), { type: 'nope' }] }),
    });
    expect(batch.status).toBe(400);
    expect(((await batch.json()) as { index: number }).index).toBe(1);
    // Nothing of the rejected batch reached Kafka: its valid first event never shows up.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await getOrder('o-ok-1')).toBeNull();
    expect((await d.api('/api/orders?pageSize=9999')).status).toBe(400);
    expect((await fetch(`${d.core.url}/api/orders`)).status).toBe(401);
  });

  it('sends a poison message to the dead-letter topic and moves on', async () => {
    const kafka = createKafka(d.config, 'test-poison');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: `${d.config.topicPrefix}.orders`,
      messages: [{ key: 'o-poison', value: '{not json' }],
    });
    await producer.disconnect();
    const id = `o-${randomUUID().slice(0, 8)}`;
    await inject(orderCreated(id));
    await waitFor('order after poison visible', () => getOrder(id));
    // One per consumer group of the orders topic (the analytics-aggregator may fetch up to 250 ms later).
    const parked = async () =>
      (
        await d.core.pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM dead_letters WHERE error LIKE 'value is not JSON%'",
        )
      ).rows[0]!.n;
    await waitFor('poison parked by both groups', async () => (await parked()) === 2 || null);
    await new Promise((r) => setTimeout(r, 500));
    expect(await parked()).toBe(2); // and not more
  });

  it('dead-letters an event whose handler keeps failing, and the partition moves on', async () => {
    // A real PostgreSQL failure for one order (a trigger), not a mock: the handler fails for it only.
    await d.core.pool.query(`CREATE FUNCTION reject_poison() RETURNS trigger AS $$
      BEGIN IF NEW.order_id LIKE 'POISON-%' THEN RAISE EXCEPTION 'simulated handler failure for %', NEW.order_id; END IF; RETURN NEW; END
      $$ LANGUAGE plpgsql`);
    await d.core.pool.query(
      'CREATE TRIGGER reject_poison BEFORE INSERT ON order_events FOR EACH ROW EXECUTE FUNCTION reject_poison()',
    );
    try {
      const topic = `${d.config.topicPrefix}.orders`;
      const poisonId = `POISON-${randomUUID().slice(0, 8)}`;
      let okId = '';
      for (let i = 0; !okId; i++) {
        const candidate = `after-poison-${i}-${randomUUID().slice(0, 4)}`;
        if (partitionForKey(topic, candidate) === partitionForKey(topic, poisonId)) okId = candidate;
      }
      const res = await d.api('/api/events/batch', {
        method: 'POST',
        body: JSON.stringify({ events: [orderCreated(poisonId), orderCreated(okId)] }),
      });
      expect(res.status).toBe(202);
      await waitFor('event after the poison applied', () => getOrder(okId), 60_000);
      expect(await getOrder(poisonId)).toBeNull();
      const { rows } = await d.core.pool.query<{ error: string; consumer_group: string }>(
        "SELECT error, consumer_group FROM dead_letters WHERE payload LIKE '%' || $1 || '%'",
        [poisonId],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.consumer_group).toBe(`${d.config.topicPrefix}.order-processor`);
      expect(rows[0]!.error).toMatch(/handler failed after retries: simulated handler failure/);
    } finally {
      await d.core.pool.query('DROP TRIGGER reject_poison ON order_events; DROP FUNCTION reject_poison()');
    }
  });

  it('leaves every count exact when a worker is killed mid-stream', async () => {
    const orders = 400;
    const ids = Array.from({ length: orders }, (_, i) => `k-${i}-${randomUUID().slice(0, 6)}`);
    const stream = ids.flatMap((id) => [
      orderCreated(id, { time: '2024-04-01T10:00:00Z', promisedDate: '2024-04-05' }),
      orderEvent(id, 'approved', '2024-04-01T11:00:00Z'),
      orderEvent(id, 'shipped', '2024-04-02T11:00:00Z'),
      orderEvent(id, 'delivered', '2024-04-04T11:00:00Z'),
    ]);
    const sup = d.core.supervisor!;
    const kill = async (name: 'order-processor' | 'analytics-aggregator') => {
      await waitFor(`${name} running`, async () => sup.health().find((w) => w.name === name)?.pid);
      sup.signal(name, 'SIGKILL');
    };
    for (let i = 0; i < stream.length; i += 200) {
      const res = await d.api('/api/events/batch', {
        method: 'POST',
        body: JSON.stringify({ events: stream.slice(i, i + 200) }),
      });
      expect(res.status).toBe(202);
      if (i === 400) await kill('order-processor');
      if (i === 800) await kill('analytics-aggregator');
      if (i === 1200) await kill('order-processor');
    }
    await waitFor(
      'all orders delivered',
      async () => {
        const { rows } = await d.core.pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM orders WHERE order_id LIKE 'k-%' AND status = 'delivered'",
        );
        return rows[0]!.n === orders;
      },
      120_000,
    );
    await waitFor(
      'all facts delivered',
      async () => {
        const { rows } = await d.core.pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM order_facts WHERE order_id LIKE 'k-%' AND delivered_day IS NOT NULL",
        );
        return rows[0]!.n === orders;
      },
      120_000,
    );
    const counts = await d.core.pool.query<{ events: number; sum: number; dup: number }>(
      `SELECT (SELECT count(*)::int FROM order_events WHERE order_id LIKE 'k-%') AS events,
              (SELECT sum(event_count)::int FROM orders WHERE order_id LIKE 'k-%') AS sum,
              (SELECT count(*)::int FROM (SELECT order_id FROM order_events WHERE order_id LIKE 'k-%' GROUP BY order_id HAVING count(*) <> 4) x) AS dup`,
    );
    expect(counts.rows[0]).toEqual({ events: orders * 4, sum: orders * 4, dup: 0 });
    expect(sup.health().find((w) => w.name === 'order-processor')!.restarts).toBeGreaterThanOrEqual(2);
    const kpi = await waitFor('kpi', async () => {
      const res = await d.api('/api/kpi/summary?from=2024-04-01&to=2024-04-30');
      const k = (await res.json()) as KpiSummary;
      return k.deliveredOrders === orders ? k : null;
    });
    // Delivered 2024-04-04 08:00 in São Paulo, promised 2024-04-05: all on time; cycle 3 d 1 h.
    expect(kpi.onTimeOrders).toBe(orders);
    expect(kpi.lateOrders).toBe(0);
    expect(kpi.cycleTimeMedianMs).toBe((3 * 24 + 1) * 3600_000);
    const page = (await (
      await d.api('/api/orders?status=delivered&q=k-&pageSize=10&sort=createdAt')
    ).json()) as OrderPage;
    expect(page.total).toBe(orders);
    expect(page.items).toHaveLength(10);
    // A page past the end still answers the filter's total (page and total are one statement).
    const past = (await (
      await d.api('/api/orders?status=delivered&q=k-&pageSize=10&page=1000')
    ).json()) as OrderPage;
    expect(past).toMatchObject({ items: [], total: orders, page: 1000, pageSize: 10 });
  });

  it("re-applies from the topics when the database lost a worker's positions and rows", async () => {
    // POISON-* orders were dead-lettered by an earlier test whose failure cause is gone now: a
    // re-application applies them, so they are left out of the comparison.
    const count =
      "SELECT count(*)::int AS n, sum(event_count)::int AS events FROM orders WHERE order_id NOT LIKE 'POISON-%'";
    const before = await d.core.pool.query<{ n: number; events: number }>(count);
    // What a database restore from an old backup looks like to the order-processor: no positions, no rows.
    const group = `${d.config.topicPrefix}.order-processor`;
    await d.core.pool.query('DELETE FROM consumer_offsets WHERE consumer_group = $1', [group]);
    await d.core.pool.query('TRUNCATE orders, order_lines, order_events'); // history = its applied ids
    const sup = d.core.supervisor!;
    await waitFor(
      'order-processor running',
      async () => sup.health().find((w) => w.name === 'order-processor')?.pid,
    );
    sup.signal('order-processor', 'SIGKILL');
    await waitFor(
      'orders rebuilt from the topic',
      async () => {
        const { rows } = await d.core.pool.query<{ n: number; events: number }>(count);
        return rows[0]!.n === before.rows[0]!.n && rows[0]!.events === before.rows[0]!.events;
      },
      90_000,
    );
  });
});
