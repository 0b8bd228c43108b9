/**
 * The CloudEvents Kafka protocol binding through the real broker: records made by the official
 * CloudEvents SDK (structured and binary mode) and records with the pre-binding headers, produced
 * straight to the topic with kafkajs, are materialized and visible through the API; a record in
 * neither mode is dead-lettered with its reason (the dead-letter record keeps the original
 * headers); what the API publishes decodes with the SDK to the same event; and a replay of these
 * topics has no drift.
 */
import { randomUUID } from 'node:crypto';
import { CloudEvent, Kafka as CloudEventsKafka, type KafkaMessage as SdkKafkaMessage } from 'cloudevents';
import type { Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterPage, InjectResult, OrderDetail } from '../../contracts';
import { migrationsDir } from '../../runtime/db';
import { createKafka } from '../../runtime/kafka';
import { createLogger } from '../../runtime/logger';
import { createRedis } from '../../runtime/redis';
import { checkDrift } from '../../scripts/replay/drift';
import { dropReplaySchema, replayIntoFreshSchema } from '../../scripts/replay/replay';
import { orderCreated, repoRoot, startDeployment, waitFor, type TestDeployment } from '../support/harness';

let d: TestDeployment;
let ordersTopic: string;

beforeAll(async () => {
  d = await startDeployment();
  ordersTopic = `${d.config.topicPrefix}.orders`;
});

afterAll(async () => {
  await d?.close();
});

/** An SDK-made message as a kafkajs message: string headers (unset ones dropped), text value. */
function kafkajsMessage(m: SdkKafkaMessage<unknown>, key: string): Message {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.headers))
    if (value !== undefined) headers[name] = String(value);
  return { key, value: typeof m.value === 'string' ? m.value : JSON.stringify(m.value), headers };
}

async function produce(messages: Message[]): Promise<void> {
  const producer = createKafka(d.config, 'test-cloudevents').producer();
  await producer.connect();
  try {
    await producer.send({ topic: ordersTopic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

async function order(id: string): Promise<OrderDetail | null> {
  const res = await d.api(`/api/orders/${id}`);
  return res.status === 200 ? ((await res.json()) as OrderDetail) : null;
}

describe('CloudEvents Kafka binding on the real broker', () => {
  it('materializes SDK-made structured and binary records and pre-binding records', async () => {
    const ids = {
      structured: `o-ce-s-${randomUUID().slice(0, 8)}`,
      binary: `o-ce-b-${randomUUID().slice(0, 8)}`,
      legacy: `o-ce-l-${randomUUID().slice(0, 8)}`,
    };
    const structured = orderCreated(ids.structured);
    const binary = { ...orderCreated(ids.binary), datacontenttype: 'application/json' };
    const legacy = orderCreated(ids.legacy, { drillid: 'drill-ce' });
    await produce([
      kafkajsMessage(CloudEventsKafka.structured(new CloudEvent<unknown>(structured)), ids.structured),
      kafkajsMessage(CloudEventsKafka.binary(new CloudEvent<unknown>(binary)), ids.binary),
      {
        key: ids.legacy,
        value: JSON.stringify(legacy),
        headers: { ce_id: legacy.id, ce_type: legacy.type, ce_drillid: 'drill-ce' },
      },
    ]);
    for (const [mode, id] of Object.entries(ids)) {
      const o = await waitFor(`${mode} record materialized`, () => order(id));
      expect(o).toMatchObject({ orderId: id, status: 'created' });
      expect(o.lines).toEqual([{ sku: 'SKU-1', quantity: 2, deliveredQuantity: null }]);
    }
    expect((await order(ids.legacy))?.isDrill).toBe(true);
  });

  it('dead-letters a record in neither mode, and a binary record with an unknown attribute, with the reason', async () => {
    const bad = orderCreated(`o-ce-x-${randomUUID().slice(0, 8)}`);
    const extra = CloudEventsKafka.binary(new CloudEvent<unknown>({ ...bad, color: 'red' }));
    await produce([
      { key: 'o-ce-neither', value: 'not an event', headers: { ce_id: 'neither-1' } },
      kafkajsMessage(extra, bad.subject),
    ]);
    const letters = await waitFor('both dead letters listed', async () => {
      const res = await d.api('/api/dead-letters');
      const page = (await res.json()) as DeadLetterPage;
      const neither = page.items.find((l) => l.eventId === 'neither-1');
      const binary = page.items.find((l) => l.eventId === bad.id);
      return neither && binary ? { neither, binary } : null;
    });
    expect(letters.neither.error).toMatch(
      /^value is not JSON: .*; mode: neither structured \(no content-type application\/cloudevents\+json header\) nor binary \(no ce_specversion header\)$/,
    );
    expect(letters.binary.error).toMatch(
      /^schema validation failed: color: unrecognized_keys .*color.*; mode: binary$/,
    );
    // parked as the whole event (rebuilt from the ce_ headers), so it could be fixed and re-driven
    expect(JSON.parse(letters.binary.payload)).toMatchObject({ id: bad.id, color: 'red', data: bad.data });

    // The dead-letter record keeps the original headers and adds the dead-letter ones.
    const consumer = createKafka(d.config, 'test-cloudevents-dlq').consumer({
      groupId: `test-dlq-${randomUUID()}`,
    });
    await consumer.connect();
    const seen: Record<string, string>[] = [];
    try {
      await consumer.subscribe({ topic: `${d.config.topicPrefix}.dead-letter`, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(
            Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          );
        },
      });
      const dlq = await waitFor('binary dead letter on the topic', async () =>
        seen.find((h) => h.ce_id === bad.id),
      );
      expect(dlq).toMatchObject({
        ce_specversion: '1.0',
        ce_color: 'red',
        dlq_source_topic: ordersTopic,
        dlq_error: letters.binary.error,
      });
    } finally {
      await consumer.disconnect();
    }
  });

  it('publishes structured-mode records that the CloudEvents SDK decodes to the same event', async () => {
    const event = orderCreated(`o-ce-api-${randomUUID().slice(0, 8)}`, { drillid: 'drill-api' });
    const res = await d.api('/api/events', { method: 'POST', body: JSON.stringify(event) });
    expect(res.status).toBe(202);
    const placed = (await res.json()) as InjectResult;
    const consumer = createKafka(d.config, 'test-cloudevents-read').consumer({
      groupId: `test-ce-${randomUUID()}`,
    });
    await consumer.connect();
    let found: { value: string; headers: Record<string, string> } | null = null;
    try {
      await consumer.subscribe({ topic: ordersTopic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          if (partition === placed.partition && message.offset === placed.offset)
            found = {
              value: message.value!.toString(),
              headers: Object.fromEntries(
                Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
              ),
            };
        },
      });
      await waitFor('the published record read back', async () => found);
    } finally {
      await consumer.disconnect();
    }
    const record = found!;
    expect(record.headers).toEqual({
      'content-type': 'application/cloudevents+json; charset=UTF-8',
      'sct-event-id': event.id,
      'sct-event-type': event.type,
      'sct-drill-id': 'drill-api',
    });
    const sdkMessage: SdkKafkaMessage<string> = {
      key: event.subject,
      value: record.value,
      headers: record.headers,
      body: record.value,
      timestamp: undefined,
    };
    const sdk = CloudEventsKafka.toEvent(sdkMessage);
    const { partitionkey, ...attributes } = JSON.parse(JSON.stringify(sdk)) as Record<string, unknown>;
    expect(partitionkey).toBe(event.subject);
    expect(attributes).toEqual({ ...event, time: new Date(event.time).toISOString() });
  });

  it('replays these topics (all three kinds of record) into a fresh schema without drift', async () => {
    const started = new Date();
    const replay = await replayIntoFreshSchema(
      d.config,
      migrationsDir(repoRoot),
      createLogger('replay', 'warn'),
    );
    const redis = createRedis(d.config);
    try {
      const report = await checkDrift(d.config, redis, replay, started);
      expect(report.tables.filter((t) => t.differingKeys > 0)).toEqual([]);
      expect(report.kpiDifferences).toEqual([]);
      expect(report.ok).toBe(true);
    } finally {
      redis.disconnect();
      await dropReplaySchema(d.core.pool, replay.schema);
    }
  });
});
