/**
 * The project's one retry backoff: exponential delays with a cap, optionally with "equal jitter"
 * (half fixed, half random) so many clients retrying at once (consoles after an API restart,
 * workers after a database restart) do not all arrive at the same instant. Used by the console's
 * live-stream reconnects, the worker supervisor's restarts, the workers' batch retries and their
 * wait for services at start-up. Pure: no timers here.
 */

/** Backoff tuning, all in milliseconds. */
export interface BackoffOptions {
  /** Delay before the first retry (attempt 1). */
  baseMs: number;
  /** Upper bound of any delay. */
  maxMs: number;
  /** `equal`: a delay in [cap/2, cap] (the default); `none`: exactly the cap. */
  jitter?: 'equal' | 'none';
}

/** Defaults: 1 s, 2 s, 4 s ... capped at 30 s, jittered. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 30_000 };

/**
 * Delay before retry `attempt` (1-based): cap = min(maxMs, baseMs * 2^(attempt-1)).
 *
 * @param attempt 1 for the first retry
 * @param random a number in [0, 1) (injected for tests; defaults to Math.random)
 * @returns milliseconds: in [cap/2, cap] with equal jitter, else cap
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const n = Math.max(1, Math.floor(attempt));
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(n - 1, 30));
  if (options.jitter === 'none') return cap;
  const half = cap / 2;
  return Math.round(half + random() * half);
}
