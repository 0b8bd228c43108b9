/**
 * Stack health (`GET /api/health`: services up/degraded/down with address, worker states) as a
 * query. It is polled every {@link HEALTH_POLL_MS} by the console-wide poller (query/polling.ts);
 * the strip, the outage banner, the pipeline screen and the live indicator read the cached answer.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { StackHealth } from '../../../contracts/api';
import { apiCall } from '../api/http';
import { kafkaStateOf, redisStateOf, type KafkaState, type RedisState } from '../lib/liveStatus';
import { queryKeys } from './keys';

/** Poll period in milliseconds. */
export const HEALTH_POLL_MS = 5_000;

/** The health query (readers do not refetch an answer younger than one poll period). */
export function healthQuery() {
  return queryOptions({
    queryKey: queryKeys.health(),
    queryFn: ({ signal }) => apiCall('GET /api/health', { signal }),
    staleTime: HEALTH_POLL_MS,
  });
}

/** What the health readers render from. */
export interface HealthView {
  /** The last successful answer (kept while the API does not answer), or null. */
  health: StackHealth | null;
  /** Message of the last failed poll (API unreachable), null after a success. */
  error: string | null;
  /** Epoch ms of the last successful poll, or null. */
  okAt: number | null;
}

/** The last health answer, the last poll's error and when a poll last succeeded. */
export function useHealth(): HealthView {
  const { data, error, dataUpdatedAt } = useQuery(healthQuery());
  return { health: data ?? null, error: error ? error.message : null, okAt: data ? dataUpdatedAt : null };
}

/** Kafka as the last health answer saw it (`unknown` before the first answer). */
export function useKafkaState(): KafkaState {
  return useQuery({ ...healthQuery(), select: kafkaStateOf }).data ?? 'unknown';
}

/** Redis as the last health answer saw it (`unknown` before the first answer). */
export function useRedisState(): RedisState {
  return useQuery({ ...healthQuery(), select: redisStateOf }).data ?? 'unknown';
}
