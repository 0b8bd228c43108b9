/**
 * Header indicator of the live channel: a dot (green = live, amber = reconnecting, or paused while
 * Redis or Kafka is down, red = offline) that blinks on each change.
 */
import type { ReactNode } from 'react';
import { formatInstant } from '../lib/format';
import { liveIndicatorView } from '../lib/liveStatus';
import { useKafkaState, useRedisState } from '../query/health';
import { useLive } from '../state/live';

/**
 * The "Live" indicator (`data-testid="live-indicator"`): `data-state` is the stream status, or
 * `paused` while the health check reports Redis down; `data-stream` is always the stream status;
 * `data-changes` counts notifications and `data-last-change` is the time of the last one (epoch ms).
 * A long paused label shows shortened up to 1500 px wide ("Kafka down"); the whole label stays in
 * the text for screen readers and in the tooltip.
 */
export function LiveIndicator(): ReactNode {
  const { status, lastChangeAt, changeCount, retryInMs, error } = useLive();
  const redis = useRedisState();
  const kafka = useKafkaState();
  const view = liveIndicatorView({
    status,
    redis,
    kafka,
    changeCount,
    lastChange: lastChangeAt ? formatInstant(new Date(lastChangeAt).toISOString()) : null,
    retryInMs,
    error,
  });
  return (
    <span
      className={`live live--${view.state}`}
      data-testid="live-indicator"
      data-state={view.state}
      data-stream={status}
      data-changes={changeCount}
      data-last-change={lastChangeAt ?? ''}
      title={view.title}
      role="status"
    >
      {/* Keyed by the change count: each notification remounts the dot and replays its blink. */}
      <span
        key={changeCount}
        className={`live__dot${changeCount > 0 ? ' live__dot--blink' : ''}`}
        aria-hidden="true"
      />
      {view.short ? (
        <>
          <span className="live__long">{view.label}</span>
          <span className="live__short" aria-hidden="true">
            {view.short}
          </span>
        </>
      ) : (
        view.label
      )}
    </span>
  );
}
