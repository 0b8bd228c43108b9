import { describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../contracts';
import { applyOrderEvent } from './order-state';

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
