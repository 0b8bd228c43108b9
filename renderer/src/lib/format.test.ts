import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDuration,
  formatInstant,
  formatInstantInZone,
  zoneName,
  formatPercent,
  localInputToUtc,
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
});

describe('labels', () => {
  it('shortens event types and statuses', () => {
    expect(shortEventType('sct.order.created.v1')).toBe('order.created');
    expect(shortEventType('sct.shipment.eta_updated.v1')).toBe('shipment.eta_updated');
    expect(shortEventType('other')).toBe('other');
    expect(statusLabel('out_for_delivery')).toBe('out for delivery');
  });
});

describe('formatInstantInZone', () => {
  it('shows the wall clock of the site zone, whatever the viewer’s zone', () => {
    expect(formatInstantInZone('2024-05-10T02:30:05Z', 'America/Sao_Paulo')).toBe('2024-05-09 23:30:05');
    expect(formatInstantInZone('2024-05-10T02:30:05Z', 'Asia/Tokyo', false)).toBe('2024-05-10 11:30');
  });

  it('falls back to local time without a zone or with one the browser does not know', () => {
    const iso = '2024-05-10T02:30:05Z';
    expect(formatInstantInZone(iso, null)).toBe(formatInstant(iso));
    expect(formatInstantInZone(iso, 'Mars/Olympus')).toBe(formatInstant(iso));
    expect(formatInstantInZone(null, 'Asia/Tokyo')).toBe('—');
  });

  it('gives each instant, zone and precision its own text when asked again (kept texts)', () => {
    const iso = '2024-05-10T02:30:05Z';
    for (let round = 0; round < 2; round++) {
      expect(formatInstantInZone(iso, 'America/Sao_Paulo')).toBe('2024-05-09 23:30:05');
      expect(formatInstantInZone(iso, 'America/Sao_Paulo', false)).toBe('2024-05-09 23:30');
      expect(formatInstantInZone(iso, 'Asia/Tokyo')).toBe('2024-05-10 11:30:05');
      expect(formatInstantInZone('2024-05-10T02:31:05Z', 'Asia/Tokyo')).toBe('2024-05-10 11:31:05');
    }
    // More distinct instants than are kept: still right after starting over.
    for (let i = 0; i < 20_500; i++)
      formatInstantInZone(new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(), 'UTC');
    expect(formatInstantInZone(iso, 'Asia/Tokyo', false)).toBe('2024-05-10 11:30');
  });

  it('names a zone for people', () => {
    expect(zoneName('America/Sao_Paulo')).toBe('Sao Paulo');
    expect(zoneName(null)).toBe('local time');
  });
});
