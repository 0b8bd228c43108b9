import { describe, expect, it } from 'vitest';
import { bucketLabel, chartPoints } from './daily';

describe('chart labels', () => {
  it('labels days, weeks and months', () => {
    expect(bucketLabel('2024-05-03', 'day')).toBe('05-03');
    expect(bucketLabel('2024-04-29', 'week')).toBe('wk 2024-04-29');
    // Weeks of two years are told apart (QA: `wk 04-29` of 2023 and of 2024 looked the same).
    expect(bucketLabel('2023-04-24', 'week')).toContain('2023');
    expect(bucketLabel('2024-05-01', 'month')).toBe('May 2024');
  });
  it('keeps the counts the API computed', () => {
    const point = { start: '2024-05-01', created: 3, shipped: 2, delivered: 1, onTime: 1, late: 0 };
    expect(chartPoints([point], 'month')).toEqual([{ ...point, label: 'May 2024' }]);
  });
});
