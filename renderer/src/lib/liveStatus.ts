/**
 * Live updates while Redis is down. Change notifications travel from the workers to the console
 * through Redis pub/sub, so while the health check reports Redis down none can arrive even though
 * the `/api/live` stream itself stays open. Then:
 * - the header indicator shows "Live updates paused: Redis down" (amber) instead of a green LIVE;
 * - the shown screen's queries poll every {@link REDIS_DOWN_POLL_MS} ({@link pausedPollInterval});
 * - when Redis comes back (down -> up in the health store) every screen refetches once at once,
 *   because what changed during the outage was never notified.
 * Pure (no DOM, no React): unit-tested in Node.
 */
import type { StackHealth } from '../../../contracts/api';
import type { LiveStatus } from '../api/live';

/** How often a screen refetches its data while Redis is down, in milliseconds. */
export const REDIS_DOWN_POLL_MS = 5_000;

/**
 * Redis as the last health answer saw it; `unknown` before the first answer (or when not reported).
 * `degraded` (connected, not answering in time) is handled like `down`: no notification arrives.
 */
export type RedisState = 'up' | 'degraded' | 'down' | 'unknown';

/** Kafka as the last health answer saw it (`unknown` before the first answer). */
export type KafkaState = 'up' | 'degraded' | 'down' | 'unknown';

/** Kafka's state in a health answer. */
export function kafkaStateOf(health: StackHealth | null): KafkaState {
  const kafka = health?.services.find((s) => s.name === 'kafka');
  return kafka ? kafka.state : 'unknown';
}

/** True when no change notification can arrive (Redis down or degraded). */
function silent(state: RedisState): boolean {
  return state === 'down' || state === 'degraded';
}

/** Redis's state in a health answer. */
export function redisStateOf(health: StackHealth | null): RedisState {
  const redis = health?.services.find((s) => s.name === 'redis');
  return redis ? redis.state : 'unknown';
}

/**
 * What a change of Redis's state means for the screens: `went-down` starts polling, `recovered`
 * (down -> up only) refetches everything once; null = nothing to do. `unknown -> up` at start-up
 * is not a recovery (the screens just loaded).
 */
export function redisTransition(prev: RedisState, next: RedisState): 'went-down' | 'recovered' | null {
  if (!silent(prev) && silent(next)) return 'went-down';
  if (silent(prev) && next === 'up') return 'recovered';
  return null;
}

/**
 * How often a query the live stream keeps current polls instead: every {@link REDIS_DOWN_POLL_MS}
 * while Redis is down or degraded, else never (`false`, TanStack Query's "no interval").
 */
export function pausedPollInterval(state: RedisState): number | false {
  return silent(state) ? REDIS_DOWN_POLL_MS : false;
}

/** What the header's live indicator shows. */
export interface LiveIndicatorView {
  /** `data-state` and CSS modifier: the stream status, or `paused` while Redis is down (amber). */
  state: LiveStatus | 'paused';
  /** Visible text. */
  label: string;
  /**
   * Shorter visible text for a crowded header (up to 1500 px wide; `label` stays the accessible
   * text), for the long paused labels only.
   */
  short?: string;
  /** Tooltip. */
  title: string;
}

/** Inputs of {@link liveIndicatorView}. */
export interface LiveIndicatorInput {
  status: LiveStatus;
  redis: RedisState;
  /** Kafka down: the stream is open but no event can be published or applied (default `unknown`). */
  kafka?: KafkaState;
  changeCount: number;
  /** Last change, already formatted for display (or null). */
  lastChange: string | null;
  retryInMs: number | null;
  error: string | null;
}

/**
 * The indicator for a stream status and the Redis and Kafka states. Either down outranks an open
 * (or opening) stream: the stream is up but nothing new can arrive, so it must not look live (QA:
 * a green LIVE while Kafka was down).
 */
export function liveIndicatorView(input: LiveIndicatorInput): LiveIndicatorView {
  const { status, redis, changeCount, lastChange, retryInMs, error } = input;
  if (input.kafka === 'down' && (status === 'open' || status === 'connecting')) {
    return {
      state: 'paused',
      label: 'No new events: Kafka down',
      short: 'Kafka down',
      title:
        'Kafka is down: no event can be published or applied, so the figures stay as last applied; see the health strip and the Pipeline page',
    };
  }
  if (silent(redis) && (status === 'open' || status === 'connecting')) {
    return {
      state: 'paused',
      label: `Live updates paused: Redis ${redis}`,
      short: `Paused: Redis ${redis}`,
      title: `Change notifications travel through Redis, which is ${redis === 'degraded' ? 'not answering' : 'down'}: this screen refreshes every ${REDIS_DOWN_POLL_MS / 1000} s and catches up when Redis is back`,
    };
  }
  switch (status) {
    case 'open':
      return {
        state: status,
        label: 'Live',
        title: `Live updates on · ${changeCount} change${changeCount === 1 ? '' : 's'}${lastChange ? ` · last ${lastChange}` : ''}`,
      };
    case 'connecting':
      return { state: status, label: 'Connecting', title: 'Connecting' };
    case 'reconnecting':
      return {
        state: status,
        label: 'Reconnecting',
        title: `Live updates interrupted${error ? ` (${error})` : ''}; retrying${retryInMs ? ` in ${Math.round(retryInMs / 1000)} s` : ''}`,
      };
    case 'stopped':
      return { state: status, label: 'Offline', title: 'Offline' };
  }
}
