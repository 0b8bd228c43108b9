/**
 * Event-time helpers for the read models: UTC normalization and min/max of instants. The site
 * day of an instant and the on-time rule live in contracts/site-time.ts (shared with the API).
 */

/** Normalizes an RFC 3339 instant to UTC ISO with milliseconds (`2024-01-02T03:04:05.000Z`). */
export function toUtcIso(instant: string): string {
  return new Date(instant).toISOString();
}

/** Earlier of two optional UTC ISO instants (ISO strings in UTC compare lexicographically). */
export function minInstant(a: string | null, b: string): string {
  return a === null || b < a ? b : a;
}

/**
 * Whether an event at `instant` is the earliest of its type so far: strictly before `current`
 * (or `current` is null). Equal instants are not earlier: the first event applied keeps its data.
 */
export function isEarlier(instant: string, current: string | null): boolean {
  return current === null || instant < current;
}

/** Later of two optional UTC ISO instants. */
export function maxInstant(a: string | null, b: string): string {
  return a === null || b > a ? b : a;
}
