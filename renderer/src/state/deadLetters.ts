/**
 * Dead-letter count store: how many dead letters are open (never re-driven), for the nav badge.
 * Polled every 10 s while the console is connected (dead letters are parked without a change
 * notification), and set by the dead-letters screen whenever it loads a page.
 */
import { create } from 'zustand';
import { listDeadLetters } from '../api/client';

/** Poll period in milliseconds. */
export const DEAD_LETTER_POLL_MS = 10_000;

interface DeadLetterCountState {
  /** Open dead letters; null until the first answer. */
  open: number | null;
}

/** The open dead-letter count store. */
export const useDeadLetterCount = create<DeadLetterCountState>()(() => ({ open: null }));

/** Records a fresh count (from the poll or from a page the screen loaded). */
export function setOpenDeadLetters(open: number): void {
  if (useDeadLetterCount.getState().open !== open) useDeadLetterCount.setState({ open });
}

let pollNow: (() => void) | null = null;

/** Asks the poller for a count now (after a re-drive). */
export function refreshDeadLetterCount(): void {
  pollNow?.();
}

/** Starts polling (immediately, then every {@link DEAD_LETTER_POLL_MS}); returns a stop function. */
export function startDeadLetterPolling(): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  const poll = async (): Promise<void> => {
    clearTimeout(timer);
    controller?.abort();
    const current = new AbortController();
    controller = current;
    try {
      const page = await listDeadLetters({ status: 'open', pageSize: 1 }, current.signal);
      if (!stopped && !current.signal.aborted) setOpenDeadLetters(page.openCount);
    } catch {
      // the health strip reports an unreachable API; the badge keeps its last value
    }
    if (!stopped && !current.signal.aborted) timer = setTimeout(() => void poll(), DEAD_LETTER_POLL_MS);
  };
  pollNow = () => void poll();
  void poll();
  return () => {
    stopped = true;
    pollNow = null;
    clearTimeout(timer);
    controller?.abort();
  };
}
