/**
 * Reconnection delays for the live stream: exponential backoff with a cap and "equal jitter"
 * (half fixed, half random), so a restarted API is not hit by every console at the same instant.
 */

/** Backoff tuning, all in milliseconds. */
export interface BackoffOptions {
  /** Delay before the first retry (attempt 1). */
  baseMs: number;
  /** Upper bound of any delay. */
  maxMs: number;
}

/** Defaults: 1 s, 2 s, 4 s ... capped at 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 30_000 };

/**
 * Delay before reconnection attempt `attempt` (1-based).
 *
 * @param attempt 1 for the first retry after a drop
 * @param random a number in [0, 1) (injected for tests; defaults to Math.random)
 * @returns milliseconds in [cap/2, cap] where cap = min(maxMs, baseMs * 2^(attempt-1))
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const n = Math.max(1, Math.floor(attempt));
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(n - 1, 30));
  const half = cap / 2;
  return Math.round(half + random() * half);
}
