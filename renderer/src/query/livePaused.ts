/**
 * Polling while the live stream is paused: change notifications travel through Redis pub/sub, so
 * while the health check reports Redis down or degraded, the queries the stream keeps current
 * poll every 5 s instead (the stream resyncs everything once Redis is back: query/liveSync.ts).
 */
import { pausedPollInterval } from '../lib/liveStatus';
import { useRedisState } from './health';

/**
 * `refetchInterval` of a query the live stream keeps current: every 5 s while Redis is down or
 * degraded (no notification can arrive), else `false` (the live stream invalidates it).
 */
export function useLivePausedInterval(): number | false {
  return pausedPollInterval(useRedisState());
}
