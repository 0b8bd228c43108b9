import { describe, expect, it } from 'vitest';
import {
  addDays,
  dayInZone,
  daysBetween,
  formatCount,
  formatDuration,
  formatInstant,
  formatPercent,
  localInputToUtc,
  punctuality,
  shortEventType,
  statusLabel,
  toLocalInputValue,
} from './format';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('formatDuration', () => {
  it('uses days with one decimal from one day up', () => {
    expect(formatDuration(8.4 * DAY)).toBe('8.4 d');
    expect(formatDuration(DAY)).toBe('1.0 d');
    expect(formatDuration(12.96 * DAY)).toBe('13.0 d');
  });
  it('uses hours below a day and minutes below an hour', () => {
    expect(formatDuration(5.25 * HOUR)).toBe('5.3 h');
    expect(formatDuration(23.9 * HOUR)).toBe('23.9 h');
    expect(formatDuration(42 * 60_000)).toBe('42 min');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(0)).toBe('0 s');
  });
  it('keeps the sign and prints a dash for missing values', () => {
    expect(formatDuration(-2 * DAY)).toBe('-2.0 d');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('formatPercent / formatCount', () => {
  it('formats rates 0..1 as percentages', () => {
    expect(formatPercent(0.9342)).toBe('93.4 %');
    expect(formatPercent(1)).toBe('100.0 %');
    expect(formatPercent(0)).toBe('0.0 %');
    expect(formatPercent(null)).toBe('—');
  });
  it('groups thousands', () => {
    expect(formatCount(12345)).toBe('12,345');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(null)).toBe('—');
  });
});

describe('instants and days', () => {
  it('round-trips a local input value to UTC', () => {
    const d = new Date(2024, 4, 3, 14, 22, 5);
    const local = toLocalInputValue(d);
    expect(local).toBe('2024-05-03T14:22:05');
    expect(localInputToUtc(local)).toBe(d.toISOString());
    expect(localInputToUtc('2024-05-03T14:22')).toBe(new Date(2024, 4, 3, 14, 22).toISOString());
    expect(localInputToUtc('')).toBeNull();
    expect(localInputToUtc('yesterday')).toBeNull();
  });
  it('formats instants in local time', () => {
    const d = new Date(2024, 0, 2, 3, 4, 5);
    expect(formatInstant(d.toISOString())).toBe('2024-01-02 03:04:05');
    expect(formatInstant(d.toISOString(), false)).toBe('2024-01-02 03:04');
    expect(formatInstant(null)).toBe('—');
  });
  it('takes the calendar day in the site zone', () => {
    expect(dayInZone('2024-05-03T01:30:00Z', 'America/Sao_Paulo')).toBe('2024-05-02');
    expect(dayInZone('2024-05-03T01:30:00Z', 'UTC')).toBe('2024-05-03');
    expect(dayInZone('2024-05-03T23:30:00Z', 'Asia/Tokyo')).toBe('2024-05-04');
    expect(dayInZone(null, 'UTC')).toBeNull();
  });
  it('does day arithmetic across month and leap boundaries', () => {
    expect(daysBetween('2024-02-27', '2024-03-01')).toBe(3);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });
  it('judges punctuality by the site-time delivery day', () => {
    // Delivered 01:30 UTC on the 3rd = the 2nd in Sao Paulo: on time for a promise of the 2nd.
    expect(punctuality('2024-05-03T01:30:00Z', '2024-05-02', 'America/Sao_Paulo')).toEqual({
      onTime: true,
      days: 0,
    });
    expect(punctuality('2024-05-03T01:30:00Z', '2024-05-02', 'UTC')).toEqual({ onTime: false, days: 1 });
    expect(punctuality(null, '2024-05-02', 'UTC')).toBeNull();
  });
});

describe('labels', () => {
  it('shortens event types and statuses', () => {
    expect(shortEventType('sct.order.created.v1')).toBe('order.created');
    expect(shortEventType('sct.shipment.eta_updated.v1')).toBe('shipment.eta_updated');
    expect(shortEventType('other')).toBe('other');
    expect(statusLabel('out_for_delivery')).toBe('out for delivery');
  });
});
