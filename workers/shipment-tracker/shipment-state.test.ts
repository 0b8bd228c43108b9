import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHIPMENT_STATUSES, type ShipmentEvent, type ShipmentStatus } from '../../contracts';
import { applyShipmentEvent, checkpointOf, emptyShipment, type ShipmentRow } from './shipment-state';

const ev = (type: string, time: string, data: unknown) =>
  ({
    specversion: '1.0',
    id: crypto.randomUUID(),
    source: 't',
    type: `sct.shipment.${type}.v1`,
    subject: 's-1',
    time,
    data,
  }) as unknown as ShipmentEvent;

function fold(events: ShipmentEvent[]): ShipmentRow {
  let row: ShipmentRow | undefined;
  for (const e of events) row = applyShipmentEvent(row, e);
  return row!;
}

describe('shipment fold', () => {
  const created = ev('created', '2024-03-02T10:00:00Z', {
    orderId: 'o-1',
    carrier: 'UPS',
    trackingNumber: '1Z',
    origin: 'A',
    destination: 'B',
    promisedDate: '2024-03-06',
  });
  it('takes the status of the latest event time', () => {
    const row = fold([
      created,
      ev('checkpoint', '2024-03-04T10:00:00Z', { status: 'out_for_delivery' }),
      ev('checkpoint', '2024-03-03T10:00:00Z', { status: 'in_transit' }),
    ]);
    expect(row.status).toBe('out_for_delivery');
  });
  it('never moves a delivered shipment back to in_transit', () => {
    const row = fold([
      created,
      ev('delivered', '2024-03-05T10:00:00Z', {}),
      ev('checkpoint', '2024-03-06T10:00:00Z', { status: 'in_transit' }),
    ]);
    expect(row.status).toBe('delivered');
    expect(row.delivered_at).toBe('2024-03-05T10:00:00.000Z');
  });
  it('records exceptions and ETA updates; the timeline entry carries the status', () => {
    let row = fold([created]);
    const exception = ev('exception', '2024-03-03T10:00:00Z', { reasonCode: 'ADDRESS_INVALID' });
    row = applyShipmentEvent(row, exception);
    row = applyShipmentEvent(
      row,
      ev('eta_updated', '2024-03-03T11:00:00Z', { eta: '2024-03-08T12:00:00+01:00' }),
    );
    expect(checkpointOf(exception).status).toBe('exception');
    expect(row.status).toBe('exception');
    expect(row.exception_reason).toBe('ADDRESS_INVALID');
    expect(row.eta).toBe('2024-03-08T11:00:00.000Z');
  });
});

describe('shipment fold: carrier feeds (optional created fields, carrier code and message)', () => {
  it('accepts a created event without order, places or promise, and keeps nulls', () => {
    const row = fold([ev('created', '2024-03-02T10:00:00Z', { carrier: 'ups', trackingNumber: '1Z' })]);
    expect(row).toMatchObject({
      order_id: null,
      origin: null,
      destination: null,
      promised_date: null,
      carrier: 'ups',
      tracking_number: '1Z',
      status: 'info_received',
    });
    expect(
      checkpointOf(ev('created', '2024-03-02T10:00:00Z', { carrier: 'ups', trackingNumber: '1Z' })).location,
    ).toBeNull();
  });
  it("shows the carrier's own delivery message on the timeline, else the signature sentence", () => {
    const carrier = ev('delivered', '2024-03-05T10:00:00Z', {
      message: 'DELIVERED',
      signedBy: 'Ana',
      carrierCode: 'Delivered',
    });
    expect(checkpointOf(carrier).message).toBe('DELIVERED');
    expect(checkpointOf(ev('delivered', '2024-03-05T10:00:00Z', { signedBy: 'Ana' })).message).toBe(
      'Delivered, signed by Ana',
    );
  });
});

// Finding 4: a terminal status reached through a checkpoint (not the event of that name) must give
// the same state, time columns included, whichever event reports it and in whatever order.
describe('shipment fold: terminal statuses whichever event reports them', () => {
  const created = ev('created', '2024-03-02T10:00:00Z', {
    orderId: 'o-1',
    carrier: 'UPS',
    trackingNumber: '1Z',
    origin: 'A',
    destination: 'B',
    promisedDate: '2024-03-06',
  });
  const outForDelivery = ev('checkpoint', '2024-03-05T08:00:00Z', { status: 'out_for_delivery' });
  const deliveredScan = ev('checkpoint', '2024-03-05T10:00:00Z', { status: 'delivered' });
  const lateTransit = ev('checkpoint', '2024-03-06T09:00:00Z', { status: 'in_transit' });

  it('sets deliveredAt from a checkpoint with status delivered, before or after later scans', () => {
    for (const events of [
      [created, outForDelivery, deliveredScan, lateTransit],
      [created, deliveredScan, lateTransit, outForDelivery],
      [lateTransit, deliveredScan, outForDelivery, created],
      [created, lateTransit, outForDelivery, deliveredScan],
    ]) {
      const row = fold(events);
      expect(row.status).toBe('delivered');
      expect(row.delivered_at).toBe('2024-03-05T10:00:00.000Z');
      expect(row.status_time).toBe('2024-03-05T10:00:00.000Z');
    }
  });

  it('gives the same row for a delivered checkpoint and a delivered event at the same instant', () => {
    const byEvent = fold([created, outForDelivery, ev('delivered', '2024-03-05T10:00:00Z', {})]);
    const byCheckpoint = fold([created, outForDelivery, deliveredScan]);
    expect(byCheckpoint).toEqual(byEvent);
  });

  it('keeps the earliest delivery instant whichever report arrives first', () => {
    const laterEvent = ev('delivered', '2024-03-05T12:00:00Z', { signedBy: 'Ana' });
    for (const events of [
      [created, laterEvent, deliveredScan],
      [created, deliveredScan, laterEvent],
    ]) {
      const row = fold(events);
      expect(row.delivered_at).toBe('2024-03-05T10:00:00.000Z');
      expect(row.status_time).toBe('2024-03-05T10:00:00.000Z');
    }
  });

  it('never leaves delivered once delivered, and never shows delivered without a time', () => {
    const returned = ev('checkpoint', '2024-03-07T10:00:00Z', { status: 'returned' });
    const expired = ev('checkpoint', '2024-03-08T10:00:00Z', { status: 'expired' });
    for (const events of [
      [created, deliveredScan, returned, expired],
      [expired, returned, deliveredScan, created],
    ]) {
      const row = fold(events);
      expect(row.status).toBe('delivered');
      expect(row.delivered_at).toBe('2024-03-05T10:00:00.000Z');
    }
  });

  it('places returned and expired by precedence with their earliest instant, not by arrival', () => {
    const returnedEarly = ev('checkpoint', '2024-03-07T10:00:00Z', { status: 'returned' });
    const returnedLate = ev('checkpoint', '2024-03-09T10:00:00Z', { status: 'returned' });
    const expired = ev('checkpoint', '2024-03-08T10:00:00Z', { status: 'expired' });
    const a = fold([created, returnedLate, expired, returnedEarly, lateTransit]);
    const b = fold([lateTransit, returnedEarly, expired, created, returnedLate]);
    expect(a).toEqual(b);
    expect(a.status).toBe('returned');
    expect(a.status_time).toBe('2024-03-07T10:00:00.000Z');
    expect(a.delivered_at).toBeNull();
  });

  it('keeps the status time of the status it keeps when an older terminal report arrives late', () => {
    const row = fold([created, lateTransit, deliveredScan]);
    expect(row.status).toBe('delivered');
    expect(row.status_time).toBe('2024-03-05T10:00:00.000Z');
  });
});

// ---- Property: the fold is a function of the set of events, equal to a reference computed from it.

const STATUSES = SHIPMENT_STATUSES;
const TERMINAL_RANK: Partial<Record<ShipmentStatus, number>> = { expired: 1, returned: 2, delivered: 3 };
const REASONS = ['ADDRESS_INVALID', 'DAMAGED', 'CUSTOMS_HOLD'] as const;

/** The status an event reports, computed here independently of the fold under test. */
function reportedStatus(e: ShipmentEvent): ShipmentStatus | null {
  if (e.type === 'sct.shipment.created.v1') return 'info_received';
  if (e.type === 'sct.shipment.checkpoint.v1') return e.data.status;
  if (e.type === 'sct.shipment.exception.v1') return 'exception';
  if (e.type === 'sct.shipment.delivered.v1') return 'delivered';
  return null;
}

/**
 * The expected row from the set of distinct events: a terminal status beats any non-terminal one
 * (delivered > returned > expired), taken at its earliest instant; otherwise the latest-in-time
 * status (ties: the one further along the status list). delivered_at = the earliest delivery
 * instant exactly when delivered. The exception reason is the latest exception's (ties: the
 * greater code).
 */
function reference(events: ShipmentEvent[]): ShipmentRow {
  const distinct = [...new Map(events.map((e) => [e.id, e])).values()];
  const iso = (t: string) => new Date(t).toISOString();
  const reports = distinct
    .map((e) => ({ status: reportedStatus(e), time: iso(e.time) }))
    .filter((r): r is { status: ShipmentStatus; time: string } => r.status !== null);
  let status: ShipmentStatus = 'pending';
  let statusTime: string | null = null;
  const terminal = reports.filter((r) => TERMINAL_RANK[r.status] !== undefined);
  if (terminal.length > 0) {
    const top = Math.max(...terminal.map((r) => TERMINAL_RANK[r.status]!));
    const winners = terminal.filter((r) => TERMINAL_RANK[r.status] === top);
    status = winners[0]!.status;
    statusTime = winners.map((r) => r.time).sort()[0]!;
  } else if (reports.length > 0) {
    const sorted = [...reports].sort((a, b) =>
      a.time === b.time ? STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status) : a.time < b.time ? -1 : 1,
    );
    status = sorted.at(-1)!.status;
    statusTime = sorted.at(-1)!.time;
  }
  const deliveries = reports
    .filter((r) => r.status === 'delivered')
    .map((r) => r.time)
    .sort();
  const exceptions = distinct
    .filter((e) => e.type === 'sct.shipment.exception.v1')
    .map((e) => ({ time: iso(e.time), reason: (e.data as { reasonCode: string }).reasonCode }))
    .sort((a, b) => (a.time === b.time ? (a.reason < b.reason ? -1 : 1) : a.time < b.time ? -1 : 1));
  // The latest ETA by event time (ties: the later ETA).
  const etas = distinct
    .filter((e) => e.type === 'sct.shipment.eta_updated.v1')
    .map((e) => ({ time: iso(e.time), eta: iso(e.data.eta) }))
    .sort((a, b) => (a.time === b.time ? (a.eta < b.eta ? -1 : 1) : a.time < b.time ? -1 : 1));
  const createdEvents = distinct
    .filter((e) => e.type === 'sct.shipment.created.v1')
    .sort((a, b) => (iso(a.time) < iso(b.time) ? -1 : 1));
  const c = createdEvents[0]?.data as Record<string, string> | undefined;
  return {
    ...emptyShipment('s-1'),
    order_id: c?.orderId ?? null,
    carrier: c?.carrier ?? null,
    tracking_number: c?.trackingNumber ?? null,
    origin: c?.origin ?? null,
    destination: c?.destination ?? null,
    promised_date: c?.promisedDate ?? null,
    created_at: createdEvents.map((e) => iso(e.time)).sort()[0] ?? null,
    status,
    status_time: statusTime,
    delivered_at: status === 'delivered' ? deliveries[0]! : null,
    eta: etas.at(-1)?.eta ?? null,
    eta_time: etas.at(-1)?.time ?? null,
    exception_reason: exceptions.at(-1)?.reason ?? null,
    exception_time: exceptions.at(-1)?.time ?? null,
    last_event_time:
      distinct
        .map((e) => iso(e.time))
        .sort()
        .at(-1) ?? null,
  };
}

// Few distinct instants, so equal event times (ties) are common.
const instantArb = fc
  .integer({ min: 0, max: 11 })
  .map((h) => new Date(Date.UTC(2024, 2, 3, h * 6)).toISOString().replace('.000Z', 'Z'));
const shipmentEventArb: fc.Arbitrary<ShipmentEvent> = fc.oneof(
  fc.tuple(fc.constantFrom(...STATUSES), instantArb).map(([status, t]) => ev('checkpoint', t, { status })),
  fc
    .tuple(fc.constantFrom('delivered', 'out_for_delivery', 'in_transit' as const), instantArb)
    .map(([status, t]) => ev('checkpoint', t, { status })),
  instantArb.map((t) => ev('delivered', t, { signedBy: 'Ana' })),
  fc
    .tuple(fc.constantFrom(...REASONS), instantArb)
    .map(([reasonCode, t]) => ev('exception', t, { reasonCode })),
  fc
    .tuple(fc.integer({ min: 5, max: 9 }), instantArb)
    .map(([day, t]) => ev('eta_updated', t, { eta: `2024-03-0${day}T18:00:00Z` })),
);
// One or two created events at distinct instants with different data: the earliest one's data wins.
const createdArb = fc.uniqueArray(instantArb, { minLength: 1, maxLength: 2 }).map((times) =>
  times.map((t, k) =>
    ev('created', t, {
      orderId: `o-${k + 1}`,
      carrier: k ? 'DHL' : 'UPS',
      trackingNumber: `1Z${k}`,
      origin: 'A',
      destination: k ? 'C' : 'B',
      promisedDate: k ? '2024-03-07' : '2024-03-06',
    }),
  ),
);

/** Events plus duplicates (same id) in a random arrival order. */
const arrivalArb = fc
  .tuple(
    fc.option(createdArb, { nil: undefined }),
    fc.array(shipmentEventArb, { minLength: 1, maxLength: 9 }),
  )
  .map(([c, rest]) => (c ? [...c, ...rest] : rest))
  .chain((events) =>
    fc
      .tuple(
        fc.array(fc.integer({ min: 0, max: events.length - 1 }), { maxLength: 4 }),
        fc.array(fc.nat(), { minLength: events.length + 4, maxLength: events.length + 4 }),
      )
      .map(([dupes, keys]) => {
        const all = [...events, ...dupes.map((i) => events[i]!)];
        const arrival = all
          .map((e, i) => ({ e, k: keys[i]! }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.e);
        return { events, arrival };
      }),
  );

describe('shipment fold: property', () => {
  it('equals the reference of the event set for any arrival order and duplication', () => {
    fc.assert(
      fc.property(arrivalArb, ({ events, arrival }) => {
        const row = fold(arrival);
        const expected = reference(events);
        expect(row).toEqual(expected);
        expect(fold(events)).toEqual(row);
        // deliveredAt is non-null exactly when delivered, and is the earliest delivery instant.
        expect(row.delivered_at !== null).toBe(row.status === 'delivered');
      }),
      { numRuns: 2000 },
    );
  });
});
