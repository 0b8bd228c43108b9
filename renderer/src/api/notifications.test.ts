import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseChangeNotification, resetNotificationReport } from './notifications';

describe('change notifications', () => {
  beforeEach(() => resetNotificationReport());

  it('parses a well-formed notification', () => {
    const n = parseChangeNotification(
      JSON.stringify({
        source: 'order-processor',
        orderIds: ['o1'],
        shipmentIds: [],
        kpi: true,
        truncated: false,
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

  it('tolerates missing id lists and kpi flag', () => {
    const n = parseChangeNotification(
      JSON.stringify({
        source: 'shipment-tracker',
        shipmentIds: ['s'],
        truncated: true,
        at: '2024-01-01T00:00:00Z',
      }),
    );
    expect(n).toMatchObject({ orderIds: [], shipmentIds: ['s'], kpi: false, truncated: true });
  });

  it('ignores malformed payloads and reports only the first', () => {
    const report = vi.fn();
    const at = '2024-01-01T00:00:00Z';
    expect(parseChangeNotification('not json', report)).toBeNull();
    expect(parseChangeNotification('[]', report)).toBeNull();
    expect(
      parseChangeNotification(JSON.stringify({ source: 'nope', orderIds: [], truncated: false, at }), report),
    ).toBeNull();
    expect(
      parseChangeNotification(
        JSON.stringify({ source: 'shipment-tracker', orderIds: [1], truncated: false, at }),
        report,
      ),
    ).toBeNull();
    expect(parseChangeNotification(JSON.stringify({ source: 'shipment-tracker', at }), report)).toBeNull(); // no truncated
    expect(report).toHaveBeenCalledOnce();
    expect(report.mock.calls[0]?.[0]).toMatch(/not JSON/);
  });
});
