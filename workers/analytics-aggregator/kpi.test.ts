import { describe, expect, it } from 'vitest';
import { cycleTimeMs, isInFull } from './kpi';
import { applyFactEvent } from './fact-state';
import type { OrderEvent } from '../../contracts';

describe('KPI definitions', () => {
  it('in full needs every ordered line in at least its quantity', () => {
    expect(isInFull({ A: 2, B: 1 }, { A: 2, B: 1 })).toBe(true);
    expect(isInFull({ A: 2, B: 1 }, { A: 2 })).toBe(false);
    expect(isInFull({ A: 2 }, { A: 1 })).toBe(false);
    expect(isInFull({}, {})).toBeNull();
  });
  it('cycle time is delivered minus created in ms', () => {
    expect(cycleTimeMs('2024-03-01T00:00:00Z', '2024-03-02T06:00:00Z')).toBe(30 * 3600_000);
  });
});

const ev = (type: string, time: string, data: unknown, drillid?: string) =>
  ({
    specversion: '1.0',
    id: crypto.randomUUID(),
    source: 't',
    type,
    subject: 'o-1',
    time,
    data,
    ...(drillid ? { drillid } : {}),
  }) as unknown as OrderEvent;

describe('order facts fold', () => {
  const created = ev('sct.order.created.v1', '2024-03-01T12:00:00Z', {
    customerId: 'c',
    warehouseId: 'w',
    siteTimeZone: 'America/Sao_Paulo',
    promisedDate: '2024-03-05',
    lines: [{ sku: 'A', quantity: 2 }],
  });
  it('derives OTD inputs regardless of arrival order', () => {
    const delivered = ev('sct.order.delivered.v1', '2024-03-06T01:00:00Z', {
      lines: [{ sku: 'A', quantity: 1 }],
    });
    let f = applyFactEvent(undefined, delivered, false);
    f = applyFactEvent(f, created, true);
    expect(f.status).toBe('delivered');
    expect(f.delivered_day).toBe('2024-03-05'); // 22:00 on the 5th in São Paulo
    expect(f.on_time).toBe(true);
    expect(f.in_full).toBe(false); // 1 of 2 delivered
    expect(f.cycle_time_ms).toBe((4 * 24 + 13) * 3600_000);
  });
  it('marks drill orders and leaves undelivered orders out of OTD', () => {
    const f = applyFactEvent(
      undefined,
      ev('sct.order.created.v1', '2024-03-01T12:00:00Z', (created as { data: unknown }).data, 'drill-1'),
      false,
    );
    expect(f.is_drill).toBe(true);
    expect(f.on_time).toBeNull();
    expect(f.created_day).toBe('2024-03-01');
  });
});
