/**
 * Scale copies of a data set (issue 11 item 8), pure: copy `k` (1, 2, ...) of an order is the
 * same order under re-keyed ids and moved `k * shiftDays` site days EARLIER, so N copies make a
 * larger, still realistic business (same sites, same mix of statuses, late and on-time orders)
 * whose newest days stay the sample's newest days.
 *
 * Rules, shared by the pipeline path (events, {@link copyOrderEvents}) and the bulk SQL path
 * (scripts/scale/bulk.ts writes the same rules in SQL; the unit test pins both to them):
 * - ids: every id of the order (order id, shipment id, customer id, tracking number) gets the
 *   suffix `-c<k>` ({@link copyId}); warehouses (sites) and SKUs are shared by all copies;
 * - instants move by whole days of WALL-CLOCK time in the site's zone (luxon), so the site day of
 *   every event moves by exactly `k * shiftDays` days and the hour of day is kept (across a
 *   daylight-saving change the UTC distance is not a multiple of 24 h);
 * - calendar days (promised date) move by the same number of days, so an order's on-time verdict
 *   (delivery site day <= promised day) is the copy's verdict too;
 * - event ids are recomputed as the import computes them (UUID v5 of `<new order id>:<type>`),
 *   so re-running a copy applies nothing twice.
 */
import { DateTime } from 'luxon';
import type { SupplyChainEvent } from '../../contracts';
import { olistEventId } from '../olist/ids';

/** Default distance between two copies: copy k is `k * 7` site days earlier than the sample. */
export const DEFAULT_SHIFT_DAYS = 7;

/** `<id>-c<k>`: an id of copy `k` (k >= 1). @throws RangeError for k < 1 or not whole */
export function copyId(id: string, copy: number): string {
  if (!Number.isInteger(copy) || copy < 1)
    throw new RangeError(`copy must be a whole number >= 1, got ${copy}`);
  return `${id}-c${copy}`;
}

/** Days copy `k` moves (negative: earlier). */
export function copyShiftDays(copy: number, shiftDays: number): number {
  return -copy * shiftDays;
}

/**
 * An instant moved by `days` days of wall-clock time in `timeZone` (same local hour, day +days).
 * @param instant RFC 3339 instant
 * @returns RFC 3339 instant in UTC (`...Z`, milliseconds kept)
 * @throws Error when the instant cannot be parsed or the zone is unknown
 */
export function shiftInstant(instant: string, days: number, timeZone: string): string {
  const t = DateTime.fromISO(instant, { zone: timeZone, setZone: false });
  if (!t.isValid)
    throw new Error(`cannot shift ${instant} in ${timeZone}: ${t.invalidExplanation ?? t.invalidReason}`);
  return t.plus({ days }).toUTC().toISO({ suppressMilliseconds: true });
}

/** A calendar day (`YYYY-MM-DD`) moved by `days` days. @throws Error when it is not a day */
export function shiftDay(day: string, days: number): string {
  const d = DateTime.fromISO(day, { zone: 'UTC' });
  if (!d.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a calendar day: ${day}`);
  return d.plus({ days }).toISODate();
}

/** The keys of `data` that hold ids of the order (re-keyed) and calendar days (shifted). */
const ID_FIELDS = ['orderId', 'shipmentId', 'customerId', 'trackingNumber'] as const;
const DAY_FIELDS = ['promisedDate'] as const;

/**
 * The events of copy `copy` of one order: ids re-keyed, times and days shifted (module rules).
 * @param events the order's events and its shipment's (as `mapOlistOrder` gives them)
 * @param orderId the order id of `events`
 * @param timeZone the site zone the wall-clock shift is taken in
 */
export function copyOrderEvents(
  events: readonly SupplyChainEvent[],
  orderId: string,
  copy: number,
  shiftDays: number,
  timeZone: string,
): SupplyChainEvent[] {
  const days = copyShiftDays(copy, shiftDays);
  const newOrderId = copyId(orderId, copy);
  return events.map((e) => {
    const data = { ...(e.data as Record<string, unknown>) };
    for (const f of ID_FIELDS) if (typeof data[f] === 'string') data[f] = copyId(data[f], copy);
    for (const f of DAY_FIELDS) if (typeof data[f] === 'string') data[f] = shiftDay(data[f], days);
    return {
      ...e,
      id: olistEventId(newOrderId, e.type),
      subject: copyId(e.subject, copy),
      time: shiftInstant(e.time, days, timeZone),
      data,
    } as SupplyChainEvent;
  });
}
