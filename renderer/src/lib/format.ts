/**
 * Display formatting shared by every screen: durations, rates, counts, instants and calendar days.
 * Pure functions (no DOM), so they are unit-tested in Node. Missing values render as an em dash.
 */

/** What every formatter prints for a missing value. */
export const EMPTY = '—';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * Formats a duration given in milliseconds with one decimal in the largest fitting unit:
 * `"8.4 d"`, `"5.2 h"`, `"42 min"`, `"12 s"`. Negative durations keep their sign.
 *
 * @param ms duration in milliseconds; null/undefined/NaN -> `"—"`
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return EMPTY;
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs >= DAY_MS) return `${sign}${oneDecimal(abs / DAY_MS)} d`;
  if (abs >= HOUR_MS) return `${sign}${oneDecimal(abs / HOUR_MS)} h`;
  if (abs >= MINUTE_MS) return `${sign}${Math.round(abs / MINUTE_MS)} min`;
  return `${sign}${Math.round(abs / 1000)} s`;
}

function oneDecimal(value: number): string {
  return (Math.round(value * 10) / 10).toFixed(1);
}

/**
 * Formats a rate in 0..1 as a percentage with one decimal: `0.9342` -> `"93.4 %"`.
 *
 * @param rate fraction 0..1; null (nothing to divide by) -> `"—"`
 */
export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return EMPTY;
  return `${(rate * 100).toFixed(1)} %`;
}

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Formats a count with thousands separators: `12345` -> `"12,345"`; null -> `"—"`. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY;
  return integerFormat.format(value);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Formats an RFC 3339 instant in the viewer's local time as `YYYY-MM-DD HH:mm:ss`
 * (24 h, sortable, unambiguous in a control room). Invalid or missing -> `"—"`.
 *
 * @param iso RFC 3339 instant (any offset)
 * @param withSeconds include `:ss` (default true)
 */
export function formatInstant(iso: string | null | undefined, withSeconds = true): string {
  if (!iso) return EMPTY;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}${withSeconds ? `:${pad2(d.getSeconds())}` : ''}`;
  return `${date} ${time}`;
}

/**
 * The value an `<input type="datetime-local" step="1">` expects for an instant, in local time:
 * `YYYY-MM-DDTHH:mm:ss`.
 */
export function toLocalInputValue(date: Date): string {
  return (
    `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}` +
    `T${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`
  );
}

/**
 * Converts a `datetime-local` input value (viewer's local time, no offset) to an RFC 3339 UTC
 * instant (`2024-05-03T12:00:00.000Z`). Returns null for an empty or unparseable value.
 */
export function localInputToUtc(value: string): string | null {
  const trimmed = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(trimmed)) return null;
  // ECMAScript parses date-time strings without an offset as local time.
  const d = new Date(trimmed);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * The calendar day (`YYYY-MM-DD`) of an instant in an IANA time zone; falls back to the viewer's
 * zone when `timeZone` is null or unknown. Returns null for a missing/invalid instant.
 */
export function dayInZone(
  iso: string | null | undefined,
  timeZone: string | null | undefined,
): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' };
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', { ...options, timeZone: timeZone ?? undefined }).formatToParts(
      d,
    );
  } catch {
    parts = new Intl.DateTimeFormat('en-US', options).formatToParts(d);
  }
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Whole days from calendar day `a` to calendar day `b` (`YYYY-MM-DD`), e.g. 2024-01-01 -> 2024-01-03 = 2. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** Adds `n` days to a calendar day `YYYY-MM-DD` (UTC arithmetic, no zone drift). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Delivery punctuality of an order: on time when the delivery day (site time) is on or before
 * the promised day (DESIGN.md "OTD"); `days` is how many days late (>0) or early (<=0).
 * Null when the order is not delivered or has no promised date.
 */
export function punctuality(
  deliveredAt: string | null,
  promisedDate: string | null,
  siteTimeZone: string | null,
): { onTime: boolean; days: number } | null {
  if (!deliveredAt || !promisedDate) return null;
  const day = dayInZone(deliveredAt, siteTimeZone);
  if (!day) return null;
  const days = daysBetween(promisedDate, day);
  return { onTime: days <= 0, days };
}

/** Short label of an event type: `sct.order.created.v1` -> `order.created`. */
export function shortEventType(type: string): string {
  const m = /^sct\.([a-z]+\.[a-z_]+)\.v\d+$/.exec(type);
  return m?.[1] ?? type;
}

/** Human label for a snake_case status: `out_for_delivery` -> `out for delivery`. */
export function statusLabel(status: string): string {
  return status.replace(/_/g, ' ');
}

/** Human name of a backing service. */
export function serviceLabel(name: 'kafka' | 'postgres' | 'redis'): string {
  return name === 'kafka' ? 'Kafka' : name === 'postgres' ? 'PostgreSQL' : 'Redis';
}
