import { describe, expect, it } from 'vitest';
import type { KpiDailyPoint } from '../../../contracts/api';
import { bucketFor, bucketLabel, bucketStart, chartSeries, fillDays, groupDays } from './daily';

const p = (day: string, created = 1): KpiDailyPoint => ({
  day,
  created,
  shipped: 0,
  delivered: 0,
  onTime: 0,
  late: 0,
});

describe('fillDays', () => {
  it('fills missing days with zeros and sorts', () => {
    const out = fillDays([p('2024-01-03', 3), p('2024-01-01', 1)]);
    expect(out.map((x) => [x.day, x.created])).toEqual([
      ['2024-01-01', 1],
      ['2024-01-02', 0],
      ['2024-01-03', 3],
    ]);
  });
  it('extends to and clips at the requested range', () => {
    const out = fillDays([p('2024-01-02'), p('2024-01-09')], '2023-12-31', '2024-01-03');
    expect(out.map((x) => x.day)).toEqual(['2023-12-31', '2024-01-01', '2024-01-02', '2024-01-03']);
  });
  it('returns nothing for an empty or inverted range', () => {
    expect(fillDays([])).toEqual([]);
    expect(fillDays([p('2024-01-02')], '2024-02-01', '2024-01-01')).toEqual([]);
  });
  it('clamps absurd ranges to the data', () => {
    const out = fillDays([p('2024-01-01'), p('2024-01-02')], '0202-01-01', '2024-01-02');
    expect(out).toHaveLength(2);
  });
});

describe('buckets', () => {
  it('picks day, week or month by range length', () => {
    expect(bucketFor(30)).toBe('day');
    expect(bucketFor(92)).toBe('day');
    expect(bucketFor(93)).toBe('week');
    expect(bucketFor(731)).toBe('month');
  });
  it('starts weeks on Monday and months on the 1st', () => {
    expect(bucketStart('2024-05-05', 'week')).toBe('2024-04-29'); // Sunday
    expect(bucketStart('2024-04-29', 'week')).toBe('2024-04-29'); // Monday
    expect(bucketStart('2024-05-17', 'month')).toBe('2024-05-01');
    expect(bucketLabel('2024-05-01', 'month')).toBe('May 2024');
    expect(bucketLabel('2024-05-03', 'day')).toBe('05-03');
  });
  it('sums counts per bucket', () => {
    const days = fillDays([p('2024-04-29', 2), p('2024-05-05', 3), p('2024-05-06', 4)]);
    const weeks = groupDays(days, 'week');
    expect(weeks.map((w) => [w.start, w.created])).toEqual([
      ['2024-04-29', 5],
      ['2024-05-06', 4],
    ]);
  });
  it('chartSeries chooses the bucket from the filled range', () => {
    const { bucket, series } = chartSeries([p('2023-01-01'), p('2023-12-31')]);
    expect(bucket).toBe('week');
    expect(series.reduce((s, x) => s + x.created, 0)).toBe(2);
  });
});
