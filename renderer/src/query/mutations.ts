/**
 * The console's mutations that are not about dead letters: injecting an event, the browser
 * console's sign-in and sign-out, and the header's one-shot id lookup (a read, but run on
 * demand with its own pending and error state, like a mutation). Each has its own pending and
 * error state (TanStack's `useMutation`); what they change on the server reaches the screens
 * through the live stream.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { InjectResult } from '../../../contracts/api';
import type { SupplyChainEvent } from '../../../contracts/events';
import { ApiRequestError } from '../api/errors';
import { apiCall } from '../api/http';
import { PREFIX_MATCHES, searchOutcome, type SearchOutcome } from '../lib/entitySearch';
import { signIn } from '../api/session';
import { useConnection } from '../state/connection';
import { queryScopes } from './keys';

/**
 * `POST /api/events` for one validated event; resolves with where Kafka stored it, or `queued`
 * when the core kept it in its offline outbox (the outbox badge and view are refreshed at once).
 */
export function useInjectEvent() {
  const client = useQueryClient();
  return useMutation<InjectResult, Error, SupplyChainEvent>({
    mutationFn: (event) => apiCall('POST /api/events', { body: event }),
    onSuccess: (result) => {
      if (result.queued) void client.invalidateQueries({ queryKey: queryScopes.outbox });
    },
  });
}

/** An operator's credentials for {@link useSignIn}. */
export interface Credentials {
  username: string;
  password: string;
}

/** `POST /api/auth/login`; on success the console opens as the signed-in operator. */
export function useSignIn() {
  const signedIn = useConnection((s) => s.signedIn);
  return useMutation({
    mutationFn: ({ username, password }: Credentials) => signIn(username, password),
    onSuccess: signedIn,
  });
}

/** Ends the browser session (the server side too) and shows the sign-in screen. */
export function useSignOut() {
  const signOut = useConnection((s) => s.signOut);
  return useMutation({ mutationFn: () => signOut() });
}

/**
 * Header search: the exact order or shipment id, else the orders whose id starts with the text
 * (server-side prefix search of the orders list, drills included). See lib/entitySearch.ts.
 */
export function useEntitySearch() {
  return useMutation<SearchOutcome, Error, string>({
    mutationFn: async (text) => {
      try {
        return searchOutcome(await apiCall('GET /api/lookup/:id', { params: { id: text } }), null);
      } catch (err) {
        if (!(err instanceof ApiRequestError) || err.status !== 404) throw err;
      }
      const prefix = await apiCall('GET /api/orders', {
        query: {
          q: text,
          pageSize: PREFIX_MATCHES,
          includeDrills: true,
          sort: 'createdAt',
          order: 'desc',
          page: 1,
        },
      });
      return searchOutcome(null, prefix);
    },
  });
}
