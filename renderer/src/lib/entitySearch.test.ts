import { describe, expect, it } from 'vitest';
import type { EntitySummary, OrderPage } from '../../../contracts/api';
import { searchOutcome } from './entitySearch';

const page = (ids: string[], total = ids.length): OrderPage =>
  ({ items: ids.map((orderId) => ({ orderId })), total, page: 1, pageSize: 8 }) as unknown as OrderPage;

describe('searchOutcome', () => {
  it('opens the exact order or shipment', () => {
    const order = { kind: 'order', order: { orderId: 'A1' } } as unknown as EntitySummary;
    const shipment = { kind: 'shipment', shipment: { shipmentId: 'S1' } } as unknown as EntitySummary;
    expect(searchOutcome(order, null)).toEqual({ kind: 'open', target: { order: 'A1' } });
    expect(searchOutcome(shipment, null)).toEqual({ kind: 'open', target: { shipment: 'S1' } });
  });

  it('opens the only order starting with the prefix', () => {
    expect(searchOutcome(null, page(['ABC-123']))).toEqual({ kind: 'open', target: { order: 'ABC-123' } });
  });

  it('offers several prefix matches to pick from, with the total', () => {
    expect(searchOutcome(null, page(['AB1', 'AB2'], 40))).toEqual({
      kind: 'pick',
      orderIds: ['AB1', 'AB2'],
      total: 40,
    });
  });

  it('finds nothing when neither matches', () => {
    expect(searchOutcome(null, page([]))).toEqual({ kind: 'none' });
    expect(searchOutcome(null, null)).toEqual({ kind: 'none' });
  });
});
