import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../../contracts/api';
import { etaDaysPastPromise, exceptionInHeader, groupTimelineByDay, timeInZone } from './timeline';

const entry = (id: string, time: string): TimelineEntry => ({
  id,
  type: 'sct.shipment.checkpoint.v1',
  time,
  status: 'in_transit',
  location: null,
  message: null,
  drillId: null,
});

describe('shipment timeline grouping', () => {
  it('groups by the day in the site zone, newest day and newest entry first', () => {
    const entries = [
      entry('a', '2024-03-01T12:00:00.000Z'),
      entry('b', '2024-03-02T02:00:00.000Z'), // 23:00 on 03-01 in Sao Paulo
      entry('c', '2024-03-02T12:00:00.000Z'),
    ];
    expect(groupTimelineByDay(entries, 'America/Sao_Paulo')).toEqual([
      { day: '2024-03-02', entries: [entries[2]] },
      { day: '2024-03-01', entries: [entries[1], entries[0]] },
    ]);
    expect(groupTimelineByDay(entries, 'UTC').map((d) => d.entries.map((e) => e.id))).toEqual([
      ['c', 'b'],
      ['a'],
    ]);
    expect(timeInZone('2024-03-02T02:00:00.000Z', 'America/Sao_Paulo')).toBe('23:00');
  });
  it('measures the ETA against the promised day in the zone', () => {
    expect(etaDaysPastPromise('2024-03-07T02:00:00Z', '2024-03-06', 'America/Sao_Paulo')).toBe(0);
    expect(etaDaysPastPromise('2024-03-07T02:00:00Z', '2024-03-06', 'UTC')).toBe(1);
    expect(etaDaysPastPromise(null, '2024-03-06', 'UTC')).toBeNull();
  });
});

describe('exceptionInHeader', () => {
  it('a delivered shipment with a past exception shows it as resolved, not as an exception (QA)', () => {
    expect(exceptionInHeader({ status: 'delivered', exceptionReason: 'ADDRESS_ISSUE' })).toEqual({
      state: 'resolved',
      reason: 'ADDRESS_ISSUE',
    });
  });
  it('an exception or failed attempt is open; none reported is null', () => {
    expect(exceptionInHeader({ status: 'exception', exceptionReason: 'DAMAGED' })).toEqual({
      state: 'open',
      reason: 'DAMAGED',
    });
    expect(exceptionInHeader({ status: 'failed_attempt', exceptionReason: null })?.state).toBe('open');
    expect(exceptionInHeader({ status: 'in_transit', exceptionReason: null })).toBeNull();
  });
});
