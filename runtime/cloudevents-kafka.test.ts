/**
 * The CloudEvents Kafka protocol binding against the official CloudEvents SDK (`cloudevents`):
 * records the SDK makes (structured and binary mode) decode to the same event with our decoder,
 * our records decode to the same event with the SDK, records written before the binding still
 * decode, and a record in neither mode is poison with a reason.
 */
import { CloudEvent, Kafka, type KafkaMessage as SdkKafkaMessage } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, validateEvent, type SupplyChainEvent } from '../contracts';
import {
  contentModeOf,
  decodeRecord,
  eventHeader,
  recordPayload,
  toKafkaMessage,
  type RecordIn,
} from './cloudevents-kafka';

const orderCreated: SupplyChainEvent = {
  specversion: '1.0',
  id: '3f1c2a4e-8b7d-4c2a-9e1f-0a1b2c3d4e5f',
  source: 'sct/test',
  type: EVENT_TYPES.orderCreated,
  subject: 'o-1',
  time: '2024-03-01T12:00:00+02:00',
  drillid: 'drill-7',
  data: {
    customerId: 'c-1',
    warehouseId: 'w-1',
    siteTimeZone: 'America/Sao_Paulo',
    promisedDate: '2024-03-05',
    lines: [{ sku: 'SKU-1', quantity: 2 }],
  },
};

const checkpoint: SupplyChainEvent = {
  specversion: '1.0',
  id: '5b2c0e2a-1d4f-4a8e-9c3b-7e6f5d4c3b2a',
  source: 'sct/test',
  type: EVENT_TYPES.shipmentCheckpoint,
  subject: 's-1',
  time: '2024-03-02T08:30:00.250Z',
  datacontenttype: 'application/json',
  data: { status: 'in_transit', location: 'Campinas' },
};

/** The SDK normalizes `time` to UTC with milliseconds: the same instant, another spelling. */
const sdkSpelling = (event: SupplyChainEvent) => ({ ...event, time: new Date(event.time).toISOString() });

/** An SDK-made Kafka message as kafkajs would carry it: string headers (none undefined), text value. */
function asRecord(message: SdkKafkaMessage<unknown>): RecordIn {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers))
    if (value !== undefined) headers[name] = String(value);
  const value = typeof message.value === 'string' ? message.value : JSON.stringify(message.value);
  return { value: Buffer.from(value), headers };
}

/** Our record as a consumer gets it: Buffers. */
function received(message: { value: string; headers: Record<string, string> }): RecordIn {
  return {
    value: Buffer.from(message.value),
    headers: Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, Buffer.from(v)])),
  };
}

describe('toKafkaMessage (structured content mode)', () => {
  it('writes the whole event as the value, content-type application/cloudevents+json, key = subject, no ce_ headers', () => {
    const message = toKafkaMessage(orderCreated);
    expect(message.key).toBe('o-1');
    expect(JSON.parse(message.value)).toEqual(orderCreated);
    expect(message.headers).toEqual({
      'content-type': 'application/cloudevents+json; charset=UTF-8',
      'sct-event-id': orderCreated.id,
      'sct-event-type': orderCreated.type,
      'sct-drill-id': 'drill-7',
    });
    expect(Object.keys(toKafkaMessage(checkpoint).headers)).toEqual([
      'content-type',
      'sct-event-id',
      'sct-event-type',
    ]);
  });

  it('decodes with the CloudEvents SDK (Kafka.toEvent) to the same event', () => {
    for (const event of [orderCreated, checkpoint]) {
      const message = toKafkaMessage(event);
      const sdkMessage = {
        key: message.key,
        value: message.value,
        headers: message.headers,
        body: message.value,
      };
      expect(Kafka.isEvent(sdkMessage)).toBe(true);
      const decoded = Kafka.toEvent(sdkMessage) as CloudEvent<unknown>;
      // (through JSON: the SDK lists unset attributes as undefined)
      const { partitionkey, ...attributes } = JSON.parse(JSON.stringify(decoded)) as Record<string, unknown>;
      expect(partitionkey).toBe(event.subject); // the SDK's key mapping (section 3.1)
      expect(attributes).toEqual(sdkSpelling(event));
      // and what the SDK read is a valid event by our schema
      expect(validateEvent(attributes)).toMatchObject({ ok: true });
    }
  });

  it('(the old headers made the SDK misread the record as a binary-mode event)', () => {
    const legacy = {
      key: 'o-1',
      value: JSON.stringify(orderCreated),
      headers: { ce_id: orderCreated.id, ce_type: orderCreated.type },
      body: undefined,
    };
    const misread = Kafka.toEvent(legacy) as CloudEvent<unknown>;
    expect(misread.data).not.toEqual(orderCreated.data); // the whole event taken as the data
  });
});

describe('decodeRecord', () => {
  it('reads our own records (structured mode)', () => {
    const r = decodeRecord(received(toKafkaMessage(orderCreated)));
    expect(r).toEqual({ ok: true, mode: 'structured', event: orderCreated });
  });

  it('reads a structured-mode record made by the SDK (Kafka.structured)', () => {
    for (const event of [orderCreated, checkpoint]) {
      const record = asRecord(Kafka.structured(new CloudEvent<unknown>({ ...event })));
      expect(record.headers?.['content-type']).toMatch(/^application\/cloudevents\+json/);
      expect(decodeRecord(record)).toEqual({ ok: true, mode: 'structured', event: sdkSpelling(event) });
    }
  });

  it('reads a binary-mode record made by the SDK (Kafka.binary): attributes from ce_ headers, data from the value', () => {
    for (const event of [orderCreated, checkpoint]) {
      const record = asRecord(Kafka.binary(new CloudEvent<unknown>({ ...event })));
      expect(record.headers).toHaveProperty('ce_specversion', '1.0');
      expect(JSON.parse(String(record.value))).toEqual(event.data);
      expect(contentModeOf(record.headers)).toBe('binary');
      // ce_time keeps the spelling the event was made with
      expect(decodeRecord(record)).toEqual({ ok: true, mode: 'binary', event });
    }
  });

  it('validates binary mode with the same schema: unknown, missing or misplaced attributes are poison', () => {
    const good = asRecord(Kafka.binary(new CloudEvent<unknown>({ ...checkpoint })));
    const withHeaders = (headers: Record<string, string | undefined>, value = good.value): RecordIn => {
      const merged: Record<string, string> = { ...(good.headers as Record<string, string>) };
      for (const [k, v] of Object.entries(headers)) {
        if (v === undefined) delete merged[k];
        else merged[k] = v;
      }
      return { value, headers: merged };
    };
    const cases: [RecordIn, RegExp][] = [
      [
        withHeaders({ ce_color: 'red' }),
        /^schema validation failed: color: unrecognized_keys.*mode: binary$/,
      ],
      [withHeaders({ ce_source: undefined }), /^schema validation failed: source: invalid_type/],
      [withHeaders({ ce_specversion: '0.3' }), /specversion: invalid_value/],
      [withHeaders({ 'content-type': 'text/plain', ce_datacontenttype: undefined }), /datacontenttype/],
      [withHeaders({ ce_data: '{}' }), /^invalid binary-mode headers: ce_data/],
      [
        withHeaders({ ce_datacontenttype: 'text/xml' }),
        /ce_datacontenttype \(text\/xml\) differs from content-type/,
      ],
      [withHeaders({}, Buffer.from('<xml/>')), /^value is not JSON: .*mode: binary/],
      [withHeaders({}, null), /^schema validation failed: data: invalid_type/],
    ];
    for (const [record, reason] of cases) {
      const r = decodeRecord(record);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toMatch(reason);
        expect(r.mode).toBe('binary');
        expect(r.eventId).toBe(checkpoint.id);
        expect(r.eventType).toBe(checkpoint.type);
      }
    }
  });

  it('reads records written before the binding (old ce_id/ce_type/ce_drillid headers, or none)', () => {
    const value = Buffer.from(JSON.stringify(orderCreated));
    const old = {
      ce_id: Buffer.from(orderCreated.id),
      ce_type: Buffer.from(orderCreated.type),
      ce_drillid: Buffer.from('drill-7'),
    };
    expect(decodeRecord({ value, headers: old })).toEqual({ ok: true, mode: 'legacy', event: orderCreated });
    expect(decodeRecord({ value, headers: {} })).toEqual({ ok: true, mode: 'legacy', event: orderCreated });
    expect(decodeRecord({ value })).toEqual({ ok: true, mode: 'legacy', event: orderCreated });
  });

  it('parks a record in neither mode with a reason naming both modes, and the event by its old or new headers', () => {
    const neither = decodeRecord({
      value: Buffer.from('{oops'),
      headers: { ce_id: 'x-1', ce_type: 't-old' },
    });
    expect(neither).toMatchObject({ ok: false, mode: 'legacy', eventId: 'x-1', eventType: 't-old' });
    expect(!neither.ok && neither.error).toMatch(
      /^value is not JSON: .*; mode: neither structured \(no content-type application\/cloudevents\+json header\) nor binary \(no ce_specversion header\)$/,
    );
    const notAnEvent = decodeRecord({ value: Buffer.from('[1,2]'), headers: {} });
    expect(!notAnEvent.ok && notAnEvent.error).toMatch(
      /^schema validation failed: .*mode: neither structured/,
    );
    const structuredBad = decodeRecord({
      value: Buffer.from('{oops'),
      headers: {
        'content-type': 'application/cloudevents+json',
        'sct-event-id': 'x-2',
        'sct-event-type': 't',
      },
    });
    expect(structuredBad).toMatchObject({ ok: false, mode: 'structured', eventId: 'x-2', eventType: 't' });
    expect(!structuredBad.ok && structuredBad.error).toMatch(/^value is not JSON: [^;]*$/);
  });

  it('parks a structured record in an event format it does not read (Avro, the batch format)', () => {
    for (const contentType of ['application/cloudevents+avro', 'Application/CloudEvents-Batch+JSON']) {
      const r = decodeRecord({
        value: Buffer.from(JSON.stringify(orderCreated)),
        headers: { 'content-type': contentType },
      });
      expect(r).toMatchObject({ ok: false, mode: 'unsupported' });
      expect(!r.ok && r.error).toContain(`unsupported CloudEvents event format: content-type ${contentType}`);
    }
    // the media type matches case-insensitively, with parameters (section 3)
    const upper = decodeRecord({
      value: Buffer.from(JSON.stringify(orderCreated)),
      headers: { 'content-type': 'Application/CloudEvents+JSON;charset=utf-8' },
    });
    expect(upper).toMatchObject({ ok: true, mode: 'structured' });
  });
});

describe('eventHeader and recordPayload', () => {
  it('reads an event header by its new name, else by its old one', () => {
    expect(eventHeader({ 'sct-event-id': 'new', ce_id: 'old' }, 'id')).toBe('new');
    expect(eventHeader({ ce_id: Buffer.from('old') }, 'id')).toBe('old');
    expect(eventHeader({ ce_drillid: 'd' }, 'drillId')).toBe('d');
    expect(eventHeader({}, 'type')).toBeNull();
  });

  it('parks a binary-mode record as the whole event (re-drivable), other records as their value', () => {
    const binary = asRecord(Kafka.binary(new CloudEvent<unknown>({ ...checkpoint })));
    expect(validateEvent(JSON.parse(recordPayload(binary)))).toEqual({ ok: true, event: checkpoint });
    const ours = toKafkaMessage(checkpoint);
    expect(recordPayload(received(ours))).toBe(ours.value);
  });
});
