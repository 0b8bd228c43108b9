import { describe, expect, it } from 'vitest';
import { mainSpan, previousRange } from './kpi-range';

describe('mainSpan', () => {
  it('is null without activity', () => {
    expect(mainSpan([])).toBeNull();
    expect(mainSpan([{ day: '2017-01-01', n: 0 }])).toBeNull();
  });

  it('leaves out one stray day far from the bulk of the data (a test event with today’s time)', () => {
    // One active day a month from 2016-09 to 2018-10 (gaps under 90 days), then nothing until 2026.
    const monthly = Array.from({ length: 26 }, (_, i) => {
      const m = 8 + i; // 0-based month counted from 2016-01
      return { day: `${2016 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-04`, n: 10 };
    });
    const days = [{ day: '2026-12-03', n: 1 }, ...monthly];
    expect(mainSpan(days)).toEqual({ from: '2016-09-04', to: '2018-10-04', outsideDays: 1 });
  });

  it('keeps every day when no gap is longer than 90 days', () => {
    expect(
      mainSpan([
        { day: '2024-01-01', n: 1 },
        { day: '2024-03-31', n: 1 },
      ]),
    ).toEqual({
      from: '2024-01-01',
      to: '2024-03-31',
      outsideDays: 0,
    });
  });

  it('picks the span with more activity, the later one on a tie', () => {
    const a = [
      { day: '2020-01-01', n: 5 },
      { day: '2024-01-01', n: 5 },
    ];
    expect(mainSpan(a)).toEqual({ from: '2024-01-01', to: '2024-01-01', outsideDays: 1 });
    expect(
      mainSpan([
        { day: '2020-01-01', n: 6 },
        { day: '2024-01-01', n: 5 },
      ]),
    ).toMatchObject({ from: '2020-01-01' });
  });
});

describe('previousRange', () => {
  it('is the range of the same length ending the day before', () => {
    expect(previousRange('2018-03-01', '2018-03-31')).toEqual({ from: '2018-01-29', to: '2018-02-28' });
    expect(previousRange('2024-01-01', '2024-01-01')).toEqual({ from: '2023-12-31', to: '2023-12-31' });
  });
});
