/**
 * The offline outbox as server state (`GET /api/outbox`, contracts/outbox.ts): injections kept by
 * the core while Kafka is unreachable. Polled by the console-wide poller (query/polling.ts) every
 * {@link OUTBOX_POLL_MS} while it holds something and every {@link OUTBOX_IDLE_POLL_MS} otherwise
 * (the delivery happens in the core, with no change notification of its own); an injection
 * answered `queued` and a discard refresh it at once.
 */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { OutboxView } from '../../../contracts/outbox';
import { apiCall } from '../api/http';
import { queryKeys, queryScopes } from './keys';

/** Poll period while injections are queued, in milliseconds. */
export const OUTBOX_POLL_MS = 2_000;
/** Poll period while the outbox is empty, in milliseconds. */
export const OUTBOX_IDLE_POLL_MS = 15_000;

/** The poll period for an answer: fast while something is queued. */
export function outboxPollMs(view: OutboxView | undefined): number {
  return view && view.pending.length > 0 ? OUTBOX_POLL_MS : OUTBOX_IDLE_POLL_MS;
}

/** The outbox query (readers do not refetch an answer younger than the fast poll period). */
export function outboxQuery() {
  return queryOptions({
    queryKey: queryKeys.outbox(),
    queryFn: ({ signal }) => apiCall('GET /api/outbox', { signal }),
    staleTime: OUTBOX_POLL_MS,
  });
}

/** The last outbox answer (undefined before the first), with its loading and error state. */
export function useOutbox() {
  return useQuery(outboxQuery());
}

/** Refetch the outbox now (an injection was answered `queued`). */
export function useRefreshOutbox(): () => void {
  const client = useQueryClient();
  return () => void client.invalidateQueries({ queryKey: queryScopes.outbox });
}

/** `DELETE /api/outbox/:id`: drops a queued injection (audited); refreshes the outbox and the audit log. */
export function useDiscardQueued() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ entryId, reason }: { entryId: string; reason?: string | undefined }) =>
      apiCall('DELETE /api/outbox/:id', { params: { id: entryId }, body: reason ? { reason } : {} }),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryScopes.outbox });
      void client.invalidateQueries({ queryKey: queryScopes.audit });
    },
  });
}
