import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StackHealth } from '../../../contracts/api';
import { REDIS_DOWN_POLL_MS } from '../lib/liveStatus';
import { useHealth } from './health';
import { startRedisFallback, subscribeToChanges } from './live';

function health(redis: 'up' | 'down'): StackHealth {
  return {
    services: [{ name: 'redis', state: redis, address: '127.0.0.1:6379', detail: '' }],
    workers: [],
    checkedAt: new Date().toISOString(),
  };
}

describe('Redis fallback wired to the health store', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    useHealth.setState({ health: health('up'), error: null, okAt: Date.now() });
  });
  afterEach(() => vi.useRealTimers());

  it('resyncs every screen every 5 s during the outage and once as soon as Redis is back', () => {
    const seen: unknown[] = [];
    const unsubscribe = subscribeToChanges((c) => seen.push(c));
    const stop = startRedisFallback();
    vi.advanceTimersByTime(REDIS_DOWN_POLL_MS * 2);
    expect(seen).toEqual([]);

    useHealth.setState({ health: health('down') });
    vi.advanceTimersByTime(REDIS_DOWN_POLL_MS * 3);
    expect(seen).toEqual([null, null, null]); // null = "refetch what you show"

    useHealth.setState({ health: health('up') }); // the next health poll sees Redis again
    expect(seen).toHaveLength(4); // at once, not after a period
    vi.advanceTimersByTime(REDIS_DOWN_POLL_MS * 3);
    expect(seen).toHaveLength(4);

    stop();
    unsubscribe();
  });
});
