/**
 * Trailing debounce with a maximum wait: bursts of triggers collapse into one call `waitMs` after
 * the last trigger, but a never-ending burst (a replay pushing changes every 50 ms) still fires
 * at least every `maxWaitMs`. Used for live refetches (query/liveSync.ts: 250 ms / 800 ms).
 */

/** Handle returned by {@link createDebouncer}. */
export interface Debouncer {
  /** Schedules the call (or pushes it back, up to the max wait). */
  trigger(): void;
  /** Drops a pending call. */
  cancel(): void;
}

/**
 * @param fn the call to run
 * @param waitMs quiet time after the last trigger, in milliseconds
 * @param maxWaitMs longest delay after the first trigger of a burst, in milliseconds
 */
export function createDebouncer(fn: () => void, waitMs: number, maxWaitMs: number): Debouncer {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstTriggerAt: number | null = null;
  const fire = (): void => {
    timer = undefined;
    firstTriggerAt = null;
    fn();
  };
  return {
    trigger() {
      const now = Date.now();
      if (firstTriggerAt === null) firstTriggerAt = now;
      clearTimeout(timer);
      const delay = Math.max(0, Math.min(waitMs, firstTriggerAt + maxWaitMs - now));
      timer = setTimeout(fire, delay);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      firstTriggerAt = null;
    },
  };
}
