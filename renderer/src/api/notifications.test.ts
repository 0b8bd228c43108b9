import { describe, expect, it } from 'vitest';
import { parseChangeNotification } from './notifications';

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
});
