import { describe, expect, it } from 'vitest';
import type { ShipmentEvent } from '../../contracts';
import { applyShipmentEvent, checkpointOf, type ShipmentRow } from './shipment-state';

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
