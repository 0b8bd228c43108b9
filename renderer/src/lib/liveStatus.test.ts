import { describe, expect, it } from 'vitest';
import type { StackHealth } from '../../../contracts/api';
import {
  liveIndicatorView,
  pausedPollInterval,
  REDIS_DOWN_POLL_MS,
  redisStateOf,
  redisTransition,
} from './liveStatus';

function health(redis: 'up' | 'degraded' | 'down' | null): StackHealth {
  return {
    services: [
      { name: 'kafka', state: 'up', address: '127.0.0.1:9092', detail: '' },
      ...(redis ? [{ name: 'redis' as const, state: redis, address: '127.0.0.1:6379', detail: '' }] : []),
    ],
    workers: [],
    checkedAt: '2024-05-13T15:00:00.000Z',
  };
}

describe('Redis state from health', () => {
  it('reads the redis service, unknown before the first answer', () => {
    expect(redisStateOf(null)).toBe('unknown');
    expect(redisStateOf(health(null))).toBe('unknown');
    expect(redisStateOf(health('up'))).toBe('up');
    expect(redisStateOf(health('down'))).toBe('down');
    expect(redisStateOf(health('degraded'))).toBe('degraded');
  });

  it('treats degraded (connected, not answering) like down: polling starts, recovery refetches', () => {
    expect(redisTransition('up', 'degraded')).toBe('went-down');
    expect(redisTransition('degraded', 'down')).toBeNull();
    expect(redisTransition('degraded', 'up')).toBe('recovered');
  });

  it('only down -> up is a recovery; any -> down starts the outage', () => {
    expect(redisTransition('unknown', 'up')).toBeNull();
    expect(redisTransition('up', 'up')).toBeNull();
    expect(redisTransition('up', 'down')).toBe('went-down');
    expect(redisTransition('unknown', 'down')).toBe('went-down');
    expect(redisTransition('down', 'down')).toBeNull();
    expect(redisTransition('down', 'up')).toBe('recovered');
    expect(redisTransition('down', 'unknown')).toBeNull();
  });
});

describe('screens through a Redis outage', () => {
  it('poll every 5 s while Redis is down or degraded, and not while the live stream carries changes', () => {
    expect(REDIS_DOWN_POLL_MS).toBe(5_000);
    expect(pausedPollInterval('down')).toBe(REDIS_DOWN_POLL_MS);
    expect(pausedPollInterval('degraded')).toBe(REDIS_DOWN_POLL_MS);
    expect(pausedPollInterval('up')).toBe(false);
    expect(pausedPollInterval('unknown')).toBe(false);
  });
});

describe('live indicator', () => {
  const base = { changeCount: 3, lastChange: null, retryInMs: null, error: null };

  it('is green and live only while the stream is open and Redis is not down', () => {
    expect(liveIndicatorView({ ...base, status: 'open', redis: 'up' })).toMatchObject({
      state: 'open',
      label: 'Live',
    });
    expect(liveIndicatorView({ ...base, status: 'open', redis: 'unknown' }).state).toBe('open');
  });

  it('does not look live while Kafka is down although the stream is open (QA: green LIVE during an outage)', () => {
    const view = liveIndicatorView({ ...base, status: 'open', redis: 'up', kafka: 'down' });
    expect(view).toMatchObject({ state: 'paused', label: 'No new events: Kafka down', short: 'Kafka down' });
    expect(view.title).toContain('Pipeline');
    expect(liveIndicatorView({ ...base, status: 'open', redis: 'up', kafka: 'up' }).state).toBe('open');
    // A stream that is itself down says so first.
    expect(liveIndicatorView({ ...base, status: 'reconnecting', redis: 'up', kafka: 'down' }).state).toBe(
      'reconnecting',
    );
  });

  it('shows "paused" (amber) while Redis is down although the stream is open', () => {
    const view = liveIndicatorView({ ...base, status: 'open', redis: 'down' });
    expect(view).toMatchObject({ state: 'paused', label: 'Live updates paused: Redis down' });
    expect(view.title).toContain('every 5 s');
    expect(liveIndicatorView({ ...base, status: 'connecting', redis: 'down' }).state).toBe('paused');
    expect(liveIndicatorView({ ...base, status: 'open', redis: 'degraded' })).toMatchObject({
      state: 'paused',
      label: 'Live updates paused: Redis degraded',
    });
  });

  it('keeps reconnecting and offline states (they say more than "paused")', () => {
    const reconnecting = liveIndicatorView({
      ...base,
      status: 'reconnecting',
      redis: 'down',
      retryInMs: 4000,
      error: 'HTTP 503',
    });
    expect(reconnecting).toMatchObject({ state: 'reconnecting', label: 'Reconnecting' });
    expect(reconnecting.title).toBe('Live updates interrupted (HTTP 503); retrying in 4 s');
    expect(liveIndicatorView({ ...base, status: 'stopped', redis: 'down' }).label).toBe('Offline');
  });
});
