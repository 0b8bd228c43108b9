import { describe, expect, it } from 'vitest';
import type { KafkaMessage } from 'kafkajs';
import { topicNames } from '../../contracts';
import { decodeMessage } from './record-decoding';

const topics = topicNames('t');
const message = (value: string, headers: Record<string, string> = {}): KafkaMessage => ({
  key: Buffer.from('k'),
  value: Buffer.from(value),
  offset: '0',
  timestamp: '0',
  attributes: 0,
  headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
});
const shipmentCreated = {
  specversion: '1.0',
  id: '3f1c2a4e-8b7d-4c2a-9e1f-0a1b2c3d4e5f',
  source: 'test',
  type: 'sct.shipment.created.v1',
  subject: 's-1',
  time: '2024-03-01T12:00:00Z',
  data: {
    orderId: 'o-1',
    carrier: 'UPS',
    trackingNumber: '1Z',
    origin: 'A',
    destination: 'B',
    promisedDate: '2024-03-05',
  },
};

describe('decodeMessage', () => {
  it('accepts a valid event on its own topic', () => {
    expect('event' in decodeMessage(message(JSON.stringify(shipmentCreated)), topics.shipments, topics)).toBe(
      true,
    );
  });
  it('rejects a valid event produced to the wrong topic', () => {
    const r = decodeMessage(message(JSON.stringify(shipmentCreated)), topics.orders, topics);
    expect(r).toMatchObject({ eventType: 'sct.shipment.created.v1' });
    expect('error' in r && r.error).toMatch(/does not belong on topic t\.orders/);
  });
  it('names the event of an invalid payload when its JSON says what it is', () => {
    const r = decodeMessage(
      message(JSON.stringify({ ...shipmentCreated, time: 'yesterday' })),
      topics.shipments,
      topics,
    );
    expect(r).toMatchObject({ eventId: shipmentCreated.id, eventType: 'sct.shipment.created.v1' });
    expect('error' in r && r.error).toMatch(/^schema validation failed: time/);
  });
  it('accepts structured mode, binary mode and records with the old ce_id/ce_type headers alike', () => {
    const { data, ...attributes } = shipmentCreated;
    const structured = message(JSON.stringify(shipmentCreated), {
      'content-type': 'application/cloudevents+json; charset=UTF-8',
      'sct-event-id': shipmentCreated.id,
      'sct-event-type': shipmentCreated.type,
    });
    const binary = message(
      JSON.stringify(data),
      Object.fromEntries(Object.entries(attributes).map(([k, v]) => [`ce_${k}`, v])),
    );
    const legacy = message(JSON.stringify(shipmentCreated), {
      ce_id: shipmentCreated.id,
      ce_type: shipmentCreated.type,
    });
    for (const m of [structured, binary, legacy])
      expect(decodeMessage(m, topics.shipments, topics)).toEqual({ event: shipmentCreated });
    // the topic check applies to binary mode too
    expect(decodeMessage(binary, topics.orders, topics)).toMatchObject({
      error: expect.stringMatching(/does not belong on topic t\.orders/),
      eventId: shipmentCreated.id,
    });
  });
  it('names an unreadable event by its new or old id and type headers', () => {
    expect(
      decodeMessage(message('{oops', { ce_id: 'old-id', ce_type: 'old-type' }), topics.orders, topics),
    ).toMatchObject({ eventId: 'old-id', eventType: 'old-type' });
    expect(
      decodeMessage(
        message('{oops', { 'sct-event-id': 'new-id', 'sct-event-type': 'new-type', ce_id: 'old-id' }),
        topics.orders,
        topics,
      ),
    ).toMatchObject({ eventId: 'new-id', eventType: 'new-type' });
  });
  it('parks a non-JSON value with the reason', () => {
    const r = decodeMessage(message('{oops'), topics.orders, topics);
    expect('error' in r && r.error).toMatch(/^value is not JSON/);
  });
});

describe('decodeMessage: drill-purged control records', () => {
  const purge = {
    specversion: '1.0',
    id: '7E1C2A4E-8B7D-4C2A-9E1F-0A1B2C3D4E5F',
    source: '/sct/api/drills',
    type: 'sct.control.drill_purged.v1',
    subject: 'drill-1',
    time: '2024-03-01T12:00:00Z',
    datacontenttype: 'application/json',
    data: {
      drillId: 'drill-1',
      purgeId: '3f1c2a4e-8b7d-4c2a-9e1f-0a1b2c3d4e5f',
      operator: 'ana',
      role: 'drill_lead',
      reason: null,
      partitions: 6,
    },
  };
  const structured = { 'content-type': 'application/cloudevents+json; charset=UTF-8' };
  it('reads one on the orders and the shipments topic', () => {
    for (const topic of [topics.orders, topics.shipments]) {
      const r = decodeMessage(message(JSON.stringify(purge), structured), topic, topics);
      expect(r).toEqual({ control: { ...purge, id: purge.id.toLowerCase() } });
    }
  });
  it('dead-letters one that breaks its schema, naming the field', () => {
    const bad = { ...purge, data: { ...purge.data, drillId: 'no spaces' } };
    const r = decodeMessage(message(JSON.stringify(bad), structured), topics.orders, topics);
    expect(r).toMatchObject({ eventType: 'sct.control.drill_purged.v1' });
    expect('error' in r && r.error).toMatch(/data\.drillId/);
  });
});
