/**
 * QA findings on drills, each a regression test on the real stack (Kafka, PostgreSQL, Redis and
 * the three built workers):
 * 1. drill isolation screens every entity an event names, not only its subject: a drill shipment
 *    naming a real `data.orderId`, a drill order shipped in a real `data.shipmentId`, live
 *    traffic naming a drill's entity, one drill naming another's: 409 naming the field at the
 *    API, dead-lettered with the rule by the workers for records written straight to Kafka;
 * 2. a purge is refused (409 `drill_run_active`, naming the run) while a run of the drill may
 *    still send; stopped, it purges;
 * 3. dead letters of a purged drill are not offered for re-drive and a re-drive naming them is
 *    refused (409 naming the key and the reason);
 * 4. a run is refused with 503 `broker_unavailable` before the core's start completed, and a
 *    halted run can be resumed: it completes with every event applied once;
 * 5. purging a drill that never existed is a 404 naming the drill id;
 * 6. a hand-made event under the drill id of a run that has ended (completed, stopped, ...) is
 *    refused with 409 `drill_ended` naming `drillid` (single and batch), so the run report keeps
 *    describing the run; a running or paused run's id and an ad-hoc drill id still work.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  topicNames,
  type ApiError,
  type DeadLetterPage,
  type DeadLetterRedriveResult,
  type DrillRun,
  type OrderPage,
  type SupplyChainEvent,
} from '../../contracts';
import { loadConfig } from '../../runtime/config';
import { dropDatabase, migrationsDir } from '../../runtime/db';
import { createKafka, toKafkaMessage } from '../../runtime/kafka';
import { createLogger } from '../../runtime/logger';
import { openCore } from '../../server/core';
import { closedPort } from '../support/forwarder';
import {
  FAST_HASH,
  orderCreated,
  orderEvent,
  repoRoot,
  sendBatchUntilAccepted,
  startDeployment,
  waitFor,
  waitForWorkersCaughtUp,
  type TestDeployment,
} from '../support/harness';

const run = randomUUID().slice(0, 6);
const DRILL = `qa-drill-${run}`;
const OTHER = `qa-other-${run}`;
const REAL_ORDER = `real-o-${run}`;
const REAL_SHIPMENT = `real-s-${run}`;
const DRILL_ORDER = `qa-do-${run}`;
const DRILL_SHIPMENT = `qa-ds-${run}`;

type Ev = Record<string, unknown> & { id: string; subject: string };

function shipmentEvent(
  id: string,
  kind: string,
  data: Record<string, unknown>,
  drillid?: string,
  time = '2024-03-02T10:00:00Z',
): Ev {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: 'test',
    type: `sct.shipment.${kind}.v1`,
    subject: id,
    time,
    ...(drillid ? { drillid } : {}),
    data,
  };
}

const shipped = (orderId: string, shipmentId: string, drillid?: string): Ev => ({
  ...orderEvent(orderId, 'shipped', '2024-03-02T09:00:00Z', { shipmentId }),
  ...(drillid ? { drillid } : {}),
});

let d: TestDeployment;

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text}`);
  return JSON.parse(text) as T;
}

const inject = (event: unknown) => d.api('/api/events', { method: 'POST', body: JSON.stringify(event) });
const injectBatch = (events: unknown[]) =>
  d.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
const purge = (drillId: string) =>
  d.api(`/api/drills/${drillId}/purge`, { method: 'POST', body: JSON.stringify({ reason: 'qa' }) });

async function produce(topic: string, events: Ev[]): Promise<void> {
  const producer = createKafka(d.config, 'test-drill-qa').producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: events.map((e) => toKafkaMessage(e as SupplyChainEvent)),
    });
  } finally {
    await producer.disconnect();
  }
}

async function deadLetterErrors(eventId: string): Promise<string[]> {
  const { rows } = await d.core.pool.query<{ error: string }>(
    'SELECT error FROM dead_letters WHERE event_id = $1 ORDER BY consumer_group',
    [eventId],
  );
  return rows.map((r) => r.error);
}

async function startRun(body: unknown): Promise<DrillRun> {
  const res = await d.api('/api/drills/runs', { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(202);
  return json<DrillRun>(res);
}

const runOf = async (id: string) => json<DrillRun>(await d.api(`/api/drills/runs/${id}`));
const act = (id: string, action: 'pause' | 'resume' | 'stop') =>
  d.api(`/api/drills/runs/${id}/${action}`, { method: 'POST', body: JSON.stringify({ reason: 'qa' }) });

beforeAll(async () => {
  d = await startDeployment({ drillSettleTimeoutMs: 30_000 });
  // Real traffic: an order with its shipment, which will have an open exception.
  await sendBatchUntilAccepted(d, [
    orderCreated(REAL_ORDER),
    shipped(REAL_ORDER, REAL_SHIPMENT),
    shipmentEvent(REAL_SHIPMENT, 'created', { orderId: REAL_ORDER, carrier: 'UPS', trackingNumber: 'T-1' }),
    // A drill's own order and shipment, made by its traffic.
    orderCreated(DRILL_ORDER, { drillid: DRILL }),
    shipmentEvent(
      DRILL_SHIPMENT,
      'created',
      { orderId: DRILL_ORDER, carrier: 'UPS', trackingNumber: 'T-2' },
      DRILL,
    ),
  ]);
  await waitForWorkersCaughtUp(d, 60_000);
}, 120_000);

afterAll(async () => {
  await d?.close();
});

describe('drill isolation covers every entity an event names (QA finding 1)', () => {
  it('refuses at the API a drill event naming a real order or shipment in data, naming the field', async () => {
    const res = await inject(
      shipmentEvent(
        `${DRILL_SHIPMENT}-new`,
        'created',
        { orderId: REAL_ORDER, carrier: 'X', trackingNumber: 'T-3' },
        DRILL,
      ),
    );
    expect(res.status).toBe(409);
    const body = (await res.json()) as ApiError;
    expect(body).toMatchObject({
      error: 'live_entity_in_drill',
      issues: [{ field: 'data.orderId', rule: 'live_entity_in_drill' }],
    });
    expect(body.message).toContain(`data.orderId: order ${REAL_ORDER} is live`);

    const ship = await inject(shipped(DRILL_ORDER, REAL_SHIPMENT, DRILL));
    expect(ship.status).toBe(409);
    expect(await ship.json()).toMatchObject({
      error: 'live_entity_in_drill',
      issues: [{ field: 'data.shipmentId' }],
    });
  });

  it('is symmetric: live traffic naming a drill entity, another drill naming it, at the API', async () => {
    const live = await inject(
      shipmentEvent(`live-s-${run}`, 'created', {
        orderId: DRILL_ORDER,
        carrier: 'X',
        trackingNumber: 'T-4',
      }),
    );
    expect(live.status).toBe(409);
    expect(await live.json()).toMatchObject({
      error: 'drill_entity_in_live_traffic',
      issues: [{ field: 'data.orderId' }],
    });
    const other = await inject(shipped(`${OTHER}-o`, DRILL_SHIPMENT, OTHER));
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({
      error: 'entity_of_other_drill',
      issues: [{ field: 'data.shipmentId' }],
    });
  });

  it("counts entities made earlier in the same batch as that batch's traffic", async () => {
    const o = `qa-batch-o-${run}`;
    const s = `qa-batch-s-${run}`;
    const ok = await injectBatch([
      orderCreated(o, { drillid: DRILL }),
      shipped(o, s, DRILL),
      shipmentEvent(s, 'created', { orderId: o, carrier: 'X', trackingNumber: 'T-5' }, DRILL),
    ]);
    expect(ok.status).toBe(202);
    // ... and live traffic naming that new drill order in the same batch is refused with its index.
    const mixed = await injectBatch([
      orderCreated(`${o}-2`, { drillid: DRILL }),
      shipmentEvent(`live-s2-${run}`, 'created', { orderId: `${o}-2`, carrier: 'X', trackingNumber: 'T-6' }),
    ]);
    expect(mixed.status).toBe(409);
    expect(await mixed.json()).toMatchObject({ error: 'drill_entity_in_live_traffic', index: 1 });
  });

  it('dead-letters with the rule a record written straight to Kafka; the real order does not show the drill exception', async () => {
    const topics = topicNames(d.config.topicPrefix);
    const drillShipment = shipmentEvent(
      `${DRILL_SHIPMENT}-k`,
      'created',
      { orderId: REAL_ORDER, carrier: 'X', trackingNumber: 'T-7' },
      DRILL,
    );
    const drillException = shipmentEvent(
      `${DRILL_SHIPMENT}-k`,
      'exception',
      { reasonCode: 'LOST' },
      DRILL,
      '2024-03-03T10:00:00Z',
    );
    const drillShip = shipped(DRILL_ORDER, REAL_SHIPMENT, DRILL);
    await produce(topics.shipments, [drillShipment, drillException]);
    await produce(topics.orders, [drillShip]);
    await waitForWorkersCaughtUp(d, 60_000);
    const shipmentErrors = await deadLetterErrors(drillShipment.id);
    expect(shipmentErrors).toHaveLength(1);
    expect(shipmentErrors[0]).toContain('drill isolation (live_entity_in_drill): data.orderId');
    const orderErrors = await deadLetterErrors(drillShip.id);
    expect(orderErrors).toHaveLength(2); // order-processor and analytics-aggregator alike
    for (const e of orderErrors)
      expect(e).toContain('drill isolation (live_entity_in_drill): data.shipmentId');
    // The refused shipment was never made, so its exception was applied to nothing real.
    const page = await json<OrderPage>(await d.api(`/api/orders?openException=true&includeDrills=false`));
    expect(page.items.map((o) => o.orderId)).not.toContain(REAL_ORDER);
    const { rows } = await d.core.pool.query<{ shipment_id: string; status: string }>(
      'SELECT shipment_id, status FROM orders WHERE order_id = ANY($1::text[]) ORDER BY order_id',
      [[REAL_ORDER, DRILL_ORDER]],
    );
    expect(rows.find((r) => r.shipment_id === REAL_SHIPMENT)).toBeDefined();
    expect(
      (
        await d.core.pool.query('SELECT 1 FROM orders WHERE order_id = $1 AND shipment_id = $2', [
          DRILL_ORDER,
          REAL_SHIPMENT,
        ])
      ).rowCount,
    ).toBe(0);
  });
});

describe('purging drills (QA findings 2, 3, 5)', () => {
  it('answers 404 naming the drill id for a drill that never existed', async () => {
    const res = await purge(`never-${run}`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as ApiError;
    expect(body.error).toBe('drill_not_found');
    expect(body.message).toContain(`never-${run}`);
    // The id stays usable: events of that drill id are accepted.
    expect((await inject(orderCreated(`never-${run}-o`, { drillid: `never-${run}` }))).status).toBe(202);
  });

  let purgedDrill = '';
  it('refuses to purge a drill while its run is running or paused, naming the run; stopped, it purges', async () => {
    const started = await startRun({
      scenarioId: 'lost-parcel',
      parameters: { orders: 40, rate: 20 },
      seed: 5,
    });
    purgedDrill = started.drillId;
    const refused = await purge(started.drillId);
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as ApiError;
    expect(body.error).toBe('drill_run_active');
    expect(body.message).toContain(started.id);
    expect(body.message).toContain('stop it first');
    await waitFor('some events sent', async () => (await runOf(started.id)).progress.sent > 0, 30_000);
    expect((await act(started.id, 'pause')).status).toBe(200);
    const paused = await purge(started.drillId);
    expect(paused.status).toBe(409);
    expect(((await paused.json()) as ApiError).message).toContain('paused: stop it first');
    expect((await act(started.id, 'stop')).status).toBe(200);
    expect((await purge(started.drillId)).status).toBe(202);
    // A purged drill's run cannot be resumed either (it is stopped: final).
    expect((await act(started.id, 'resume')).status).toBe(409);
  });

  it('does not offer, and refuses with 409, a re-drive of a purged drill’s dead letters', async () => {
    const topics = topicNames(d.config.topicPrefix);
    await waitForWorkersCaughtUp(d, 60_000);
    // A late event of the purged drill, written straight to Kafka: dead-lettered as drill_purged.
    const late = orderCreated(`${purgedDrill}-late`, { drillid: purgedDrill }) as Ev;
    await produce(topics.orders, [late]);
    await waitForWorkersCaughtUp(d, 60_000);
    expect((await deadLetterErrors(late.id)).every((e) => e.includes('drill isolation (drill_purged)'))).toBe(
      true,
    );
    const page = await json<DeadLetterPage>(await d.api('/api/dead-letters?status=all&pageSize=100'));
    const row = page.items.find((i) => i.eventId === late.id)!;
    expect(row.redrive).toEqual({
      offered: false,
      reason: expect.stringContaining(`drill ${purgedDrill} was purged`),
    });
    // Isolation refusals are not offered either (the rule refuses them again).
    const isolation = page.items.filter((i) => i.error.startsWith('drill isolation ('));
    expect(isolation.length).toBeGreaterThan(1);
    for (const i of isolation) expect(i.redrive.offered).toBe(false);

    const key = {
      sourceTopic: row.sourceTopic,
      sourcePartition: row.sourcePartition,
      sourceOffset: row.sourceOffset,
    };
    const res = await d.api('/api/dead-letters/redrive', {
      method: 'POST',
      body: JSON.stringify({ keys: [key] }),
    });
    expect(res.status).toBe(409);
    const body = (await res.json()) as DeadLetterRedriveResult;
    expect(body).toMatchObject({ redriven: 0, refused: 1, error: 'drill_purged' });
    expect(body.message).toContain(`${key.sourceTopic}/${key.sourcePartition}/${key.sourceOffset}`);
    expect(body.message).toContain('was purged');
    // Nothing was published: no new dead letter of that event appears.
    await waitForWorkersCaughtUp(d, 60_000);
    expect(await deadLetterErrors(late.id)).toHaveLength(2);
  });
});

describe('injections under an ended drill run (QA finding 6)', () => {
  it("refuses a drill lead's hand-made events under an ended run's drill id, naming drillid; open runs and ad-hoc ids work", async () => {
    const { createOperator } = await import('../../runtime/operators');
    await createOperator(
      d.core.pool,
      { username: `lead-${run}`, role: 'drill_lead', password: 'a-long-drill-password' },
      FAST_HASH,
    );
    const login = await fetch(`${d.core.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `lead-${run}`, password: 'a-long-drill-password' }),
    });
    const lead = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
    const asLead = (p: string, body: unknown) =>
      d.api(p, { method: 'POST', headers: lead, body: JSON.stringify(body) });

    // A run that completed: its orders exist.
    const done = await startRun({ scenarioId: 'lost-parcel', parameters: { orders: 2, rate: 200 } });
    const completed = await waitFor(
      'the run completed and checked',
      async () => {
        const r = await runOf(done.id);
        return r.state === 'completed' && r.checks ? r : null;
      },
      90_000,
      300,
    );
    await waitForWorkersCaughtUp(d, 60_000);
    const { rows } = await d.core.pool.query<{ order_id: string }>(
      'SELECT order_id FROM orders WHERE drill_id = $1 ORDER BY order_id LIMIT 1',
      [completed.drillId],
    );
    const drillOrder = rows[0]!.order_id;

    // Cancelling one of its orders, or creating a new order under it: 409 naming drillid.
    const cancel = await asLead('/api/events', {
      ...orderEvent(drillOrder, 'cancelled', '2024-03-03T10:00:00Z'),
      drillid: completed.drillId,
    });
    expect(cancel.status).toBe(409);
    const body = (await cancel.json()) as ApiError;
    expect(body.error).toBe('drill_ended');
    expect(body.issues).toEqual([{ field: 'drillid', rule: 'drill_run_open', message: body.message }]);
    expect(body.message).toContain(`run ${done.id} ended at ${completed.endedAt} (completed)`);
    expect(body.message).toContain('start a new drill or inject under a new drill id');
    const created = await asLead(
      '/api/events',
      orderCreated(`${DRILL_ORDER}-late`, { drillid: completed.drillId }),
    );
    expect(created.status).toBe(409);
    expect(((await created.json()) as ApiError).error).toBe('drill_ended');

    // In a batch: the index of the first such event; nothing of the batch is published.
    const adHocOrder = `${DRILL_ORDER}-adhoc`;
    const batch = await asLead('/api/events/batch', {
      events: [
        orderCreated(adHocOrder, { drillid: `${DRILL}-adhoc` }),
        orderCreated(`${DRILL_ORDER}-late2`, { drillid: completed.drillId }),
      ],
    });
    expect(batch.status).toBe(409);
    expect((await batch.json()) as ApiError).toMatchObject({ error: 'drill_ended', index: 1 });

    // The refusal is audited, naming the rule.
    const audited = await d.core.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log
        WHERE action = 'events.inject' AND outcome = 'rejected' AND actor = $1 AND detail->>'error' = 'drill_ended'`,
      [`lead-${run}`],
    );
    expect(audited.rows[0]!.n).toBe(3);

    // An ad-hoc drill id (no run) keeps working.
    expect(
      (await asLead('/api/events', orderCreated(adHocOrder, { drillid: `${DRILL}-adhoc` }))).status,
    ).toBe(202);

    // A paused run's drill id keeps working; once the run is stopped it is refused.
    const open = await startRun({ scenarioId: 'lost-parcel', parameters: { orders: 50, rate: 2 } });
    await waitFor('the run sending', async () => (await runOf(open.id)).progress.sent > 0, 30_000);
    expect((await act(open.id, 'pause')).status).toBe(200);
    const during = await asLead(
      '/api/events',
      orderCreated(`${DRILL_ORDER}-paused`, { drillid: open.drillId }),
    );
    expect(during.status, await during.clone().text()).toBe(202);
    expect((await act(open.id, 'stop')).status).toBe(200);
    const stopped = await waitFor(
      'the run stopped',
      async () => {
        const r = await runOf(open.id);
        return r.state === 'stopped' ? r : null;
      },
      30_000,
    );
    const after = await asLead(
      '/api/events',
      orderCreated(`${DRILL_ORDER}-stopped`, { drillid: open.drillId }),
    );
    expect(after.status).toBe(409);
    expect(((await after.json()) as ApiError).message).toContain(`ended at ${stopped.endedAt} (stopped)`);
  });
});

describe('drill runs and the broker (QA finding 4)', () => {
  it('resumes a halted run once the outage is over: it completes and its checks pass, every event once', async () => {
    const started = await startRun({
      scenarioId: 'carrier-delay-wave',
      parameters: { orders: 10, rate: 20 },
      seed: 9,
    });
    await waitFor('some events sent', async () => (await runOf(started.id)).progress.sent > 0, 30_000);
    const paused = await json<DrillRun>(await act(started.id, 'pause'));
    // As a halt by a Kafka outage leaves it (the halt itself: server/drills/runner.ts haltReasonOf).
    await d.core.pool.query(
      `UPDATE drill_runs SET state = 'halted', ended_at = now(), halt_reason = 'Kafka is down (test)' WHERE id = $1`,
      [started.id],
    );
    const resumed = await act(started.id, 'resume');
    expect(resumed.status).toBe(200);
    expect(((await resumed.json()) as DrillRun).haltReason).toBeNull();
    const done = await waitFor(
      'the resumed run checked',
      async () => {
        const r = await runOf(started.id);
        return r.checks ? r : null;
      },
      90_000,
      300,
    );
    expect(done.state).toBe('completed');
    expect(done.progress.sent).toBe(done.progress.total);
    expect(done.progress.sent).toBeGreaterThan(paused.progress.sent);
    expect(done.passed).toBe(true);
  });

  it('refuses a run with 503 broker_unavailable while the core waits for Kafka', async () => {
    const base = loadConfig();
    const id = randomBytes(4).toString('hex');
    const dbUrl = new URL(base.databaseUrl);
    dbUrl.pathname = `/sct_test_${id}`;
    const config = {
      ...base,
      kafkaBrokers: [`127.0.0.1:${await closedPort()}`],
      databaseUrl: dbUrl.toString(),
      topicPrefix: `t${id}`,
      apiPort: 0,
      logLevel: 'warn' as const,
    };
    const core = await openCore({
      config,
      log: createLogger('drill-qa', 'silent'),
      migrationsDir: migrationsDir(repoRoot),
    });
    try {
      const res = await fetch(`${core.url}/api/drills/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${core.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ scenarioId: 'lost-parcel', parameters: { orders: 5, rate: 10 } }),
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as ApiError).error).toBe('broker_unavailable');
    } finally {
      await core.stop();
      await dropDatabase(config.databaseUrl).catch(() => undefined);
    }
  });
});
