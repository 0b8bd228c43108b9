/**
 * Olist timestamps are wall-clock times at the site (`2017-12-01 10:00:00`) without a zone.
 * This turns them into real instants in a given IANA zone; luxon carries the zone rules,
 * including Brazil's daylight-saving years before 2019.
 *
 * Resolution follows java.time / Temporal's `compatible` rule: a wall time that occurred twice
 * (fall-back) takes the earlier instant; a wall time that never occurred (spring-forward) is
 * shifted forward by the size of the gap (luxon's own behaviour).
 */
import { DateTime, IANAZone } from 'luxon';

/** How a local time was placed on the time line. */
export interface PlacedInstant {
  /** RFC 3339 instant in UTC (milliseconds only when non-zero): `2017-12-01T12:00:00Z`. */
  iso: string;
  /** Milliseconds since the epoch. */
  ms: number;
  /** `ambiguous`: the wall time occurred twice; `gap`: it never occurred; null: unique. */
  note: 'ambiguous' | 'gap' | null;
}

const WALL = 'yyyy-MM-dd HH:mm:ss.SSS';
const HOUR_MS = 3_600_000;

/**
 * Zone names already checked. `IANAZone.isValidZone` builds an `Intl.DateTimeFormat` on every
 * call (hundreds of microseconds), and the Olist mapping places every timestamp of every row.
 */
const zoneValidity = new Map<string, boolean>();

function isKnownZone(timeZone: string): boolean {
  let valid = zoneValidity.get(timeZone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(timeZone);
    zoneValidity.set(timeZone, valid);
  }
  return valid;
}

/**
 * Places a zone-less local timestamp in a time zone.
 *
 * @param local `YYYY-MM-DD HH:mm:ss` (Olist's format; `YYYY-MM-DD` alone means midnight)
 * @param timeZone IANA zone name, e.g. `America/Sao_Paulo`
 * @returns the instant, or null when `local` is empty or not a valid calendar time
 * @throws RangeError for an unknown time zone
 */
export function localToInstant(local: string, timeZone: string): PlacedInstant | null {
  if (!isKnownZone(timeZone)) throw new RangeError(`unknown time zone: ${timeZone}`);
  const text = local.trim();
  if (!/^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)?$/.test(text)) return null;
  const wall = DateTime.fromSQL(text.replace('T', ' '), { zone: 'UTC' });
  if (!wall.isValid || wall.year < 1000) return null;
  const wallText = wall.toFormat(WALL);
  const dt = DateTime.fromSQL(text.replace('T', ' '), { zone: timeZone });
  if (dt.toFormat(WALL) !== wallText) return placed(dt.toMillis(), 'gap');
  // Daylight-saving shifts are one hour here: the same wall time an hour earlier means fall-back.
  const earlier = DateTime.fromMillis(dt.toMillis() - HOUR_MS, { zone: timeZone });
  if (earlier.toFormat(WALL) === wallText) return placed(earlier.toMillis(), 'ambiguous');
  const later = DateTime.fromMillis(dt.toMillis() + HOUR_MS, { zone: timeZone });
  if (later.toFormat(WALL) === wallText) return placed(dt.toMillis(), 'ambiguous');
  return placed(dt.toMillis(), null);
}

function placed(ms: number, note: PlacedInstant['note']): PlacedInstant {
  return { iso: new Date(ms).toISOString().replace('.000Z', 'Z'), ms, note };
}

/** The `YYYY-MM-DD` date part of an Olist timestamp (the promised date is a calendar day). */
export function datePart(local: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T]|$)/.exec(local.trim());
  return m ? m[1]! : null;
}
