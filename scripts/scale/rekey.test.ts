import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, siteDay, validateEvent, type SupplyChainEvent } from '../../contracts';
import { mapOlistOrder, type MappingContext, type OlistItemRow, type OlistOrderRow } from '../olist';
import { copyId, copyOrderEvents, shiftDay, shiftInstant } from './rekey';

const TZ = 'America/Sao_Paulo';
const ctx: MappingContext = {
  siteTimeZone: TZ,
  customers: new Map([
    ['cust1', { city: 'rio de janeiro', state: 'RJ' }],
    ['cust1-c2', { city: 'rio de janeiro', state: 'RJ' }],
  ]),
  sellers: new Map([['sellerA', { city: 'campinas', state: 'SP' }]]),
};

const row = (orderId: string, over: Partial<OlistOrderRow> = {}): OlistOrderRow => ({
  order_id: orderId,
  customer_id: 'cust1',
  order_status: 'delivered',
  order_purchase_timestamp: '2017-12-01 10:00:00',
  order_approved_at: '2017-12-01 10:20:00',
  order_delivered_carrier_date: '2017-12-02 15:00:00',
  order_delivered_customer_date: '2017-12-21 23:30:00',
  order_estimated_delivery_date: '2017-12-21 00:00:00',
  ...over,
});

const items = (orderId: string): OlistItemRow[] => [
  { order_id: orderId, order_item_id: '1', product_id: 'p1', seller_id: 'sellerA' },
  { order_id: orderId, order_item_id: '2', product_id: 'p2', seller_id: 'sellerA' },
];

function mapped(r: OlistOrderRow): SupplyChainEvent[] {
  const m = mapOlistOrder(r, items(r.order_id), ctx);
  if (m.kind !== 'mapped') throw new Error(`fixture must map: ${m.reason}`);
  return m.events;
}

/** A local Olist timestamp moved by `days` days on the wall clock (as text). */
const localShift = (local: string, days: number) =>
  local === ''
    ? ''
    : DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm:ss', { zone: 'UTC' })
        .plus({ days })
        .toFormat('yyyy-MM-dd HH:mm:ss');

const ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

describe('copyOrderEvents', () => {
  it.each([
    ['delivered on the promised site day, the next day in UTC', {}],
    ['cancelled after hand-over', { order_status: 'canceled', order_delivered_customer_date: '' }],
    // Copy 2 lands the purchase at 2017-10-15 00:30, a wall time São Paulo skipped (DST start).
    ['through a daylight-saving gap', { order_purchase_timestamp: '2017-10-29 00:30:00' }],
  ])('equals mapping the re-keyed row with wall-clock times moved k x 7 days earlier (%s)', (_name, over) => {
    const source = row(ID, over);
    const copy = copyOrderEvents(mapped(source), ID, 2, 7, TZ);
    const shifted: OlistOrderRow = {
      ...source,
      order_id: `${ID}-c2`,
      customer_id: 'cust1-c2',
      order_purchase_timestamp: localShift(source.order_purchase_timestamp, -14),
      order_approved_at: localShift(source.order_approved_at ?? '', -14),
      order_delivered_carrier_date: localShift(source.order_delivered_carrier_date ?? '', -14),
      order_delivered_customer_date: localShift(source.order_delivered_customer_date ?? '', -14),
      order_estimated_delivery_date: localShift(source.order_estimated_delivery_date ?? '', -14),
    };
    // The import derives tracking numbers from the id's first characters: a copy suffixes its own.
    const direct = mapped(shifted).map((e) =>
      e.type === EVENT_TYPES.shipmentCreated
        ? { ...e, data: { ...e.data, trackingNumber: `OLA1B2C3D4E5-c2` } }
        : e,
    );
    expect(copy).toEqual(direct);
    for (const e of copy) expect(validateEvent(e).ok).toBe(true);
  });

  it('is deterministic and gives unique ids over copies', () => {
    const events = mapped(row(ID));
    expect(copyOrderEvents(events, ID, 3, 7, TZ)).toEqual(copyOrderEvents(events, ID, 3, 7, TZ));
    const all = [events, ...[1, 2, 3].map((k) => copyOrderEvents(events, ID, k, 7, TZ))];
    const eventIds = all.flat().map((e) => e.id);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    const subjects = all.map((evs) => [...new Set(evs.map((e) => e.subject))].sort().join(','));
    expect(new Set(subjects).size).toBe(4);
    const tracking = all.map(
      (evs) =>
        evs.find((e) => e.type === EVENT_TYPES.shipmentCreated)!.data as unknown as {
          trackingNumber: string;
        },
    );
    expect(new Set(tracking.map((t) => t.trackingNumber)).size).toBe(4);
  });

  it('moves every site day by exactly k x shift days and keeps the on-time verdict', () => {
    // Delivered 23:30 on the promised day: on time in São Paulo, the next day in UTC.
    const events = mapped(row(ID));
    for (const k of [1, 5, 40]) {
      const copy = copyOrderEvents(events, ID, k, 7, TZ);
      copy.forEach((e, i) => {
        expect(siteDay(e.time, TZ)).toBe(shiftDay(siteDay(events[i]!.time, TZ), -7 * k));
        expect(DateTime.fromISO(e.time, { zone: TZ }).toFormat('HH:mm')).toBe(
          DateTime.fromISO(events[i]!.time, { zone: TZ }).toFormat('HH:mm'),
        );
      });
      const created = copy.find((e) => e.type === EVENT_TYPES.orderCreated)!.data as unknown as {
        promisedDate: string;
      };
      const delivered = copy.find((e) => e.type === EVENT_TYPES.orderDelivered)!;
      expect(siteDay(delivered.time, TZ)).toBe(created.promisedDate); // on time, as the source
    }
  });
});

describe('shiftInstant / shiftDay / copyId', () => {
  it('shifts wall-clock time in the zone, not 24-hour steps', () => {
    // 2017-10-22 00:30 at UTC-2 (summer time) -> 2017-10-15 00:30 does not exist -> 01:30 UTC-2.
    expect(shiftInstant('2017-10-22T02:30:00Z', -7, TZ)).toBe('2017-10-15T03:30:00Z');
    // 2018-02-20 23:30 at UTC-3 -> 2018-02-13 23:30 at UTC-2 (an hour less in UTC distance).
    expect(shiftInstant('2018-02-21T02:30:00Z', -7, TZ)).toBe('2018-02-14T01:30:00Z');
    expect(shiftInstant('2018-02-21T02:30:00.250Z', 0, 'UTC')).toBe('2018-02-21T02:30:00.250Z');
  });
  it('shifts days and rejects what is not a day', () => {
    expect(shiftDay('2018-03-01', -1)).toBe('2018-02-28');
    expect(shiftDay('2016-03-01', -1)).toBe('2016-02-29');
    expect(() => shiftDay('2018-02-30', 1)).toThrow(/not a calendar day/);
  });
  it('suffixes ids and refuses copy 0', () => {
    expect(copyId('abc', 12)).toBe('abc-c12');
    expect(() => copyId('abc', 0)).toThrow(RangeError);
  });
});
