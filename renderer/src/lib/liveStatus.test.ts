import { describe, expect, it } from 'vitest';
import type { StackHealth } from '../../../contracts/api';
import {
  createRedisFallback,
  liveIndicatorView,
  REDIS_DOWN_POLL_MS,
  redisStateOf,
  redisTransition,
  type IntervalTimers,
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

/** Manual interval timers: `tick()` runs every registered interval once. */
function manualTimers(): IntervalTimers & { tick(): void; active(): number } {
  const intervals = new Map<number, () => void>();
  let next = 1;
  return {
    setInterval(fn, ms) {
      expect(ms).toBe(REDIS_DOWN_POLL_MS);
      intervals.set(next, fn);
      return next++;
    },
    clearInterval(handle) {
      intervals.delete(handle as number);
    },
    tick() {
      for (const fn of [...intervals.values()]) fn();
    },
    active: () => intervals.size,
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
  it('polls every 5 s while Redis is down and refetches once at once when it is back', () => {
    const timers = manualTimers();
    let resyncs = 0;
    const fallback = createRedisFallback(() => resyncs++, timers);
    fallback.update('up');
    timers.tick();
    expect(resyncs).toBe(0); // up: live notifications do the work
    fallback.update('down');
    expect(fallback.polling).toBe(true);
    expect(resyncs).toBe(0);
    timers.tick();
    timers.tick();
    expect(resyncs).toBe(2); // one refetch per poll period
    fallback.update('down'); // repeated health answers do not stack intervals
    expect(timers.active()).toBe(1);
    fallback.update('up');
    expect(resyncs).toBe(3); // the recovery refetch, immediately
    expect(fallback.polling).toBe(false);
    timers.tick();
    expect(resyncs).toBe(3);
  });

  it('starting with Redis down polls; a first "up" answer is no recovery', () => {
    const timers = manualTimers();
    let resyncs = 0;
    const fresh = createRedisFallback(() => resyncs++, timers);
    fresh.update('up');
    expect(resyncs).toBe(0);
    const down = createRedisFallback(() => resyncs++, timers);
    down.update('down');
    expect(down.polling).toBe(true);
    down.stop();
    expect(down.polling).toBe(false);
    expect(timers.active()).toBe(0);
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
