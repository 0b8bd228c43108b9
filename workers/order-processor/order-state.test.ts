import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../contracts';
import { applyFactEvent, type FactRow } from '../analytics-aggregator/fact-state';
import { applyOrderEvent, type OrderState } from './order-state';

const ev = (type: string, time: string, data: unknown) =>
  ({
    specversion: '1.0',
    id: crypto.randomUUID(),
    source: 't',
    type: `sct.order.${type}.v1`,
    subject: 'o-1',
    time,
    data,
  }) as unknown as OrderEvent;

describe('order fold', () => {
  const created = ev('created', '2024-03-01T12:00:00-03:00', {
    customerId: 'c',
    warehouseId: 'w',
    siteTimeZone: 'America/Sao_Paulo',
    promisedDate: '2024-03-05',
    lines: [
      { sku: 'A', quantity: 2 },
      { sku: 'A', quantity: 1 },
      { sku: 'B', quantity: 1 },
    ],
  });

  it('walks the lifecycle and stores UTC instants and the site created day', () => {
    let s = applyOrderEvent(undefined, created);
    expect(s.row.created_at).toBe('2024-03-01T15:00:00.000Z');
    expect(s.row.created_day).toBe('2024-03-01');
    expect(s.lines.get('A')!.quantity).toBe(3);
    s = applyOrderEvent(s, ev('shipped', '2024-03-02T10:00:00Z', { shipmentId: 'shp-1' }));
    s = applyOrderEvent(s, ev('delivered', '2024-03-04T10:00:00Z', { lines: [{ sku: 'A', quantity: 3 }] }));
    expect(s.row.status).toBe('delivered');
    expect(s.row.shipment_id).toBe('shp-1');
    expect(s.lines.get('A')!.delivered_quantity).toBe(3);
    expect(s.lines.get('B')!.delivered_quantity).toBeNull();
    expect(s.row.event_count).toBe(3);
  });

  it('keeps status and the latest event time when a late event arrives', () => {
    let s = applyOrderEvent(undefined, created);
    s = applyOrderEvent(s, ev('delivered', '2024-03-04T10:00:00Z', { lines: [] }));
    s = applyOrderEvent(s, ev('approved', '2024-03-01T16:00:00Z', {}));
    expect(s.row.status).toBe('delivered');
    expect(s.row.approved_at).toBe('2024-03-01T16:00:00.000Z');
    expect(s.row.last_event_time).toBe('2024-03-04T10:00:00.000Z');
  });

  it('starts an order from a non-created first event', () => {
    const s = applyOrderEvent(undefined, ev('cancelled', '2024-03-01T16:00:00Z', { reason: 'fraud' }));
    expect(s.row.status).toBe('cancelled');
    expect(s.row.cancel_reason).toBe('fraud');
  });
});

// Finding 4 on the order side: order delivery comes from order events only (DESIGN.md "KPIs":
// OTD, OTIF and cycle time are per delivered order); the rule is the same as for shipments: the
// state does not depend on arrival order and nothing is delivered without a delivered time.
describe('order fold: delivery whichever order the events arrive in', () => {
  const created = ev('created', '2024-03-01T12:00:00Z', {
    customerId: 'c',
    warehouseId: 'w',
    siteTimeZone: 'UTC',
    promisedDate: '2024-03-05',
    lines: [{ sku: 'A', quantity: 1 }],
  });
  const delivered = ev('delivered', '2024-03-04T10:00:00Z', { lines: [{ sku: 'A', quantity: 1 }] });
  const cancelled = ev('cancelled', '2024-03-02T10:00:00Z', { reason: 'customer request' });

  it('a delivered order stays delivered whether a cancel arrives before or after the delivery', () => {
    for (const events of [
      [created, delivered, cancelled],
      [created, cancelled, delivered],
      [cancelled, delivered, created],
    ]) {
      const s = foldOrder(events);
      expect(s.row.status).toBe('delivered');
      expect(s.row.delivered_at).toBe('2024-03-04T10:00:00.000Z');
      const f = foldFacts(events);
      expect(f.status).toBe('delivered');
      expect(f.delivered_day).toBe('2024-03-04');
      expect(f.cycle_time_ms).toBe(Date.parse('2024-03-04T10:00:00Z') - Date.parse('2024-03-01T12:00:00Z'));
    }
  });
});

function foldOrder(events: OrderEvent[]): OrderState {
  let s: OrderState | undefined;
  for (const e of events) s = applyOrderEvent(s, e);
  return s!;
}

/** Lines by SKU without the rows that say nothing (ordered 0, nothing delivered: a superseded event's SKU). */
function meaningfulLines(s: OrderState) {
  return [...s.lines.values()]
    .filter((l) => l.quantity !== 0 || l.delivered_quantity !== null)
    .sort((x, y) => x.sku.localeCompare(y.sku));
}

function foldFacts(events: OrderEvent[]): FactRow {
  let f: FactRow | undefined;
  for (const e of events) f = applyFactEvent(f, e, f !== undefined);
  return f!;
}

describe('order fold: property', () => {
  const instant = fc
    .integer({ min: 0, max: 9 })
    .map((h) => new Date(Date.UTC(2024, 2, 1, h * 12)).toISOString());
  const TYPES = ['approved', 'picked', 'packed', 'shipped', 'delivered', 'cancelled'] as const;
  // The k-th event of a type carries other data than the (k-1)-th, so a fold that lets a later
  // arrival overwrite what the earliest event said shows up as an arrival-order dependence.
  const dataOf = (type: (typeof TYPES)[number] | 'created', k: number): unknown =>
    ({
      created: {
        customerId: `c${k}`,
        warehouseId: `w${k}`,
        siteTimeZone: k ? 'UTC' : 'America/Sao_Paulo',
        promisedDate: k ? '2024-03-02' : '2024-03-03',
        lines: [{ sku: k ? 'B' : 'A', quantity: k + 1 }],
      },
      approved: {},
      picked: {},
      packed: {},
      shipped: { shipmentId: `shp-${k}` },
      delivered: { lines: [{ sku: k ? 'B' : 'A', quantity: k + 1 }] },
      cancelled: { reason: `reason ${k}` },
    })[type];
  // One or two events of a type at distinct event times (the same event twice is dropped by its
  // id before the fold; equal times of different events keep the first applied, by design).
  const occurrences = (type: (typeof TYPES)[number] | 'created') =>
    fc
      .uniqueArray(instant, { minLength: 1, maxLength: 2 })
      .map((times) => times.map((time, k) => ev(type, time, dataOf(type, k))));
  const eventsArb = fc
    .tuple(
      fc.option(occurrences('created'), { nil: undefined }),
      fc.subarray([...TYPES]).chain((types) => fc.tuple(...types.map(occurrences))),
    )
    .map(([created, rest]) => [...(created ?? []), ...rest.flat()])
    .filter((events) => events.length > 0);
  const permuted = eventsArb.chain((events) =>
    fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length })),
  );

  it('order state and KPI facts do not depend on arrival order; delivered iff a delivered time', () => {
    fc.assert(
      fc.property(permuted, ([events, arrival]) => {
        const a = foldOrder(events);
        const b = foldOrder(arrival);
        expect(b.row).toEqual(a.row);
        expect(meaningfulLines(b)).toEqual(meaningfulLines(a));
        const hasDelivery = events.some((e) => e.type === 'sct.order.delivered.v1');
        expect(a.row.status === 'delivered').toBe(hasDelivery);
        expect(a.row.delivered_at !== null).toBe(a.row.status === 'delivered');
        const fa = foldFacts(events);
        expect(foldFacts(arrival)).toEqual(fa);
        expect(fa.status === 'delivered').toBe(hasDelivery);
        expect(fa.delivered_day !== null).toBe(fa.status === 'delivered' && fa.site_time_zone !== null);
      }),
      { numRuns: 1000 },
    );
  });
});
