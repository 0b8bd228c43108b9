import { describe, expect, it } from 'vitest';
import { datePart, localToInstant } from './time';

const SP = 'America/Sao_Paulo';

describe('localToInstant', () => {
  it('places a São Paulo local time after 2019 at UTC-3', () => {
    expect(localToInstant('2019-12-01 10:00:00', SP)).toEqual({
      iso: '2019-12-01T13:00:00Z',
      ms: Date.UTC(2019, 11, 1, 13),
      note: null,
    });
    expect(localToInstant('2018-07-29 13:54:51', SP)?.iso).toBe('2018-07-29T16:54:51Z');
  });

  it('applies São Paulo summer time in 2017 (UTC-2)', () => {
    expect(localToInstant('2017-12-01 10:00:00', SP)?.iso).toBe('2017-12-01T12:00:00Z');
    expect(localToInstant('2017-02-01 23:30:00', SP)?.iso).toBe('2017-02-02T01:30:00Z');
  });

  it('takes the earlier instant for a wall time repeated at the fall-back (2018-02-17 23:xx)', () => {
    const placed = localToInstant('2018-02-17 23:43:05', SP);
    expect(placed).toMatchObject({ iso: '2018-02-18T01:43:05Z', note: 'ambiguous' });
    // one hour earlier is not ambiguous
    expect(localToInstant('2018-02-17 22:43:05', SP)).toMatchObject({
      iso: '2018-02-18T00:43:05Z',
      note: null,
    });
  });

  it('shifts a wall time that never happened (spring-forward 2017-10-15 00:xx) forward', () => {
    expect(localToInstant('2017-10-15 00:30:00', SP)).toMatchObject({
      iso: '2017-10-15T03:30:00Z',
      note: 'gap',
    });
  });

  it('uses the zone it is given', () => {
    expect(localToInstant('2017-12-01 10:00:00', 'UTC')?.iso).toBe('2017-12-01T10:00:00Z');
    expect(localToInstant('2017-12-01 10:00:00', 'America/Manaus')?.iso).toBe('2017-12-01T14:00:00Z');
  });

  it('rejects an unknown time zone', () => {
    expect(() => localToInstant('2017-12-01 10:00:00', 'Mars/Olympus_Mons')).toThrow(RangeError);
  });

  it('agrees with the zone rules on every hour around the 2017/2018 transitions', () => {
    // 2017-10-15 00:00 -> 01:00 (UTC-3 -> UTC-2); 2018-02-18 00:00 -> 2018-02-17 23:00 (UTC-2 -> UTC-3)
    expect(localToInstant('2017-10-14 23:59:59', SP)?.iso).toBe('2017-10-15T02:59:59Z');
    expect(localToInstant('2017-10-15 01:00:00', SP)).toMatchObject({
      iso: '2017-10-15T03:00:00Z',
      note: null,
    });
    expect(localToInstant('2018-02-17 22:59:59', SP)).toMatchObject({
      iso: '2018-02-18T00:59:59Z',
      note: null,
    });
    expect(localToInstant('2018-02-17 23:00:00', SP)).toMatchObject({
      iso: '2018-02-18T01:00:00Z',
      note: 'ambiguous',
    });
    expect(localToInstant('2018-02-18 00:00:00', SP)).toMatchObject({
      iso: '2018-02-18T03:00:00Z',
      note: null,
    });
  });

  it('returns null for empty or invalid text, and midnight for a bare date', () => {
    expect(localToInstant('', SP)).toBeNull();
    expect(localToInstant('2017-02-30 10:00:00', SP)).toBeNull();
    expect(localToInstant('yesterday', SP)).toBeNull();
    expect(localToInstant('2018-09-03', SP)?.iso).toBe('2018-09-03T03:00:00Z');
  });
});

describe('datePart', () => {
  it('keeps the calendar day of an Olist timestamp without any zone shift', () => {
    expect(datePart('2018-09-03 00:00:00')).toBe('2018-09-03');
    expect(datePart('2017-10-15 00:00:00')).toBe('2017-10-15'); // a midnight that never happened in São Paulo
    expect(datePart('')).toBeNull();
  });
});
