/**
 * Dead letters as server state: the open count (the nav badge; polled, because workers park dead
 * letters without a change notification), one page of the list, and the re-drive mutation.
 * A loaded page also carries the open count, which updates the badge; when the polled count
 * moves away from what the page shows (a new dead letter, someone else re-drove one), the page
 * is fetched again. A re-drive makes every dead-letter query stale.
 */
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { DeadLetterKey } from '../../../contracts/api';
import { apiCall } from '../api/http';
import { queryKeys, queryScopes, type DeadLettersQuery } from './keys';
import { useLivePausedInterval } from './livePaused';

/** Poll period of the open count, in milliseconds. */
export const DEAD_LETTER_POLL_MS = 10_000;

/** The open dead-letter count query (polled by query/polling.ts, read by the nav badge). */
export function deadLetterOpenCountQuery() {
  return queryOptions({
    queryKey: queryKeys.deadLetterOpenCount(),
    queryFn: ({ signal }) =>
      apiCall('GET /api/dead-letters', { query: { status: 'open', pageSize: 1 }, signal }).then(
        (page) => page.openCount,
      ),
    staleTime: DEAD_LETTER_POLL_MS,
  });
}

/** Open dead letters (null until the first answer; the last count stays while the API is down). */
export function useOpenDeadLetterCount(): number | null {
  return useQuery(deadLetterOpenCountQuery()).data ?? null;
}

/**
 * One page of dead letters for a filter (the previous page stays on screen while the next one
 * loads). Refetched on a live resync, while Redis is down, and when the polled open count differs
 * from the page's.
 */
export function useDeadLetterPage(query: DeadLettersQuery) {
  const client = useQueryClient();
  const page = useQuery({
    queryKey: queryKeys.deadLetterList(query),
    queryFn: async ({ signal }) => {
      const answer = await apiCall('GET /api/dead-letters', { query, signal });
      client.setQueryData(queryKeys.deadLetterOpenCount(), answer.openCount);
      return answer;
    },
    placeholderData: keepPreviousData,
    refetchInterval: useLivePausedInterval(),
  });
  const polledOpen = useOpenDeadLetterCount();
  const shownOpen = page.data?.openCount ?? null;
  useEffect(() => {
    if (polledOpen !== null && shownOpen !== null && polledOpen !== shownOpen)
      void client.invalidateQueries({ queryKey: queryScopes.deadLetterLists });
  }, [client, polledOpen, shownOpen]);
  return page;
}

/** What a re-drive sends: 1..500 keys, and the reason (required for more than one). */
export interface RedriveRequest {
  keys: DeadLetterKey[];
  reason: string | undefined;
}

/**
 * The re-drive mutation (`POST /api/dead-letters/redrive`, no reason for a single key): its
 * pending state, error and per-key results (also when nothing was re-driven: 422/404 are answers); on success every dead-letter query (pages and the badge count) is fetched again.
 */
export function useRedrive() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ keys, reason }: RedriveRequest) =>
      apiCall('POST /api/dead-letters/redrive', { body: reason === undefined ? { keys } : { keys, reason } }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryScopes.deadLetters }),
  });
}
