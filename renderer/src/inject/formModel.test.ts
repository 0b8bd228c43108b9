import { describe, expect, it } from 'vitest';
import { ALL_EVENT_TYPES, EVENT_TYPES, validateEvent, type FieldIssue } from '../../../contracts/events';
import type { OrderStatus } from '../../../contracts/order-status';
import {
  buildEvent,
  coerceValue,
  eventTypeLabel,
  fieldsFromJsonSchema,
  formFieldsForType,
  friendlyIssues,
  humanize,
  isValidDrillId,
  patternWords,
  suggestedEventType,
  initialValues,
  inputPaths,
  placeIssues,
  type ArrayField,
  type EnvelopeValues,
  type FormValues,
} from './formModel';

const UUID = '6f1c1d1e-8a57-4c47-9a3e-1f2b3c4d5e6f';

describe('form generation from the zod schemas', () => {
  it('builds fields for order.created: ids, time zone, date and an array of lines', () => {
    const fields = formFieldsForType(EVENT_TYPES.orderCreated);
    expect(fields.map((f) => [f.key, f.kind, f.required])).toEqual([
      ['customerId', 'text', true],
      ['warehouseId', 'text', true],
      ['siteTimeZone', 'text', true],
      ['promisedDate', 'date', true],
      ['lines', 'array', true],
    ]);
    const lines = fields[4] as ArrayField;
    expect(lines.minItems).toBe(1);
    expect(lines.maxItems).toBe(500);
    expect(lines.item.map((f) => [f.key, f.kind, f.required])).toEqual([
      ['sku', 'text', true],
      ['quantity', 'integer', true],
    ]);
    expect(lines.item[1]).toMatchObject({ minimum: 1, maximum: 1_000_000, hint: 'whole number 1–1,000,000' });
    expect(fields[0]).toMatchObject({ label: 'Customer ID', maxLength: 128 });
    expect(fields[2]?.hint).toMatch(/IANA/);
  });

  it('turns enums into selects and instants into datetime fields', () => {
    const checkpoint = formFieldsForType(EVENT_TYPES.shipmentCheckpoint);
    expect(checkpoint[0]).toMatchObject({ key: 'status', kind: 'enum', required: true });
    expect(checkpoint[0]?.kind === 'enum' && checkpoint[0].options).toContain('failed_attempt');
    expect(checkpoint.slice(1).map((f) => [f.key, f.required])).toEqual([
      ['location', false],
      ['message', false],
      ['carrierCode', false],
    ]);
    expect(formFieldsForType(EVENT_TYPES.shipmentEtaUpdated)[0]).toMatchObject({
      key: 'eta',
      kind: 'datetime',
    });
  });

  it('generates a form for every event type', () => {
    for (const type of ALL_EVENT_TYPES) expect(Array.isArray(formFieldsForType(type))).toBe(true);
  });

  it('falls back to JSON for shapes it does not draw', () => {
    const fields = fieldsFromJsonSchema({
      type: 'object',
      properties: {
        meta: { type: 'object' },
        ok: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['ok'],
    });
    expect(fields.map((f) => [f.key, f.kind, f.required])).toEqual([
      ['meta', 'json', false],
      ['ok', 'boolean', true],
      ['tags', 'json', false],
    ]);
  });

  it('labels keys and types for people', () => {
    expect(humanize('siteTimeZone')).toBe('Site time zone');
    expect(humanize('sku')).toBe('SKU');
    expect(humanize('orderId')).toBe('Order ID');
    expect(eventTypeLabel('sct.shipment.eta_updated.v1')).toBe('Shipment ETA updated');
    expect(eventTypeLabel('sct.order.created.v2')).toBe('Order created (v2)');
  });

  it('prefills one row per array and the time zone', () => {
    const fields = formFieldsForType(EVENT_TYPES.orderCreated);
    const values = initialValues(fields, { timeZone: 'America/Sao_Paulo' });
    expect(values.siteTimeZone).toBe('America/Sao_Paulo');
    expect(values.lines).toEqual([{ sku: '', quantity: '' }]);
  });
});

describe('building the event', () => {
  const envelope = (over: Partial<EnvelopeValues> = {}): EnvelopeValues => ({
    type: EVENT_TYPES.orderCreated,
    subject: ' ord-1 ',
    time: '2024-05-03T14:22:05',
    drillid: '',
    ...over,
  });

  it('builds a valid order.created event from form strings', () => {
    const fields = formFieldsForType(EVENT_TYPES.orderCreated);
    const values: FormValues = {
      customerId: 'cust-9',
      warehouseId: 'wh-1',
      siteTimeZone: 'America/Sao_Paulo',
      promisedDate: '2024-05-10',
      lines: [
        { sku: 'SKU-1', quantity: '2' },
        { sku: 'SKU-2', quantity: ' 10 ' },
      ],
    };
    const event = buildEvent(envelope({ drillid: 'drill-7' }), fields, values, UUID);
    expect(event).toEqual({
      specversion: '1.0',
      id: UUID,
      source: 'console',
      type: EVENT_TYPES.orderCreated,
      subject: 'ord-1',
      time: new Date(2024, 4, 3, 14, 22, 5).toISOString(),
      datacontenttype: 'application/json',
      drillid: 'drill-7',
      data: {
        customerId: 'cust-9',
        warehouseId: 'wh-1',
        siteTimeZone: 'America/Sao_Paulo',
        promisedDate: '2024-05-10',
        lines: [
          { sku: 'SKU-1', quantity: 2 },
          { sku: 'SKU-2', quantity: 10 },
        ],
      },
    });
    expect(String(event.time)).toMatch(/Z$/);
    expect(validateEvent(event).ok).toBe(true);
  });

  it('omits empty optional fields and the empty drill id', () => {
    const fields = formFieldsForType(EVENT_TYPES.shipmentCheckpoint);
    const event = buildEvent(
      envelope({ type: EVENT_TYPES.shipmentCheckpoint, subject: 'shp-1' }),
      fields,
      { status: 'in_transit', location: '  ', message: '' },
      UUID,
    );
    expect(event.data).toEqual({ status: 'in_transit' });
    expect('drillid' in event).toBe(false);
    expect(validateEvent(event).ok).toBe(true);
  });

  it('coerces values and passes garbage through for validation to name', () => {
    const fields = formFieldsForType(EVENT_TYPES.orderPacked);
    const count = fields[0];
    if (!count || count.kind === 'array') throw new Error('expected a scalar field');
    expect(coerceValue(count, '3')).toBe(3);
    expect(coerceValue(count, '')).toBeUndefined();
    expect(coerceValue(count, 'three')).toBe('three');
    const eta = formFieldsForType(EVENT_TYPES.shipmentEtaUpdated)[0];
    if (!eta || eta.kind === 'array') throw new Error('expected a scalar field');
    expect(coerceValue(eta, '2024-05-03T10:00')).toBe(new Date(2024, 4, 3, 10, 0).toISOString());
    expect(coerceValue(eta, 'soon')).toBe('soon');
  });
});

describe('mapping issues to inputs', () => {
  const fields = formFieldsForType(EVENT_TYPES.orderCreated);
  const values: FormValues = {
    customerId: '',
    warehouseId: 'wh 1',
    siteTimeZone: 'Mars/Olympus',
    promisedDate: '',
    lines: [
      { sku: 'A', quantity: '1' },
      { sku: '', quantity: '0' },
    ],
  };
  const event = buildEvent(
    { type: EVENT_TYPES.orderCreated, subject: '', time: 'later', drillid: 'bad id!' },
    fields,
    values,
    UUID,
  );

  it('places local validation issues on their inputs', () => {
    const result = validateEvent(event);
    if (result.ok) throw new Error('expected issues');
    const { byPath, unplaced } = placeIssues(result.issues, inputPaths(fields, values));
    expect(unplaced).toEqual([]);
    expect([...byPath.keys()].sort()).toEqual(
      [
        'subject',
        'time',
        'drillid',
        'data.customerId',
        'data.warehouseId',
        'data.siteTimeZone',
        'data.promisedDate',
        'data.lines.1.sku',
        'data.lines.1.quantity',
      ].sort(),
    );
  });

  it('places server issues the same way, by longest known prefix', () => {
    const server: FieldIssue[] = [
      { field: 'data.lines.0.quantity', rule: 'too_small', message: 'x' },
      { field: 'data.lines', rule: 'too_big', message: 'y' },
      { field: 'data.lines.1', rule: 'unrecognized_keys', message: 'z' },
      { field: 'data.lines.7.sku', rule: 'too_small', message: 'row gone' },
      { field: '(root)', rule: 'custom', message: 'r' },
      { field: 'id', rule: 'invalid_format', message: 'i' },
    ];
    const { byPath, unplaced } = placeIssues(server, inputPaths(fields, values));
    expect(byPath.get('data.lines.0.quantity')?.map((i) => i.message)).toEqual(['x']);
    expect(byPath.get('data.lines')?.map((i) => i.message)).toEqual(['y', 'row gone']);
    expect(byPath.get('data.lines.1')?.map((i) => i.message)).toEqual(['z']);
    expect(unplaced.map((i) => i.field)).toEqual(['(root)', 'id']);
  });

  it('words missing required values as "Required"', () => {
    const packed = buildEvent(
      { type: EVENT_TYPES.orderShipped, subject: 'o', time: '2024-05-03T10:00', drillid: '' },
      formFieldsForType(EVENT_TYPES.orderShipped),
      { shipmentId: '', carrier: '' },
      UUID,
    );
    const result = validateEvent(packed);
    if (result.ok) throw new Error('expected issues');
    const friendly = friendlyIssues(result.issues, packed);
    // '' fails both min length and the id pattern: one "Required" instead of two messages.
    expect(friendly.filter((i) => i.field === 'data.shipmentId')).toEqual([
      {
        field: 'data.shipmentId',
        rule: 'too_small',
        message: 'Required',
        detail: 'Too small: expected string to have >=1 characters',
      },
    ]);
    expect(friendly.some((i) => i.field === 'data.carrier')).toBe(false); // optional and empty: left out
    const delivered = buildEvent(
      { type: EVENT_TYPES.shipmentCheckpoint, subject: 's', time: '2024-05-03T10:00', drillid: '' },
      formFieldsForType(EVENT_TYPES.shipmentCheckpoint),
      { status: '', location: '', message: '' },
      UUID,
    );
    const r2 = validateEvent(delivered);
    if (r2.ok) throw new Error('expected issues');
    expect(friendlyIssues(r2.issues, delivered)).toMatchObject([
      { field: 'data.status', rule: 'invalid_value', message: 'Required' },
    ]);
  });
});

describe('inject form helpers', () => {
  it('words the remaining issues for operators and keeps rule and original text', () => {
    const event = buildEvent(
      { type: EVENT_TYPES.orderPacked, subject: 'ORD-1', time: '2024-05-03T10:00', drillid: 'bad drill' },
      formFieldsForType(EVENT_TYPES.orderPacked),
      { packageCount: '1.5' },
      UUID,
    );
    const result = validateEvent(event);
    if (result.ok) throw new Error('expected issues');
    expect(friendlyIssues(result.issues, event)).toEqual([
      {
        field: 'drillid',
        rule: 'format:regex',
        message: 'Use letters, digits and . _ : - only',
        detail: 'only letters, digits and . _ : - are allowed',
      },
      {
        field: 'data.packageCount',
        rule: 'invalid_type',
        message: 'Must be a whole number',
        detail: 'Invalid input: expected int, received number',
      },
    ]);
  });

  it('accepts a drill id only when the event schema does (no DRILL badge otherwise)', () => {
    expect(isValidDrillId('drill-20240513-A1B2')).toBe(true);
    expect(isValidDrillId('  drill.1:a_b  ')).toBe(true);
    expect(isValidDrillId('')).toBe(false);
    expect(isValidDrillId('   ')).toBe(false);
    expect(isValidDrillId('drill 1')).toBe(false);
    expect(isValidDrillId('drill/1')).toBe(false);
    expect(isValidDrillId('d'.repeat(65))).toBe(false);
  });

  it('preselects the next lifecycle step for an order and a checkpoint for a shipment', () => {
    const order = (status: OrderStatus) => suggestedEventType({ kind: 'order', status });
    expect(order('created')).toBe(EVENT_TYPES.orderApproved);
    expect(order('approved')).toBe(EVENT_TYPES.orderPicked);
    expect(order('picked')).toBe(EVENT_TYPES.orderPacked);
    expect(order('packed')).toBe(EVENT_TYPES.orderShipped);
    expect(order('shipped')).toBe(EVENT_TYPES.orderDelivered);
    expect(order('delivered')).toBe(EVENT_TYPES.orderDelivered);
    expect(order('cancelled')).toBe(EVENT_TYPES.orderCancelled);
    expect(suggestedEventType({ kind: 'shipment' })).toBe(EVENT_TYPES.shipmentCheckpoint);
  });
});

describe('hints in words', () => {
  it('shows no raw regular expression in any field hint of any event type', () => {
    const hints = (fields: ReturnType<typeof formFieldsForType>): string[] =>
      fields.flatMap((f) => (f.kind === 'array' ? [f.hint, ...f.item.map((i) => i.hint)] : [f.hint]));
    for (const type of ALL_EVENT_TYPES)
      for (const hint of hints(formFieldsForType(type))) expect(hint).not.toMatch(/[\^$\\[\]]/);
  });

  it('words known patterns and describes unknown ones without printing them', () => {
    expect(patternWords('^[A-Za-z0-9._:-]+$')).toBe('letters, digits . _ : -');
    expect(patternWords('^x{3}$')).not.toContain('x{3}');
  });

  it('offers the common exception reason codes while keeping the field free text', () => {
    const [reason] = formFieldsForType(EVENT_TYPES.shipmentException);
    expect(reason).toMatchObject({ key: 'reasonCode', kind: 'text' });
    expect(reason?.kind === 'text' && reason.suggestions).toContain('DAMAGED');
  });
});
