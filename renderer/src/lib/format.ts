/**
 * Display formatting shared by every screen: durations, rates, counts and instants (calendar-day
 * arithmetic and site days: contracts/site-time.ts).
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

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * Formats an instant as `YYYY-MM-DD HH:mm:ss` on the wall clock of an IANA time zone (the
 * order's site), or in the viewer's local time when the zone is null or unknown to this browser.
 *
 * @param iso RFC 3339 instant (any offset); invalid or missing -> `"—"` (as {@link formatInstant})
 * @param timeZone IANA zone such as `America/Sao_Paulo`, or null
 */
export function formatInstantInZone(
  iso: string | null | undefined,
  timeZone: string | null,
  withSeconds = true,
): string {
  if (!iso || !timeZone) return formatInstant(iso, withSeconds);
  const key = `${timeZone} ${iso} ${withSeconds ? 's' : 'm'}`;
  let text = zonedTexts.get(key);
  if (text === undefined) {
    text = formatInZone(iso, timeZone, withSeconds);
    if (zonedTexts.size >= ZONED_TEXTS_MAX) zonedTexts.clear();
    zonedTexts.set(key, text);
  }
  return text;
}

/**
 * Texts of {@link formatInstantInZone} already made (`formatToParts` is the costly part of a
 * table row coming into view while scrolling): at most {@link ZONED_TEXTS_MAX}, then started over.
 */
const zonedTexts = new Map<string, string>();
const ZONED_TEXTS_MAX = 20_000;

function formatInZone(iso: string, timeZone: string, withSeconds: boolean): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  let format = zoneFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      return formatInstant(iso, withSeconds); // a zone this browser does not know
    }
    zoneFormats.set(timeZone, format);
  }
  const part = Object.fromEntries(format.formatToParts(d).map((p) => [p.type, p.value]));
  const time = `${part['hour']}:${part['minute']}${withSeconds ? `:${part['second']}` : ''}`;
  return `${part['year']}-${part['month']}-${part['day']} ${time}`;
}

/** A time zone's name for people: `America/Sao_Paulo` -> `Sao Paulo`; null -> `local time`. */
export function zoneName(timeZone: string | null): string {
  if (!timeZone) return 'local time';
  return (timeZone.split('/').at(-1) ?? timeZone).replace(/_/g, ' ');
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
