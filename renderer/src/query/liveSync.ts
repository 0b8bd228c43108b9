/**
 * Keeps the cached server state current from the live stream: each change notification
 * invalidates exactly what it names (query/invalidation.ts), debounced (250 ms after the last
 * notification of a burst, at most 800 ms: the screens show an event within a second of it being
 * materialized, the bound, even while a burst never pauses), and a resync (the stream reconnected, or Redis came back
 * after an outage during which no notification could arrive) invalidates everything at once.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { ChangeNotification } from '../../../contracts/api';
import { createDebouncer } from '../lib/debounce';
import { redisTransition, type RedisState } from '../lib/liveStatus';
import { startLive } from '../state/live';
import { useRedisState } from './health';
import { applyInvalidations, invalidationsFor, mergeChanges } from './invalidation';

/** Quiet time after the last notification of a burst before its invalidations run (ms). */
export const LIVE_DEBOUNCE_MS = 250;
/** Longest a never-ending burst may hold invalidations back (ms). */
export const LIVE_MAX_WAIT_MS = 800;

/**
 * Opens the live stream for as long as the calling component (the console shell) is mounted and
 * turns its notifications, reconnects and Redis recoveries into query invalidations.
 */
export function useLiveSync(): void {
  const client = useQueryClient();
  const redis = useRedisState();
  const lastRedis = useRef<RedisState>('unknown');

  useEffect(() => {
    const transition = redisTransition(lastRedis.current, redis);
    lastRedis.current = redis;
    if (transition === 'recovered') void applyInvalidations(client, invalidationsFor(null));
  }, [client, redis]);

  useEffect(() => {
    let pending: ChangeNotification | null = null;
    const flush = (): void => {
      const change = pending;
      pending = null;
      if (change) void applyInvalidations(client, invalidationsFor(change));
    };
    const debouncer = createDebouncer(flush, LIVE_DEBOUNCE_MS, LIVE_MAX_WAIT_MS);
    const stop = startLive({
      change(change) {
        pending = pending ? mergeChanges(pending, change) : change;
        debouncer.trigger();
      },
      resync() {
        debouncer.cancel();
        pending = null;
        void applyInvalidations(client, invalidationsFor(null));
      },
    });
    return () => {
      stop();
      debouncer.cancel();
    };
  }, [client]);
}
