/**
 * Site time: the on-time rule and site-day bucketing, the ONE module that owns them. The workers
 * (order and KPI facts), the API (each order's punctuality, the KPI series) and the tests import
 * it; the console only displays what the API computed with it. Environment-neutral: Intl only.
 *
 * DESIGN.md "KPIs":
 * - "On-time delivery (OTD) = delivered orders whose delivery date (calendar day, site time zone)
 *   is on or before the promised date, divided by delivered orders."
 * - "KPIs are bucketed by the day of the event time, in the site time zone."
 *
 * Calendar days are `YYYY-MM-DD` strings (proleptic Gregorian, years 0001..9999), instants RFC
 * 3339 strings, time zones IANA names. A day string compares like the day it names.
 */
import { z } from 'zod';
import type { KpiBucketPoint, KpiDailyPoint, KpiSeries } from './api';

const DAY_MS = 86_400_000;

/** 1900-01-01T00:00:00Z: from here on Intl's calendar is the proleptic Gregorian one. */
const MODERN_MS = Date.UTC(1900, 0, 1);

// One formatter per zone: building an Intl.DateTimeFormat costs ~0.1 ms, formatting ~1 µs.
const dayFormats = new Map<string, Intl.DateTimeFormat>();
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

function cachedFormat(
  cache: Map<string, Intl.DateTimeFormat>,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  let format = cache.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { ...options, timeZone });
    cache.set(timeZone, format);
  }
  return format;
}

/**
 * The calendar day (`YYYY-MM-DD`) of an instant in a site time zone: the bucket of every KPI and
 * the delivery date of the on-time rule.
 * @param instant RFC 3339 instant with offset
 * @param timeZone IANA zone name (the order's site)
 * @throws Error when the instant cannot be parsed; RangeError for an unknown time zone
 */
export function siteDay(instant: string, timeZone: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new Error(`cannot place ${instant} in time zone ${timeZone}`);
  // Fast path (en-CA formats as YYYY-MM-DD).
  if (ms >= MODERN_MS) {
    return cachedFormat(dayFormats, timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      ms,
    );
  }
  // Intl switches to the Julian calendar before 1582: take only the zone's offset from it (local
  // mean time then, to the second) and count the day with Date's proleptic Gregorian calendar.
  const name = cachedFormat(offsetFormats, timeZone, { timeZoneName: 'longOffset' })
    .formatToParts(ms)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name ?? '');
  if (!m) throw new Error(`cannot place ${instant} in time zone ${timeZone}`);
  const offsetMs = m[1]
    ? (m[1] === '-' ? -1 : 1) * ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4] ?? 0)) * 1000
    : 0;
  return new Date(ms + offsetMs).toISOString().slice(0, 10);
}

/** Whole days from calendar day `a` to calendar day `b`, e.g. 2024-01-01 -> 2024-01-03 = 2. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** Adds `n` days to a calendar day (UTC arithmetic: no zone, no DST drift). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The on-time rule (DESIGN.md "KPIs", OTD): the delivery's calendar day in the site time zone is
 * on or before the promised date.
 * @param deliveredAt RFC 3339 instant of delivery
 * @param promisedDate promised calendar day `YYYY-MM-DD` (site time)
 * @param timeZone the site's IANA time zone
 * @throws like {@link siteDay}
 */
export function isOnTime(deliveredAt: string, promisedDate: string, timeZone: string): boolean {
  return siteDay(deliveredAt, timeZone) <= promisedDate;
}

// ---------------------------------------------------------------------------------------------
// Punctuality of one order
// ---------------------------------------------------------------------------------------------

/**
 * Where an order stands against its promised day, in site time:
 * - `on_time` / `late`: delivered; `days` = delivery day minus promised day (<= 0 on time, > 0 late);
 * - `due` / `overdue`: still open (not delivered, not cancelled); `days` = today minus the
 *   promised day (<= 0 due, > 0 overdue: the promised day has passed without a delivery).
 */
export const punctualitySchema = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('on_time'), days: z.number().int().max(0) }),
  z.strictObject({ state: z.literal('late'), days: z.number().int().min(1) }),
  z.strictObject({ state: z.literal('due'), days: z.number().int().max(0) }),
  z.strictObject({ state: z.literal('overdue'), days: z.number().int().min(1) }),
]);
export type Punctuality = z.infer<typeof punctualitySchema>;

/** What {@link punctuality} reads of an order. */
export interface PunctualityInput {
  status: string;
  promisedDate: string | null;
  siteTimeZone: string | null;
  deliveredAt: string | null;
}

/**
 * An order's punctuality at `now` (see {@link punctualitySchema}); null when it cannot be judged:
 * no promised date or site zone (its creation was not seen yet), an unknown zone, or cancelled.
 * @param now the current instant (the open order's "today" is its site day)
 */
export function punctuality(order: PunctualityInput, now: Date): Punctuality | null {
  const { promisedDate, siteTimeZone, deliveredAt } = order;
  if (!promisedDate || !siteTimeZone) return null;
  let day: string;
  try {
    if (deliveredAt) day = siteDay(deliveredAt, siteTimeZone);
    else if (order.status === 'cancelled') return null;
    else day = siteDay(now.toISOString(), siteTimeZone);
  } catch {
    return null; // a zone this runtime does not know: no verdict rather than a wrong one
  }
  const days = daysBetween(promisedDate, day);
  if (deliveredAt) return days <= 0 ? { state: 'on_time', days } : { state: 'late', days };
  return days <= 0 ? { state: 'due', days } : { state: 'overdue', days };
}

// ---------------------------------------------------------------------------------------------
// Site-day buckets of the KPI series
// ---------------------------------------------------------------------------------------------

/** Bucket sizes of the KPI series: a site day, an ISO week (Monday..Sunday), a calendar month. */
export const KPI_BUCKETS = ['day', 'week', 'month'] as const;
export type KpiBucket = (typeof KPI_BUCKETS)[number];

/** Longest range (days) drawn per day when the server picks; up to {@link WEEK_LIMIT_DAYS} per week; longer per month. */
export const DAY_LIMIT_DAYS = 92;
export const WEEK_LIMIT_DAYS = 730;

/** Most buckets one series fills (about ten years of days). */
export const MAX_BUCKETS = 3660;

/** The bucket the server picks for a range of `days` calendar days. */
export function bucketFor(days: number): KpiBucket {
  if (days <= DAY_LIMIT_DAYS) return 'day';
  if (days <= WEEK_LIMIT_DAYS) return 'week';
  return 'month';
}

/** First day of the bucket holding `day`: itself, its ISO week's Monday, or the 1st of its month. */
export function bucketStart(day: string, bucket: KpiBucket): string {
  if (bucket === 'day') return day;
  if (bucket === 'month') return `${day.slice(0, 7)}-01`;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/** First day of the bucket after the one starting at `start`. */
export function nextBucketStart(start: string, bucket: KpiBucket): string {
  if (bucket === 'day') return addDays(start, 1);
  if (bucket === 'week') return addDays(start, 7);
  const year = Number(start.slice(0, 4));
  const month = Number(start.slice(5, 7));
  return month === 12
    ? `${String(year + 1).padStart(4, '0')}-01-01`
    : `${start.slice(0, 5)}${String(month + 1).padStart(2, '0')}-01`;
}

/** How many buckets of a size cover `from`..`to` (inclusive days). */
export function bucketCount(from: string, to: string, bucket: KpiBucket): number {
  const first = bucketStart(from, bucket);
  const last = bucketStart(to, bucket);
  if (bucket === 'day') return daysBetween(first, last) + 1;
  if (bucket === 'week') return daysBetween(first, last) / 7 + 1;
  const months = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7));
  return months(last) - months(first) + 1;
}

/** The range a KPI series was asked for, before {@link kpiSeries} clamped it to the data. */
export interface AskedBucketRange {
  from: string;
  to: string;
  bucket: KpiBucket;
  /** Buckets of `bucket` from `from` to `to`. */
  count: number;
}

/**
 * A KPI series that would need more than {@link MAX_BUCKETS} buckets (HTTP 400 at the API). The
 * message states the count of the range asked for and, when that range was clamped to the days
 * that hold data, the clamped range and its count too (QA: "46360 day buckets" for a range of
 * 3.65 million days, with no word of the clamp).
 */
export class TooManyBucketsError extends Error {
  override name = 'TooManyBucketsError';
  /**
   * @param bucket the bucket size of the refused (clamped) range
   * @param count its number of buckets
   * @param bucketAsked the caller chose the bucket size (else the range is what to change)
   * @param range the refused range (the clamped one when `asked` is given)
   * @param asked the range asked for, when it was clamped to `range`
   */
  constructor(
    readonly bucket: KpiBucket,
    readonly count: number,
    readonly bucketAsked: boolean,
    readonly range: { from: string; to: string },
    readonly asked?: AskedBucketRange,
  ) {
    const limit = `exceed the ${MAX_BUCKETS} a series may hold`;
    const first = asked ?? { ...range, bucket, count };
    super(
      `the ${first.count} ${first.bucket} buckets from ${first.from} to ${first.to} ${limit}` +
        (asked
          ? `, and so do the ${count} ${bucket} buckets of the range clamped to the days that hold data (${range.from} to ${range.to})`
          : '') +
        `: ${bucketAsked ? 'ask for a larger bucket or a shorter range' : 'ask for a shorter range'}`,
    );
  }
}

/**
 * The KPI series of `GET /api/kpi/daily` from the days that hold data: one bucket per day, ISO
 * week or month from the bucket holding `from` to the one holding `to`, zeros where nothing
 * happened (see `kpiSeriesSchema` in contracts/api.ts).
 * - An open end takes the data's first/last day; no data and an open end gives no buckets.
 * - No `bucket`: picked by the range's length ({@link bucketFor}).
 * - A range needing more than {@link MAX_BUCKETS} buckets (a typo such as year 0202) is clamped
 *   to the days that hold data.
 * @param days per-day counts (any order; days outside the range are left out)
 * @throws TooManyBucketsError when even the clamped range needs more than {@link MAX_BUCKETS}
 *   buckets of the asked size (day buckets over ten years): a series with gaps would mislead; its
 *   message states the counts of both the range asked for and the clamped one
 */
export function kpiSeries(
  days: readonly KpiDailyPoint[],
  q: { from?: string | undefined; to?: string | undefined; bucket?: KpiBucket | undefined },
): KpiSeries {
  const sorted = [...days].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const dataFirst = sorted[0]?.day;
  const dataLast = sorted.at(-1)?.day;
  let from = q.from ?? dataFirst;
  let to = q.to ?? dataLast;
  const pick = (f: string, t: string) => q.bucket ?? bucketFor(daysBetween(f, t) + 1);
  if (!from || !to || from > to)
    return { bucket: q.bucket ?? 'day', from: from ?? null, to: to ?? null, points: [] };
  let bucket = pick(from, to);
  const askedCount = bucketCount(from, to, bucket);
  if (askedCount > MAX_BUCKETS) {
    if (!dataFirst || !dataLast) return { bucket, from, to, points: [] };
    const asked = { from, to, bucket, count: askedCount };
    from = from < dataFirst ? dataFirst : from;
    to = to > dataLast ? dataLast : to;
    if (from > to) return { bucket, from, to, points: [] };
    bucket = pick(from, to);
    const count = bucketCount(from, to, bucket);
    const clamped = from !== asked.from || to !== asked.to;
    if (count > MAX_BUCKETS)
      throw new TooManyBucketsError(
        bucket,
        count,
        q.bucket !== undefined,
        { from, to },
        clamped ? asked : undefined,
      );
  }
  const sums = new Map<string, KpiBucketPoint>();
  const empty = (start: string): KpiBucketPoint => ({
    start,
    created: 0,
    shipped: 0,
    delivered: 0,
    onTime: 0,
    late: 0,
  });
  // Counted, not compared: the bucket after 9999-12 would be "10000-01-01", less than it as text.
  let start = bucketStart(from, bucket);
  for (let i = bucketCount(from, to, bucket); i > 0; i--, start = nextBucketStart(start, bucket))
    sums.set(start, empty(start));
  for (const d of sorted) {
    if (d.day < from || d.day > to) continue;
    const start = bucketStart(d.day, bucket);
    let point = sums.get(start);
    if (!point) sums.set(start, (point = empty(start)));
    point.created += d.created;
    point.shipped += d.shipped;
    point.delivered += d.delivered;
    point.onTime += d.onTime;
    point.late += d.late;
  }
  return { bucket, from, to, points: [...sums.values()] };
}
