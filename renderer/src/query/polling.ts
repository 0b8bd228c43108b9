/**
 * The console-wide pollers, for what nothing pushes: stack health every 5 s, the open
 * dead-letter count every 10 s (workers park dead letters without a change notification) and
 * the offline outbox (every 2 s while injections are queued, else every 15 s).
 * Run once by the console shell; every other reader of these queries only reads the cache.
 */
import { useQuery } from '@tanstack/react-query';
import { deadLetterOpenCountQuery, DEAD_LETTER_POLL_MS } from './deadLetters';
import { HEALTH_POLL_MS, healthQuery } from './health';
import { outboxPollMs, outboxQuery } from './outbox';

/**
 * Runs the console-wide pollers (health, open dead-letter count) for as long as the calling
 * component is mounted. The caller never re-renders because of them (`notifyOnChangeProps: []`).
 */
export function useConsolePolling(): void {
  useQuery({ ...healthQuery(), refetchInterval: HEALTH_POLL_MS, notifyOnChangeProps: [] });
  useQuery({ ...deadLetterOpenCountQuery(), refetchInterval: DEAD_LETTER_POLL_MS, notifyOnChangeProps: [] });
  useQuery({
    ...outboxQuery(),
    refetchInterval: (query) => outboxPollMs(query.state.data),
    notifyOnChangeProps: [],
  });
}
