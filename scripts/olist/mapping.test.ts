import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, validateEvent, type EventOf, type SupplyChainEvent } from '../../contracts';
import { olistEventId, OLIST_ID_NAMESPACE } from './ids';
import { mapOlistOrder, type MappedOrder, type MappingContext } from './mapping';
import type { OlistItemRow, OlistOrderRow } from './read';

const ctx: MappingContext = {
  siteTimeZone: 'America/Sao_Paulo',
  customers: new Map([['cust1', { city: 'rio de janeiro', state: 'RJ' }]]),
  sellers: new Map([
    ['sellerA', { city: 'campinas', state: 'SP' }],
    ['sellerB', { city: 'curitiba', state: 'PR' }],
  ]),
};

function order(over: Partial<OlistOrderRow> = {}): OlistOrderRow {
  return {
    order_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    customer_id: 'cust1',
    order_status: 'delivered',
    order_purchase_timestamp: '2017-12-01 10:00:00',
    order_approved_at: '2017-12-01 10:20:00',
    order_delivered_carrier_date: '2017-12-02 15:00:00',
    order_delivered_customer_date: '2017-12-08 18:30:00',
    order_estimated_delivery_date: '2017-12-20 00:00:00',
    ...over,
  };
}

const item = (n: number, product: string, seller = 'sellerA'): OlistItemRow => ({
  order_id: order().order_id,
  order_item_id: String(n),
  product_id: product,
  seller_id: seller,
});
const ITEMS = [item(1, 'p1', 'sellerA'), item(2, 'p2', 'sellerB'), item(3, 'p1', 'sellerA')];

function mapped(m: MappedOrder) {
  if (m.kind !== 'mapped') throw new Error(`expected mapped, got skipped: ${m.reason}`);
  return m;
}
const ofType = <T extends SupplyChainEvent['type']>(events: SupplyChainEvent[], type: T) =>
  events.find((e) => e.type === type) as EventOf<T> | undefined;

describe('mapOlistOrder: a delivered order', () => {
  const m = mapped(mapOlistOrder(order(), ITEMS, ctx));

  it('emits the lifecycle and shipment events in lifecycle order, all valid', () => {
    expect(m.events.map((e) => e.type)).toEqual([
      EVENT_TYPES.orderCreated,
      EVENT_TYPES.orderApproved,
      EVENT_TYPES.orderShipped,
      EVENT_TYPES.shipmentCreated,
      EVENT_TYPES.shipmentCheckpoint,
      EVENT_TYPES.orderDelivered,
      EVENT_TYPES.shipmentDelivered,
    ]);
    for (const e of m.events) {
      expect(validateEvent(e).ok).toBe(true);
      expect(e.source).toBe('olist-import');
    }
    expect(m.inconsistencies).toEqual([]);
  });

  it('places every event at its real time (São Paulo summer time 2017 = UTC-2)', () => {
    const times = Object.fromEntries(m.events.map((e) => [e.type, e.time]));
    expect(times[EVENT_TYPES.orderCreated]).toBe('2017-12-01T12:00:00Z');
    expect(times[EVENT_TYPES.orderApproved]).toBe('2017-12-01T12:20:00Z');
    expect(times[EVENT_TYPES.orderShipped]).toBe('2017-12-02T17:00:00Z');
    expect(times[EVENT_TYPES.shipmentCreated]).toBe('2017-12-02T17:00:00Z');
    expect(times[EVENT_TYPES.shipmentCheckpoint]).toBe('2017-12-02T17:00:00Z');
    expect(times[EVENT_TYPES.orderDelivered]).toBe('2017-12-08T20:30:00Z');
    expect(times[EVENT_TYPES.shipmentDelivered]).toBe('2017-12-08T20:30:00Z');
  });

  it('maps created: customer, first seller as warehouse, promised day, lines grouped by product', () => {
    const created = ofType(m.events, EVENT_TYPES.orderCreated)!;
    expect(created.subject).toBe(order().order_id);
    expect(created.data).toEqual({
      customerId: 'cust1',
      warehouseId: 'sellerA',
      siteTimeZone: 'America/Sao_Paulo',
      promisedDate: '2017-12-20',
      lines: [
        { sku: 'p1', quantity: 2 },
        { sku: 'p2', quantity: 1 },
      ],
    });
    expect(ofType(m.events, EVENT_TYPES.orderDelivered)!.data.lines).toEqual(created.data.lines);
  });

  it('maps the shipment: id, carrier, tracking number, places, in_transit checkpoint', () => {
    const shipmentId = `shp-${order().order_id}`;
    expect(ofType(m.events, EVENT_TYPES.orderShipped)!.data).toEqual({
      shipmentId,
      carrier: 'olist-logistics',
    });
    const created = ofType(m.events, EVENT_TYPES.shipmentCreated)!;
    expect(created.subject).toBe(shipmentId);
    expect(created.data).toEqual({
      orderId: order().order_id,
      carrier: 'olist-logistics',
      trackingNumber: 'OLA1B2C3D4E5',
      origin: 'campinas/SP',
      destination: 'rio de janeiro/RJ',
      promisedDate: '2017-12-20',
    });
    expect(ofType(m.events, EVENT_TYPES.shipmentCheckpoint)!.data).toMatchObject({
      status: 'in_transit',
      location: 'campinas/SP',
    });
    expect(ofType(m.events, EVENT_TYPES.shipmentDelivered)!.subject).toBe(shipmentId);
  });
});

describe('deterministic event ids', () => {
  it('are UUID v5 of order id + type in the fixed namespace, equal across runs and distinct per event', () => {
    const first = mapped(mapOlistOrder(order(), ITEMS, ctx)).events;
    const second = mapped(mapOlistOrder(order(), [...ITEMS], ctx)).events;
    expect(second.map((e) => e.id)).toEqual(first.map((e) => e.id));
    expect(new Set(first.map((e) => e.id)).size).toBe(first.length);
    for (const e of first) expect(e.id).toBe(olistEventId(order().order_id, e.type));
    expect(first[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(OLIST_ID_NAMESPACE).toBe('3f032749-60cf-412e-877c-d3c0374e1d81'); // changing it would double-import
  });

  it('differ between orders', () => {
    const other = mapped(
      mapOlistOrder(order({ order_id: 'ffffffffffffffffffffffffffffffff' }), ITEMS, ctx),
    ).events;
    const ids = new Set(mapped(mapOlistOrder(order(), ITEMS, ctx)).events.map((e) => e.id));
    for (const e of other) expect(ids.has(e.id)).toBe(false);
  });
});

describe('traps in the source data: imported as they are, counted', () => {
  it('carrier hand-over before approval', () => {
    const m = mapped(mapOlistOrder(order({ order_approved_at: '2017-12-03 09:00:00' }), ITEMS, ctx));
    expect(m.inconsistencies).toEqual(['handover_before_approval']);
    expect(ofType(m.events, EVENT_TYPES.orderApproved)!.time).toBe('2017-12-03T11:00:00Z');
    expect(ofType(m.events, EVENT_TYPES.orderShipped)!.time).toBe('2017-12-02T17:00:00Z');
  });

  it('delivery before hand-over', () => {
    const m = mapped(
      mapOlistOrder(order({ order_delivered_customer_date: '2017-12-02 08:00:00' }), ITEMS, ctx),
    );
    expect(m.inconsistencies).toEqual(['delivery_before_handover']);
    expect(ofType(m.events, EVENT_TYPES.orderDelivered)!.time).toBe('2017-12-02T10:00:00Z');
  });

  it('a delivered order without a delivery date gets no delivered event', () => {
    const m = mapped(mapOlistOrder(order({ order_delivered_customer_date: '' }), ITEMS, ctx));
    expect(m.inconsistencies).toEqual(['delivered_without_delivery_date']);
    expect(m.events.map((e) => e.type)).not.toContain(EVENT_TYPES.orderDelivered);
    expect(m.events.map((e) => e.type)).not.toContain(EVENT_TYPES.shipmentDelivered);
    expect(m.events.map((e) => e.type)).toContain(EVENT_TYPES.orderShipped);
  });

  it('hand-over before purchase, and a missing approval', () => {
    const m = mapped(
      mapOlistOrder(
        order({ order_approved_at: '', order_delivered_carrier_date: '2017-11-30 12:00:00' }),
        ITEMS,
        ctx,
      ),
    );
    expect(m.inconsistencies.sort()).toEqual(['handed_over_without_approval', 'handover_before_purchase']);
    expect(m.events.map((e) => e.type)).not.toContain(EVENT_TYPES.orderApproved);
  });

  it('a wall time repeated at the 2018 fall-back', () => {
    const m = mapped(
      mapOlistOrder(
        order({
          order_purchase_timestamp: '2018-02-17 23:10:00',
          order_approved_at: '',
          order_delivered_carrier_date: '',
          order_delivered_customer_date: '',
          order_status: 'processing',
        }),
        ITEMS,
        ctx,
      ),
    );
    expect(m.inconsistencies).toEqual(['ambiguous_local_time']);
    expect(m.events[0]!.time).toBe('2018-02-18T01:10:00Z');
  });

  it('unknown customer or seller places become "unknown"', () => {
    const m = mapped(mapOlistOrder(order({ customer_id: 'nobody' }), [item(1, 'p1', 'ghost')], ctx));
    expect(m.inconsistencies.sort()).toEqual(['customer_not_found', 'seller_not_found']);
    expect(ofType(m.events, EVENT_TYPES.shipmentCreated)!.data).toMatchObject({
      origin: 'unknown',
      destination: 'unknown',
    });
    expect(ofType(m.events, EVENT_TYPES.orderCreated)!.data.warehouseId).toBe('ghost');
  });
});

describe('cancelled orders', () => {
  it('canceled: cancelled at the latest known timestamp with the Olist status as reason', () => {
    const m = mapped(
      mapOlistOrder(
        order({
          order_status: 'canceled',
          order_delivered_carrier_date: '',
          order_delivered_customer_date: '',
        }),
        ITEMS,
        ctx,
      ),
    );
    expect(m.events.map((e) => e.type)).toEqual([
      EVENT_TYPES.orderCreated,
      EVENT_TYPES.orderApproved,
      EVENT_TYPES.orderCancelled,
    ]);
    const cancelled = ofType(m.events, EVENT_TYPES.orderCancelled)!;
    expect(cancelled.data).toEqual({ reason: 'olist status canceled' });
    expect(cancelled.time).toBe('2017-12-01T12:20:00Z');
    expect(cancelled.id).toBe(olistEventId(order().order_id, EVENT_TYPES.orderCancelled));
  });

  it('unavailable with only a purchase time: cancelled at the purchase time', () => {
    const m = mapped(
      mapOlistOrder(
        order({
          order_status: 'unavailable',
          order_approved_at: '',
          order_delivered_carrier_date: '',
          order_delivered_customer_date: '',
        }),
        ITEMS,
        ctx,
      ),
    );
    expect(m.events.map((e) => [e.type, e.time])).toEqual([
      [EVENT_TYPES.orderCreated, '2017-12-01T12:00:00Z'],
      [EVENT_TYPES.orderCancelled, '2017-12-01T12:00:00Z'],
    ]);
    expect(ofType(m.events, EVENT_TYPES.orderCancelled)!.data.reason).toBe('olist status unavailable');
  });

  it('cancelled after hand-over: the shipment events stay, the cancel comes last, and it is reported', () => {
    const m = mapped(
      mapOlistOrder(order({ order_status: 'canceled', order_delivered_customer_date: '' }), ITEMS, ctx),
    );
    expect(m.inconsistencies).toEqual(['cancelled_after_handover']);
    expect(m.events.at(-1)).toMatchObject({ type: EVENT_TYPES.orderCancelled, time: '2017-12-02T17:00:00Z' });
    expect(m.events.map((e) => e.type)).toContain(EVENT_TYPES.shipmentCreated);
  });

  it('other statuses (shipped, invoiced, processing) are not cancelled', () => {
    for (const status of ['shipped', 'invoiced', 'processing']) {
      const m = mapped(
        mapOlistOrder(order({ order_status: status, order_delivered_customer_date: '' }), ITEMS, ctx),
      );
      expect(m.events.map((e) => e.type)).not.toContain(EVENT_TYPES.orderCancelled);
    }
  });
});

describe('skipped orders', () => {
  it('an order without items is skipped with a reason (created needs at least one line)', () => {
    const m = mapOlistOrder(order({ order_status: 'unavailable' }), [], ctx);
    expect(m).toMatchObject({ kind: 'skipped', reason: 'no items (order.created needs at least one line)' });
  });

  it('missing purchase time or promised date, or an unparseable timestamp', () => {
    expect(mapOlistOrder(order({ order_purchase_timestamp: '' }), ITEMS, ctx)).toMatchObject({
      kind: 'skipped',
      reason: 'missing order_purchase_timestamp',
    });
    expect(mapOlistOrder(order({ order_estimated_delivery_date: '' }), ITEMS, ctx)).toMatchObject({
      kind: 'skipped',
    });
    expect(mapOlistOrder(order({ order_approved_at: '2017-13-01 00:00:00' }), ITEMS, ctx)).toMatchObject({
      kind: 'skipped',
      reason: 'unparseable order_approved_at',
    });
  });

  it('an order whose events fail the contract is skipped with the field named', () => {
    const m = mapOlistOrder(order({ customer_id: 'bad id with spaces' }), ITEMS, ctx);
    expect(m.kind).toBe('skipped');
    expect(m.kind === 'skipped' && m.reason).toMatch(/^invalid sct\.order\.created\.v1: data\.customerId /);
  });
});
