/**
 * Where the KPI data really is, and the range before a range: pure day arithmetic shared by the
 * API (which computes both) and the console (which shows them). Days are site-time calendar days
 * `YYYY-MM-DD`.
 */
import { addDays, daysBetween } from './site-time';

/** Days without activity that split the data into separate spans (about a quarter). */
export const MAIN_SPAN_GAP_DAYS = 90;

/** The main span of the data and how much activity lies outside it. */
export interface MainSpan {
  from: string;
  to: string;
  /** Active days outside the span (e.g. one stray event with today's time). */
  outsideDays: number;
}

/**
 * The span holding most of the activity: the active days are cut into spans wherever
 * {@link MAIN_SPAN_GAP_DAYS} or more days pass without activity, and the span with the most
 * activity wins (the later one on a tie). One event far from the rest (a test event with today's
 * time on a 2017 import) so no longer stretches "all data" or moves "last 30 days" to an empty
 * range. Null when no day has activity.
 * @param days active days with their activity count (any order; counts <= 0 are ignored)
 */
export function mainSpan(days: readonly { day: string; n: number }[]): MainSpan | null {
  const active = days.filter((d) => d.n > 0).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  if (active.length === 0) return null;
  let best = { from: active[0]!.day, to: active[0]!.day, n: 0, days: 0 };
  let cur = { ...best };
  for (const [i, d] of active.entries()) {
    if (i > 0 && daysBetween(cur.to, d.day) > MAIN_SPAN_GAP_DAYS)
      cur = { from: d.day, to: d.day, n: 0, days: 0 };
    cur.to = d.day;
    cur.n += d.n;
    cur.days += 1;
    if (cur.n >= best.n) best = { ...cur };
  }
  return { from: best.from, to: best.to, outsideDays: active.length - best.days };
}

/** The range of the same length just before `from`..`to` (inclusive days). */
export function previousRange(from: string, to: string): { from: string; to: string } {
  const length = daysBetween(from, to) + 1;
  return { from: addDays(from, -length), to: addDays(from, -1) };
}
