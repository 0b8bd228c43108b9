import { describe, expect, it } from 'vitest';
import { validateEvent, type SupplyChainEvent } from './events';
import { orderedBySku, screenOrderContents, type KnownOrder } from './order-contents';

let n = 0;
function ev(type: string, subject: string, data: Record<string, unknown>, time = '2024-03-01T12:00:00Z') {
  n += 1;
  const r = validateEvent({
    specversion: '1.0',
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    source: 'test',
    type,
    subject,
    time,
    data,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.event;
}
const created = (id: string, lines: { sku: string; quantity: number }[], time?: string) =>
  ev(
    'sct.order.created.v1',
    id,
    { customerId: 'c', warehouseId: 'w', siteTimeZone: 'UTC', promisedDate: '2024-03-10', lines },
    time,
  );
const delivered = (id: string, lines: { sku: string; quantity: number }[]) =>
  ev('sct.order.delivered.v1', id, { lines });
const rules = (events: SupplyChainEvent[], known = new Map<string, KnownOrder>()) =>
  screenOrderContents(events, known).map((v) => (v ? `${v.issue.field} ${v.rule}` : null));

describe('order contents at the API', () => {
  it('refuses a lifecycle event for an order nobody created, naming subject and what to send first', () => {
    for (const type of ['approved', 'picked', 'packed', 'cancelled', 'delivered']) {
      const data = type === 'cancelled' ? { reason: 'x' } : type === 'delivered' ? { lines: [] } : {};
      const [v] = screenOrderContents([ev(`sct.order.${type}.v1`, 'O-1', data)], new Map());
      expect(v?.issue, type).toMatchObject({ field: 'subject', rule: 'order_exists' });
      expect(v?.issue.message, type).toBe('no order O-1; send sct.order.created.v1 first');
    }
    expect(rules([ev('sct.order.shipped.v1', 'O-1', { shipmentId: 'S-1' })])).toEqual([
      'subject order_exists',
    ]);
  });

  it('accepts them after a creation known before or earlier in the same batch (not later in it)', () => {
    const known = new Map([
      ['O-1', { time: '2024-03-01T00:00:00Z', lines: orderedBySku([{ sku: 'A', quantity: 2 }]) }],
    ]);
    expect(rules([ev('sct.order.approved.v1', 'O-1', {})], known)).toEqual([null]);
    expect(
      rules([created('O-2', [{ sku: 'A', quantity: 1 }]), ev('sct.order.approved.v1', 'O-2', {})]),
    ).toEqual([null, null]);
    expect(
      rules([ev('sct.order.approved.v1', 'O-3', {}), created('O-3', [{ sku: 'A', quantity: 1 }])]),
    ).toEqual(['subject order_exists', null]);
    // Shipment events are not order events: not screened here.
    expect(rules([ev('sct.shipment.created.v1', 'S-9', { carrier: 'UPS', trackingNumber: '1Z' })])).toEqual([
      null,
    ]);
  });

  it('refuses a delivered SKU the order does not have and more units than ordered', () => {
    const batch = [
      created('O-1', [
        { sku: 'A', quantity: 2 },
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 1 },
      ]),
      delivered('O-1', [{ sku: 'A', quantity: 3 }]),
      delivered('O-1', [
        { sku: 'B', quantity: 1 },
        { sku: 'Z', quantity: 1 },
      ]),
      delivered('O-1', [
        { sku: 'A', quantity: 2 },
        { sku: 'A', quantity: 2 },
      ]),
      delivered('O-1', [{ sku: 'B', quantity: 0 }]),
    ];
    expect(rules(batch)).toEqual([
      null,
      null,
      'data.lines.1.sku sku_on_order',
      'data.lines.0.quantity delivered_within_ordered',
      null,
    ]);
    const [, over] = screenOrderContents(
      batch.slice(0, 4).filter((_, i) => i !== 1 && i !== 2),
      new Map(),
    );
    expect(over?.issue.message).toBe('delivers 4 of SKU A; order O-1 has 3 ordered (no over-delivery)');
  });

  it('keeps the known creation (a second one is refused); unknown lines skip the line checks', () => {
    const known = new Map([
      ['O-1', { time: '2024-03-01T00:00:00Z', lines: orderedBySku([{ sku: 'A', quantity: 1 }]) }],
    ]);
    const later = created('O-1', [{ sku: 'A', quantity: 5 }], '2024-03-02T00:00:00Z');
    expect(rules([later, delivered('O-1', [{ sku: 'A', quantity: 5 }])], known)).toEqual([
      'subject created_once',
      'data.lines.0.quantity delivered_within_ordered',
    ]);
    const unknownLines = new Map([['O-2', { time: '2024-03-01T00:00:00Z', lines: null }]]);
    expect(rules([delivered('O-2', [{ sku: 'Q', quantity: 9 }])], unknownLines)).toEqual([null]);
  });
});

describe('order and shipment state at the API', () => {
  const known = new Map<string, KnownOrder>([
    ['O-1', { time: '2024-03-01T12:00:00Z', lines: null }],
    ['O-D', { time: '2024-03-01T12:00:00Z', lines: null, deliveredAt: '2024-03-04T09:00:00Z' }],
  ]);

  it('refuses an order event before the creation (a delivery there made a negative cycle time), naming time', () => {
    const early = ev('sct.order.delivered.v1', 'O-1', { lines: [] }, '2020-01-01T00:00:00Z');
    const [v] = screenOrderContents([early], known);
    expect(v?.issue).toMatchObject({ field: 'time', rule: 'after_creation' });
    expect(v?.issue.message).toBe(
      "2020-01-01T00:00:00Z is before order O-1 was created (2024-03-01T12:00:00Z); an order's events follow its creation",
    );
    for (const type of ['approved', 'picked', 'packed'])
      expect(rules([ev(`sct.order.${type}.v1`, 'O-1', {}, '2024-03-01T11:59:59Z')], known)).toEqual([
        'time after_creation',
      ]);
    // At the creation's instant and after: accepted; a creation earlier in the batch counts too.
    expect(rules([ev('sct.order.approved.v1', 'O-1', {}, '2024-03-01T12:00:00Z')], known)).toEqual([null]);
    expect(
      rules([
        created('O-2', [{ sku: 'A', quantity: 1 }], '2024-03-02T00:00:00Z'),
        ev('sct.order.approved.v1', 'O-2', {}, '2024-03-01T00:00:00Z'),
      ]),
    ).toEqual([null, 'time after_creation']);
  });

  it('refuses cancelling a delivered order, known before or delivered earlier in the batch', () => {
    const cancel = (id: string) => ev('sct.order.cancelled.v1', id, { reason: 'x' }, '2024-03-05T00:00:00Z');
    expect(rules([cancel('O-D')], known)).toEqual(['type not_delivered']);
    expect(screenOrderContents([cancel('O-D')], known)[0]?.issue.message).toBe(
      'order O-D was delivered at 2024-03-04T09:00:00Z; a delivered order cannot be cancelled',
    );
    expect(rules([delivered('O-1', []), cancel('O-1')], known)).toEqual([null, 'type not_delivered']);
    expect(rules([cancel('O-1')], known)).toEqual([null]);
  });

  it('refuses a carrier event for a shipment nobody created, when the known shipments are given', () => {
    const checkpoint = (id: string) =>
      ev('sct.shipment.exception.v1', id, { reasonCode: 'LOST', message: 'lost' }, '2024-03-05T00:00:00Z');
    const shipments = new Set(['S-1']);
    expect(screenOrderContents([checkpoint('S-9')], known, shipments)[0]?.issue).toEqual({
      field: 'subject',
      rule: 'shipment_exists',
      message: 'no shipment S-9; send sct.shipment.created.v1 first',
    });
    expect(screenOrderContents([checkpoint('S-1')], known, shipments)).toEqual([null]);
    const create = ev('sct.shipment.created.v1', 'S-2', { carrier: 'UPS', trackingNumber: '1Z' });
    expect(screenOrderContents([create, checkpoint('S-2')], known, shipments)).toEqual([null, null]);
    expect(screenOrderContents([checkpoint('S-3'), create], known, shipments)[0]?.rule).toBe(
      'shipment_exists',
    );
  });
});

describe('an order is created once at the API', () => {
  it('refuses a second creation (QA: one dated earlier rewrote the order and let back-dated events in), not a retry', () => {
    const first = created('O-7', [{ sku: 'A', quantity: 1 }], '2024-03-01T00:00:00Z');
    const known = new Map<string, KnownOrder>([
      ['O-7', { time: first.time, lines: null, eventId: first.id }],
    ]);
    const earlier = created('O-7', [{ sku: 'X', quantity: 1 }], '2010-01-01T00:00:00Z');
    const [v] = screenOrderContents([earlier], known);
    expect(v?.issue).toEqual({
      field: 'subject',
      rule: 'created_once',
      message:
        'order O-7 was created at 2024-03-01T00:00:00Z; an order is created once (send its later events to change it)',
    });
    // A re-send of the same event (its id) is a retry; a creation without a known id is refused.
    expect(rules([first], known)).toEqual([null]);
    expect(rules([first], new Map([['O-7', { time: first.time, lines: null }]]))).toEqual([
      'subject created_once',
    ]);
    // Twice in one batch: the second refused; the same event twice: a retry.
    const other = created('O-8', [{ sku: 'A', quantity: 1 }]);
    expect(rules([other, created('O-8', [{ sku: 'A', quantity: 2 }])])).toEqual([
      null,
      'subject created_once',
    ]);
    expect(rules([other, other])).toEqual([null, null]);
  });
});
