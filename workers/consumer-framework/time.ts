/**
 * Event-time helpers (luxon carries the time-zone math).
 */
import { DateTime } from 'luxon';

/**
 * The calendar day (`YYYY-MM-DD`) of an instant in a site time zone.
 * @param instant RFC 3339 instant with offset
 * @param timeZone IANA zone name (the order's site)
 * @throws Error when the instant cannot be parsed
 */
export function siteDay(instant: string, timeZone: string): string {
  const ms = Date.parse(instant);
  // Fast path: one cached Intl formatter per zone (en-CA formats as YYYY-MM-DD). Intl switches to
  // the Julian calendar before 1582, so old instants keep luxon's proleptic Gregorian math.
  if (ms >= MODERN_MS) {
    let format = dayFormats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
      dayFormats.set(timeZone, format);
    }
    return format.format(ms);
  }
  const day = DateTime.fromISO(instant, { setZone: true }).setZone(timeZone).toISODate();
  if (!day) throw new Error(`cannot place ${instant} in time zone ${timeZone}`);
  return day;
}

/** 1900-01-01T00:00:00Z: from here on Intl and luxon agree on calendar days. */
const MODERN_MS = Date.UTC(1900, 0, 1);
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** Normalizes an RFC 3339 instant to UTC ISO with milliseconds (`2024-01-02T03:04:05.000Z`). */
export function toUtcIso(instant: string): string {
  return new Date(instant).toISOString();
}

/** Earlier of two optional UTC ISO instants (ISO strings in UTC compare lexicographically). */
export function minInstant(a: string | null, b: string): string {
  return a === null || b < a ? b : a;
}

/** Later of two optional UTC ISO instants. */
export function maxInstant(a: string | null, b: string): string {
  return a === null || b > a ? b : a;
}
