/**
 * Dead letters on the real local stack: a poison message is listed once (with both consumer
 * groups of the orders topic that parked it), a re-drive of a still-invalid payload is refused
 * with 422 naming the rule, and a dead letter whose payload is a valid event (a handler failure
 * that has since been fixed) is re-published through the normal path: re-driven twice, the order
 * is still counted once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DeadLetter,
  DeadLetterKey,
  DeadLetterPage,
  DeadLetterRedriveResult,
  OrderDetail,
} from '../../contracts';
import { createKafka, partitionForKey } from '../../runtime/kafka';
import { orderCreated, startDeployment, waitFor, type TestDeployment } from '../support/harness';

let d: TestDeployment;
let ordersTopic: string;
let groups: { orders: string; analytics: string };

beforeAll(async () => {
  d = await startDeployment();
  ordersTopic = `${d.config.topicPrefix}.orders`;
  groups = {
    orders: `${d.config.topicPrefix}.order-processor`,
    analytics: `${d.config.topicPrefix}.analytics-aggregator`,
  };
});

afterAll(async () => {
  await d?.close();
});

async function list(query = ''): Promise<DeadLetterPage> {
  const res = await d.api(`/api/dead-letters${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as DeadLetterPage;
}

async function redrive(keys: DeadLetterKey[]): Promise<{ status: number; body: DeadLetterRedriveResult }> {
  // Re-driving more than one dead letter is a bulk action: it needs a reason (audited).
  const reason = keys.length > 1 ? 'integration test: the payload was fixed upstream' : undefined;
  const res = await d.api('/api/dead-letters/redrive', {
    method: 'POST',
    body: JSON.stringify({ keys, reason }),
  });
  return { status: res.status, body: (await res.json()) as DeadLetterRedriveResult };
}

const keyOf = (l: DeadLetter): DeadLetterKey => ({
  sourceTopic: l.sourceTopic,
  sourcePartition: l.sourcePartition,
  sourceOffset: l.sourceOffset,
});

/** Waits until both groups reading the orders topic have consumed past `offset` of `partition`. */
async function consumedPast(partition: number, offset: string): Promise<void> {
  await waitFor(`orders partition ${partition} consumed past ${offset}`, async () => {
    const { rows } = await d.core.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM consumer_offsets
        WHERE topic = $1 AND kafka_partition = $2 AND next_offset > $3 AND consumer_group = ANY($4::text[])`,
      [ordersTopic, partition, offset, [groups.orders, groups.analytics]],
    );
    return rows[0]!.n === 2;
  });
}

describe('dead letters', () => {
  let invalidKey: DeadLetterKey;

  it('lists a schema-invalid message once, with the groups that parked it and the reason', async () => {
    const orderId = `o-dl-${randomUUID().slice(0, 8)}`;
    const event = orderCreated(orderId, { quantity: 0 }); // one broken rule: quantity >= 1
    const producer = createKafka(d.config, 'test-dead-letters').producer();
    await producer.connect();
    await producer.send({ topic: ordersTopic, messages: [{ key: orderId, value: JSON.stringify(event) }] });
    await producer.disconnect();

    const letter = await waitFor('dead letter listed by both groups', async () => {
      const page = await list();
      const found = page.items.find((l) => l.eventId === event.id);
      return found && found.groups.length === 2 ? found : null;
    });
    invalidKey = keyOf(letter);
    expect(letter).toMatchObject({
      sourceTopic: ordersTopic,
      sourcePartition: partitionForKey(ordersTopic, orderId),
      groups: [groups.analytics, groups.orders],
      eventType: 'sct.order.created.v1', // no headers on this message: read from the payload
      redrivenAt: null,
      redriveCount: 0,
      payload: JSON.stringify(event),
    });
    expect(letter.error).toContain('data.lines.0.quantity: too_small');
    const page = await list();
    expect(page.items.filter((l) => l.eventId === event.id)).toHaveLength(1); // one row, not one per group
    expect(page.openCount).toBeGreaterThanOrEqual(1);
    expect(page.eventTypes).toContain('sct.order.created.v1');
    expect((await list('?type=sct.order.created.v1')).items.map((l) => l.eventId)).toContain(event.id);
    expect((await list('?type=sct.order.packed.v1')).items).toHaveLength(0);
    expect((await list('?status=redriven')).items).toHaveLength(0);
  });

  it('refuses to re-drive a payload that is still invalid (422 naming the rule) and keeps it open', async () => {
    const { status, body } = await redrive([invalidKey]);
    expect(status).toBe(422);
    expect(body.error).toBe('redrive_rejected');
    expect(body.issues).toContainEqual(
      expect.objectContaining({ field: 'data.lines.0.quantity', rule: 'too_small' }),
    );
    expect(body.results).toEqual([
      expect.objectContaining({
        ...invalidKey,
        status: 422,
        outcome: 'rejected',
        error: 'validation_failed',
      }),
    ]);
    const { rows } = await d.core.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM dead_letter_redrives',
    );
    expect(rows[0]!.n).toBe(0);
    const still = (await list('?status=open')).items.find((l) => l.sourceOffset === invalidKey.sourceOffset);
    expect(still?.redrivenAt).toBeNull();
  });

  it('re-drives a fixed dead letter through the normal path; twice still counts once', async () => {
    // A valid event parked by both groups (as a handler failure would), at an offset that is past.
    const orderId = `o-fixed-${randomUUID().slice(0, 8)}`;
    const event = orderCreated(orderId);
    const key: DeadLetterKey = {
      sourceTopic: ordersTopic,
      sourcePartition: partitionForKey(ordersTopic, orderId),
      sourceOffset: '900000',
    };
    await d.core.pool.query(
      `INSERT INTO dead_letters (source_topic, source_partition, source_offset, consumer_group, event_id, event_type, error, payload)
       SELECT $1::text, $2::int, $3::bigint, g, $5::text, $6::text, 'handler failed after retries: simulated', $7::text
         FROM unnest($4::text[]) AS g`,
      [
        key.sourceTopic,
        key.sourcePartition,
        key.sourceOffset,
        [groups.orders, groups.analytics],
        event.id,
        event.type,
        JSON.stringify(event),
      ],
    );
    const missing: DeadLetterKey = { ...key, sourceOffset: '900001' };

    // One request: the fixed key (named twice: re-published once), a missing one, the invalid one.
    const first = await redrive([key, missing, key, invalidKey]);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ redriven: 1, rejected: 1, notFound: 1 });
    expect(first.body.results.map((r) => [r.sourceOffset, r.status, r.outcome])).toEqual([
      [key.sourceOffset, 202, 'redriven'],
      [missing.sourceOffset, 404, 'not_found'],
      [invalidKey.sourceOffset, 422, 'rejected'],
    ]);
    const placed1 = first.body.results[0]!.placed!;
    expect(placed1).toMatchObject({ id: event.id, topic: ordersTopic, partition: key.sourcePartition });

    const order = await waitFor('re-driven order visible', async () => {
      const res = await d.api(`/api/orders/${orderId}`);
      return res.status === 200 ? ((await res.json()) as OrderDetail) : null;
    });
    expect(order.eventCount).toBe(1);

    const second = await redrive([key]);
    expect(second.status).toBe(202);
    const placed2 = second.body.results[0]!.placed!;
    expect(BigInt(placed2.offset)).toBeGreaterThan(BigInt(placed1.offset));
    await consumedPast(placed2.partition, placed2.offset);

    const after = (await (await d.api(`/api/orders/${orderId}`)).json()) as OrderDetail;
    expect(after.eventCount).toBe(1);
    expect(after.history).toHaveLength(1);
    const facts = await d.core.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM order_facts WHERE order_id = $1',
      [orderId],
    );
    expect(facts.rows[0]!.n).toBe(1);
    // Claimed once per group: in the order history (order-processor) and applied_events (analytics).
    const applied = await d.core.pool.query<{ history: number; applied: number }>(
      `SELECT (SELECT count(*) FROM order_events WHERE event_id = $1)::int AS history,
              (SELECT count(*) FROM applied_events WHERE event_id = $1)::int AS applied`,
      [event.id],
    );
    expect(applied.rows[0]).toEqual({ history: 1, applied: 1 });

    // Recorded per parking group; listed as re-driven (twice), no longer open.
    const recorded = await d.core.pool.query<{ consumer_group: string; new_offset: string; actor: string }>(
      `SELECT consumer_group, new_offset::text, actor FROM dead_letter_redrives
        WHERE source_topic = $1 AND source_partition = $2 AND source_offset = $3 ORDER BY redriven_at, consumer_group`,
      [key.sourceTopic, key.sourcePartition, key.sourceOffset],
    );
    expect(recorded.rows.map((r) => [r.consumer_group, r.new_offset])).toEqual([
      [groups.analytics, placed1.offset],
      [groups.orders, placed1.offset],
      [groups.analytics, placed2.offset],
      [groups.orders, placed2.offset],
    ]);
    expect(recorded.rows[0]!.actor).toBeTruthy();
    const redriven = (await list('?status=redriven')).items;
    expect(redriven).toHaveLength(1);
    expect(redriven[0]).toMatchObject({ ...key, eventId: event.id, redriveCount: 2 });
    expect(redriven[0]!.redrivenAt).not.toBeNull();
    const open = await list('?status=open');
    expect(open.items.map((l) => l.sourceOffset)).not.toContain(key.sourceOffset);
    expect(open.openCount).toBe(open.total);
  });

  it('rejects malformed re-drive requests with field-named errors', async () => {
    const empty = await d.api('/api/dead-letters/redrive', {
      method: 'POST',
      body: JSON.stringify({ keys: [] }),
    });
    expect(empty.status).toBe(400);
    const tooMany = Array.from({ length: 501 }, (_, i) => ({ ...invalidKey, sourceOffset: String(i) }));
    expect((await redrive(tooMany)).status).toBe(400);
    const badOffset = await d.api('/api/dead-letters/redrive', {
      method: 'POST',
      body: JSON.stringify({ keys: [{ ...invalidKey, sourceOffset: '-1' }] }),
    });
    expect(badOffset.status).toBe(400);
    const body = (await badOffset.json()) as { issues: { field: string }[] };
    expect(body.issues[0]!.field).toBe('keys.0.sourceOffset');
    expect((await d.api('/api/dead-letters?status=closed')).status).toBe(400);
    expect((await fetch(`${d.core.url}/api/dead-letters`)).status).toBe(401);
  });
});
