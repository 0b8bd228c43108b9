import { describe, expect, it } from 'vitest';
import {
  addDays,
  bucketCount,
  bucketFor,
  bucketStart,
  daysBetween,
  isOnTime,
  kpiSeries,
  MAX_BUCKETS,
  TooManyBucketsError,
  nextBucketStart,
  punctuality,
  siteDay,
} from './site-time';
import type { KpiDailyPoint } from './api';

describe('siteDay', () => {
  it('places an instant on its site-time calendar day, across DST changes', () => {
    expect(siteDay('2017-12-01T01:30:00Z', 'America/Sao_Paulo')).toBe('2017-11-30'); // UTC-2 (DST then)
    expect(siteDay('2024-03-11T02:59:59Z', 'America/Sao_Paulo')).toBe('2024-03-10');
    expect(siteDay('2024-03-11T03:00:00Z', 'America/Sao_Paulo')).toBe('2024-03-11');
    // New York springs forward on 2024-03-10 (EST -5 -> EDT -4): midnight is 05:00Z before, 04:00Z after.
    expect(siteDay('2024-03-10T04:59:59Z', 'America/New_York')).toBe('2024-03-09');
    expect(siteDay('2024-03-11T03:59:59Z', 'America/New_York')).toBe('2024-03-10');
    expect(siteDay('2024-03-11T04:00:00Z', 'America/New_York')).toBe('2024-03-11');
    // ...and falls back on 2024-11-03: midnight of the 4th is 05:00Z.
    expect(siteDay('2024-11-04T04:59:59Z', 'America/New_York')).toBe('2024-11-03');
    expect(siteDay('2024-11-04T05:00:00Z', 'America/New_York')).toBe('2024-11-04');
    // An offset on the instant does not matter, only the site zone does.
    expect(siteDay('2024-05-03T23:30:00-03:00', 'UTC')).toBe('2024-05-04');
    expect(siteDay('2024-05-04T02:30:00+14:00', 'Pacific/Kiritimati')).toBe('2024-05-04');
  });

  it('counts old instants in the proleptic Gregorian calendar, with the zone offset of the time', () => {
    expect(siteDay('1500-06-01T12:00:00Z', 'UTC')).toBe('1500-06-01'); // Intl alone says 1500-05-22 (Julian)
    // São Paulo kept local mean time (-03:06:28) until 1914: 02:00Z is 22:53:32 the day before.
    expect(siteDay('1850-01-01T02:00:00Z', 'America/Sao_Paulo')).toBe('1849-12-31');
    expect(siteDay('1500-06-01T18:30:00Z', 'Asia/Kolkata')).toBe('1500-06-02'); // +05:53:28
  });

  it('throws on an instant it cannot read', () => {
    expect(() => siteDay('yesterday', 'UTC')).toThrow(/cannot place/);
  });
});

describe('calendar days', () => {
  it('does day arithmetic across month and leap boundaries', () => {
    expect(daysBetween('2024-02-27', '2024-03-01')).toBe(3);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });
});

describe('the on-time rule (DESIGN.md OTD)', () => {
  it('counts delivery on the promised day in site time as on time, up to site midnight', () => {
    // 23:30 in São Paulo on the promised day is 02:30Z the next day: still on time.
    expect(isOnTime('2024-03-11T02:30:00Z', '2024-03-10', 'America/Sao_Paulo')).toBe(true);
    expect(isOnTime('2024-03-11T02:59:59.999Z', '2024-03-10', 'America/Sao_Paulo')).toBe(true);
    expect(isOnTime('2024-03-11T03:00:00Z', '2024-03-10', 'America/Sao_Paulo')).toBe(false);
    expect(isOnTime('2024-03-09T12:00:00Z', '2024-03-10', 'UTC')).toBe(true);
    // East of UTC the site day starts before UTC's: 2024-03-10T22:00Z is the 11th in Tokyo.
    expect(isOnTime('2024-03-10T22:00:00Z', '2024-03-10', 'Asia/Tokyo')).toBe(false);
  });
});

describe('punctuality', () => {
  const now = new Date('2024-05-04T02:00:00Z'); // 2024-05-03 23:00 in São Paulo, 2024-05-04 in UTC
  const order = (patch: Partial<Parameters<typeof punctuality>[0]>) => ({
    status: 'shipped',
    promisedDate: '2024-05-03',
    siteTimeZone: 'America/Sao_Paulo',
    deliveredAt: null,
    ...patch,
  });

  it('judges a delivered order by its site-time delivery day', () => {
    expect(punctuality(order({ status: 'delivered', deliveredAt: '2024-05-04T02:30:00Z' }), now)).toEqual({
      state: 'on_time',
      days: 0,
    });
    expect(punctuality(order({ status: 'delivered', deliveredAt: '2024-05-01T12:00:00Z' }), now)).toEqual({
      state: 'on_time',
      days: -2,
    });
    expect(
      punctuality(
        order({ status: 'delivered', deliveredAt: '2024-05-04T02:30:00Z', siteTimeZone: 'UTC' }),
        now,
      ),
    ).toEqual({ state: 'late', days: 1 });
  });

  it('calls an open order overdue only once its promised day is over in site time', () => {
    expect(punctuality(order({}), now)).toEqual({ state: 'due', days: 0 }); // still the 3rd in São Paulo
    expect(punctuality(order({ siteTimeZone: 'UTC' }), now)).toEqual({ state: 'overdue', days: 1 });
    expect(punctuality(order({ promisedDate: '2024-05-01' }), now)).toEqual({ state: 'overdue', days: 2 });
    expect(punctuality(order({ promisedDate: '2024-05-10' }), now)).toEqual({ state: 'due', days: -7 });
  });

  it('has no verdict without a promised day or zone, for a cancelled order, or an unknown zone', () => {
    expect(punctuality(order({ promisedDate: null }), now)).toBeNull();
    expect(punctuality(order({ siteTimeZone: null }), now)).toBeNull();
    expect(punctuality(order({ status: 'cancelled' }), now)).toBeNull();
    expect(punctuality(order({ siteTimeZone: 'Mars/Olympus' }), now)).toBeNull();
  });
});

describe('KPI buckets', () => {
  const p = (day: string, created = 1): KpiDailyPoint => ({
    day,
    created,
    shipped: 0,
    delivered: created,
    onTime: created,
    late: 0,
  });

  it('starts buckets on the day, the ISO week Monday or the 1st of the month', () => {
    expect(bucketStart('2024-05-05', 'day')).toBe('2024-05-05');
    expect(bucketStart('2024-05-05', 'week')).toBe('2024-04-29'); // a Sunday belongs to the week before
    expect(bucketStart('2024-05-06', 'week')).toBe('2024-05-06');
    expect(bucketStart('2024-05-31', 'month')).toBe('2024-05-01');
    expect(nextBucketStart('2024-12-01', 'month')).toBe('2025-01-01');
    expect(nextBucketStart('2024-02-26', 'week')).toBe('2024-03-04');
    expect(bucketCount('2024-01-31', '2024-03-01', 'month')).toBe(3);
    expect(bucketCount('2024-04-29', '2024-05-12', 'week')).toBe(2);
  });

  it('picks the bucket by the range length', () => {
    expect(bucketFor(92)).toBe('day');
    expect(bucketFor(93)).toBe('week');
    expect(bucketFor(730)).toBe('week');
    expect(bucketFor(731)).toBe('month');
  });

  it('fills empty buckets over the range and sums days into weeks', () => {
    const daily = kpiSeries([p('2024-05-03', 2), p('2024-05-01')], { from: '2024-04-30', to: '2024-05-04' });
    expect(daily.bucket).toBe('day');
    expect(daily.points.map((x) => [x.start, x.created])).toEqual([
      ['2024-04-30', 0],
      ['2024-05-01', 1],
      ['2024-05-02', 0],
      ['2024-05-03', 2],
      ['2024-05-04', 0],
    ]);
    const weekly = kpiSeries([p('2024-05-05', 2), p('2024-05-06')], {
      from: '2024-05-01',
      to: '2024-05-20',
      bucket: 'week',
    });
    expect(weekly.points.map((x) => [x.start, x.created])).toEqual([
      ['2024-04-29', 2],
      ['2024-05-06', 1],
      ['2024-05-13', 0],
      ['2024-05-20', 0],
    ]);
  });

  it('takes open ends from the data, and picks weeks or months for long ranges', () => {
    const series = kpiSeries([p('2024-01-10'), p('2024-06-30')], {});
    expect(series).toMatchObject({ bucket: 'week', from: '2024-01-10', to: '2024-06-30' });
    expect(series.points[0]?.start).toBe('2024-01-08');
    expect(kpiSeries([p('2020-01-10'), p('2024-06-30')], {}).bucket).toBe('month');
    expect(kpiSeries([], {})).toEqual({ bucket: 'day', from: null, to: null, points: [] });
  });

  it('clamps a range far too long for its buckets to the data (a typo such as year 0202)', () => {
    const series = kpiSeries([p('2024-05-01'), p('2024-05-03')], { from: '0202-01-01', to: '9999-12-31' });
    expect(series).toMatchObject({ bucket: 'day', from: '2024-05-01', to: '2024-05-03' });
    expect(series.points).toHaveLength(3);
    expect(kpiSeries([], { from: '0001-01-01', to: '9999-12-31' }).points).toEqual([]);
    // Data spread over more buckets than allowed: refused, never a series with gaps.
    expect(bucketCount('0001-01-05', '9999-12-31', 'month')).toBeGreaterThan(MAX_BUCKETS);
    expect(() => kpiSeries([p('0001-01-05'), p('9999-12-31')], { bucket: 'day' })).toThrow(
      TooManyBucketsError,
    );
    expect(() => kpiSeries([p('0001-01-05'), p('9999-12-31')], {})).toThrow(/shorter range/);
    // Ten years of days asked for by day: the caller is told to pick weeks or months.
    expect(() => kpiSeries([p('2010-01-01'), p('2020-03-01')], { bucket: 'day' })).toThrow(/larger bucket/);
    expect(kpiSeries([p('2010-01-01'), p('2020-03-01')], { bucket: 'week' }).points).toHaveLength(531);
  });

  it('states the bucket count of the range asked for, and the range it was clamped to, when both are too long (QA)', () => {
    // The message used to give only the count of the clamped range ("46360 day buckets") for a
    // range of 3.65 million days, and not say that it was clamped.
    const data = [p('1900-01-01'), p('2026-12-04')];
    const asked = { from: '0001-01-02', to: '9999-12-30' };
    expect(() => kpiSeries(data, { ...asked, bucket: 'day' })).toThrow(
      'the 3652057 day buckets from 0001-01-02 to 9999-12-30 exceed the 3660 a series may hold, and so do the ' +
        '46359 day buckets of the range clamped to the days that hold data (1900-01-01 to 2026-12-04): ' +
        'ask for a larger bucket or a shorter range',
    );
    expect(() => kpiSeries([p('0001-01-05'), p('9999-12-30')], asked)).toThrow(
      'the 119988 month buckets from 0001-01-02 to 9999-12-30 exceed the 3660 a series may hold, and so do the ' +
        '119988 month buckets of the range clamped to the days that hold data (0001-01-05 to 9999-12-30): ' +
        'ask for a shorter range',
    );
    // No range asked: nothing was clamped, the message says only the data's count.
    expect(() => kpiSeries(data, { bucket: 'day' })).toThrow(
      /^the 46359 day buckets from 1900-01-01 to 2026-12-04 exceed the 3660 a series may hold: ask for/,
    );
  });

  it('ends at the last month of year 9999 without running past it', () => {
    const series = kpiSeries([p('9999-11-15')], { from: '9999-11-01', to: '9999-12-31', bucket: 'month' });
    expect(series.points.map((x) => x.start)).toEqual(['9999-11-01', '9999-12-01']);
  });
});
