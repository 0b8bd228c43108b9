/**
 * Shapes the `/api/kpi/daily` series for the dashboard charts: fills days the server omitted
 * (no activity) with zeros, and groups long ranges into weeks or months so a bar stays readable.
 */
import type { KpiDailyPoint } from '../../../contracts/api';
import { addDays, daysBetween } from './format';

/** Chart bucket size. */
export type Bucket = 'day' | 'week' | 'month';

/** One chart bucket: `start` is its first day (`YYYY-MM-DD`), counts are summed over the bucket. */
export interface BucketPoint extends Omit<KpiDailyPoint, 'day'> {
  start: string;
  label: string;
}

/** Longest range drawn per day; up to {@link WEEK_LIMIT_DAYS} per ISO week; longer per month. */
export const DAY_LIMIT_DAYS = 92;
export const WEEK_LIMIT_DAYS = 730;

/** Ranges longer than this (about ten years) are clamped to the days that hold data. */
export const MAX_FILL_DAYS = 3660;

/** Picks the bucket for a range of `days` calendar days. */
export function bucketFor(days: number): Bucket {
  if (days <= DAY_LIMIT_DAYS) return 'day';
  if (days <= WEEK_LIMIT_DAYS) return 'week';
  return 'month';
}

/**
 * Returns one point per day from `from` to `to` inclusive (defaults: first/last day of `points`),
 * taking counts from `points` and zeros elsewhere. Points outside the range are dropped.
 */
export function fillDays(points: KpiDailyPoint[], from?: string | null, to?: string | null): KpiDailyPoint[] {
  const sorted = [...points].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const dataFirst = sorted[0]?.day;
  const dataLast = sorted[sorted.length - 1]?.day;
  let first = from ?? dataFirst;
  let last = to ?? dataLast;
  if (!first || !last || first > last) return [];
  // A typo such as year 0202 must not draw 600,000 empty days: clamp long ranges to the data.
  if (daysBetween(first, last) > MAX_FILL_DAYS && dataFirst && dataLast) {
    first = first < dataFirst ? dataFirst : first;
    last = last > dataLast ? dataLast : last;
    if (first > last || daysBetween(first, last) > MAX_FILL_DAYS)
      return sorted.filter((p) => p.day >= (first ?? '') && p.day <= (last ?? ''));
  }
  const byDay = new Map(sorted.map((p) => [p.day, p]));
  const span = daysBetween(first, last);
  const out: KpiDailyPoint[] = [];
  for (let i = 0; i <= span; i++) {
    const day = addDays(first, i);
    out.push(byDay.get(day) ?? { day, created: 0, shipped: 0, delivered: 0, onTime: 0, late: 0 });
  }
  return out;
}

/** First day of the bucket holding `day`: itself, its ISO week's Monday, or the 1st of its month. */
export function bucketStart(day: string, bucket: Bucket): string {
  if (bucket === 'day') return day;
  if (bucket === 'month') return `${day.slice(0, 7)}-01`;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Axis label of a bucket: `05-03` (day), `wk 05-01` (week), `May 2024` (month). */
export function bucketLabel(start: string, bucket: Bucket): string {
  if (bucket === 'day') return start.slice(5);
  if (bucket === 'week') return `wk ${start.slice(5)}`;
  return `${MONTHS[Number(start.slice(5, 7)) - 1] ?? start.slice(5, 7)} ${start.slice(0, 4)}`;
}

/** Sums consecutive (gap-filled, sorted) days into buckets. */
export function groupDays(days: KpiDailyPoint[], bucket: Bucket): BucketPoint[] {
  const out: BucketPoint[] = [];
  let current: BucketPoint | undefined;
  for (const p of days) {
    const start = bucketStart(p.day, bucket);
    if (!current || current.start !== start) {
      current = {
        start,
        label: bucketLabel(start, bucket),
        created: 0,
        shipped: 0,
        delivered: 0,
        onTime: 0,
        late: 0,
      };
      out.push(current);
    }
    current.created += p.created;
    current.shipped += p.shipped;
    current.delivered += p.delivered;
    current.onTime += p.onTime;
    current.late += p.late;
  }
  return out;
}

/**
 * The full pipeline for the charts: fill gaps over [from, to], choose a bucket by range length,
 * and group. Returns the bucket used so the chart can title itself ("per week").
 */
export function chartSeries(
  points: KpiDailyPoint[],
  from?: string | null,
  to?: string | null,
): { bucket: Bucket; series: BucketPoint[] } {
  const days = fillDays(points, from, to);
  const bucket = bucketFor(days.length);
  return { bucket, series: groupDays(days, bucket) };
}
