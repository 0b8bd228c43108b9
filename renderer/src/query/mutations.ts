/**
 * The console's mutations that are not about dead letters: injecting an event, the browser
 * console's sign-in and sign-out, and the header's one-shot id lookup (a read, but run on
 * demand with its own pending and error state, like a mutation). Each has its own pending and
 * error state (TanStack's `useMutation`); what they change on the server reaches the screens
 * through the live stream.
 */
import { useMutation } from '@tanstack/react-query';
import type { EntitySummary, InjectResult } from '../../../contracts/api';
import type { SupplyChainEvent } from '../../../contracts/events';
import { apiCall } from '../api/http';
import { signIn } from '../api/session';
import { useConnection } from '../state/connection';

/** `POST /api/events` for one validated event; resolves with where Kafka stored it. */
export function useInjectEvent() {
  return useMutation<InjectResult, Error, SupplyChainEvent>({
    mutationFn: (event) => apiCall('POST /api/events', { body: event }),
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

/** `GET /api/lookup/:entityId` on demand: the order or shipment an id names (404 when none). */
export function useEntityLookup() {
  return useMutation<EntitySummary, Error, string>({
    mutationFn: (id) => apiCall('GET /api/lookup/:id', { params: { id } }),
  });
}
