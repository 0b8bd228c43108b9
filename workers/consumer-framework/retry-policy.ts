/** How long a failed batch waits before its next attempt, and how often it is tried whole. */
import { backoffDelay } from '../../contracts';

/** Retry policy of a batch (ms). Handler errors: bounded; dependency outages: until it returns. */
export interface RetryPolicy {
  /** Failed attempts of a whole batch before its events are applied one by one (poison isolation). */
  handlerAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { handlerAttempts: 3, baseBackoffMs: 200, maxBackoffMs: 5_000 };

/**
 * Delay (ms) before retry `attempt` (1-based) of a batch: the project's one backoff
 * (contracts/backoff.ts), jittered.
 */
export function retryDelay(retry: RetryPolicy, attempt: number): number {
  return backoffDelay(attempt, { baseMs: retry.baseBackoffMs, maxMs: retry.maxBackoffMs });
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
