/**
 * The shipment timeline's grouping: entries by calendar day in one time zone (the order's site
 * zone, UTC when the shipment has no known site), newest day first and newest entry first within
 * a day (ties keep the server's order reversed, so the list reads as the exact reverse of event
 * time order). Pure; the screen renders the groups.
 */
import type { TimelineEntry } from '../../../contracts/api';
import { EXCEPTION_SHIPMENT_STATUSES, type ShipmentStatus } from '../../../contracts/shipment-status';
import { daysBetween, siteDay } from '../../../contracts/site-time';

/** One day of the timeline. */
export interface TimelineDay {
  /** `YYYY-MM-DD` in the zone. */
  day: string;
  entries: TimelineEntry[];
}

/** Groups `entries` by their day in `timeZone`, newest first (see the module comment). */
export function groupTimelineByDay(entries: readonly TimelineEntry[], timeZone: string): TimelineDay[] {
  const newestFirst = entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => Date.parse(b.e.time) - Date.parse(a.e.time) || b.i - a.i)
    .map(({ e }) => e);
  const days: TimelineDay[] = [];
  for (const e of newestFirst) {
    const day = siteDay(e.time, timeZone);
    const last = days.at(-1);
    if (last?.day === day) last.entries.push(e);
    else days.push({ day, entries: [e] });
  }
  return days;
}

/** `HH:mm` of an instant in a time zone (24 h). */
export function timeInZone(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(Date.parse(instant));
}

/**
 * How the ETA stands against the promised day, in the zone: `null` when either is missing, else
 * the days the ETA's day is after the promised day (negative or 0: on time).
 */
export function etaDaysPastPromise(
  eta: string | null,
  promisedDate: string | null,
  timeZone: string,
): number | null {
  if (!eta || !promisedDate) return null;
  return daysBetween(promisedDate, siteDay(eta, timeZone));
}

/**
 * What the shipment header says about exceptions: `open` (status `exception` or
 * `failed_attempt`, EXCEPTION_SHIPMENT_STATUSES: the reason in the warning colour), `resolved`
 * (an exception was reported but the shipment moved on, e.g. delivered: shown muted as the last
 * exception, never as a current one), or null when none was ever reported.
 * QA found a delivered shipment whose header still said "Exception".
 */
export function exceptionInHeader(s: {
  status: ShipmentStatus;
  exceptionReason: string | null;
}): { state: 'open' | 'resolved'; reason: string } | null {
  const open = EXCEPTION_SHIPMENT_STATUSES.includes(s.status);
  if (open) return { state: 'open', reason: s.exceptionReason ?? s.status.replace(/_/g, ' ') };
  return s.exceptionReason ? { state: 'resolved', reason: s.exceptionReason } : null;
}
