/**
 * Labels the `/api/kpi/daily` series for the dashboard charts. The API fills the gaps and picks
 * and computes the buckets (contracts/site-time.ts); the console only names them.
 */
import type { KpiBucketPoint } from '../../../contracts/api';
import type { KpiBucket } from '../../../contracts/site-time';

/** One chart point: a bucket's counts and its axis label. */
export interface ChartPoint extends KpiBucketPoint {
  label: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Axis label of a bucket: `05-03` (day: a day series spans at most 92 days), `wk 2024-04-29`
 * (week, with its year: a week series spans up to two years), `May 2024` (month).
 */
export function bucketLabel(start: string, bucket: KpiBucket): string {
  if (bucket === 'day') return start.slice(5);
  if (bucket === 'week') return `wk ${start}`;
  return `${MONTHS[Number(start.slice(5, 7)) - 1] ?? start.slice(5, 7)} ${start.slice(0, 4)}`;
}

/** The chart points of a series: each bucket with its label. */
export function chartPoints(points: readonly KpiBucketPoint[], bucket: KpiBucket): ChartPoint[] {
  return points.map((p) => ({ ...p, label: bucketLabel(p.start, bucket) }));
}

/** The bucket's name in a sentence: `2024-05-03`, `the week of 2024-04-29`, `May 2024`. */
export function bucketName(start: string, bucket: KpiBucket): string {
  if (bucket === 'day') return start;
  if (bucket === 'week') return `the week of ${start}`;
  return bucketLabel(start, bucket);
}
