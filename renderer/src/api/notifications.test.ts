import { describe, expect, it } from 'vitest';
import { changesToOrder, changesToShipment, orderChanges, parseChangeNotification } from './notifications';

describe('change notifications', () => {
  it('parses a well-formed notification', () => {
    const n = parseChangeNotification(
      JSON.stringify({
        source: 'order-processor',
        orderIds: ['o1'],
        shipmentIds: [],
        kpi: true,
        at: '2024-01-01T00:00:00Z',
      }),
    );
    expect(n).toEqual({
      source: 'order-processor',
      orderIds: ['o1'],
      shipmentIds: [],
      kpi: true,
      truncated: false,
      at: '2024-01-01T00:00:00Z',
    });
  });
  it('rejects malformed payloads and tolerates missing id lists', () => {
    expect(parseChangeNotification('not json')).toBeNull();
    expect(parseChangeNotification('[]')).toBeNull();
    expect(parseChangeNotification(JSON.stringify({ source: 'nope', orderIds: [] }))).toBeNull();
    expect(parseChangeNotification(JSON.stringify({ source: 'shipment-tracker', orderIds: [1] }))).toBeNull();
    expect(
      parseChangeNotification(JSON.stringify({ source: 'shipment-tracker', shipmentIds: ['s'] }))?.orderIds,
    ).toEqual([]);
  });
  it('filters by screen', () => {
    const n = {
      source: 'shipment-tracker' as const,
      orderIds: [],
      shipmentIds: ['s1'],
      kpi: false,
      truncated: false,
      at: '',
    };
    expect(changesToShipment('s1')(n)).toBe(true);
    expect(changesToShipment('s2')(n)).toBe(false);
    expect(changesToOrder('o1', 's1')(n)).toBe(true);
    expect(changesToOrder('o1', null)(n)).toBe(false);
    expect(orderChanges(n)).toBe(false);
    expect(orderChanges(null)).toBe(true);
  });
  it('treats a truncated notification as touching every entity', () => {
    const n = {
      source: 'order-processor' as const,
      orderIds: ['o9'],
      shipmentIds: [],
      kpi: false,
      truncated: true,
      at: '',
    };
    expect(changesToOrder('o1', null)(n)).toBe(true);
    expect(changesToShipment('s1')(n)).toBe(true);
  });
});
