/** Header indicator of the live channel: a dot (green = live, amber = reconnecting) that blinks on each change. */
import type { ReactNode } from 'react';
import { formatInstant } from '../lib/format';
import { useLive } from '../state/live';

/** The "Live" indicator (`data-testid="live-indicator"`, `data-state` = stream status). */
export function LiveIndicator(): ReactNode {
  const { status, lastChangeAt, changeCount, retryInMs, error } = useLive();
  const label =
    status === 'open'
      ? 'Live'
      : status === 'connecting'
        ? 'Connecting'
        : status === 'reconnecting'
          ? 'Reconnecting'
          : 'Offline';
  const title =
    status === 'open'
      ? `Live updates on · ${changeCount} change${changeCount === 1 ? '' : 's'}${lastChangeAt ? ` · last ${formatInstant(new Date(lastChangeAt).toISOString())}` : ''}`
      : status === 'reconnecting'
        ? `Live updates interrupted${error ? ` (${error})` : ''}; retrying${retryInMs ? ` in ${Math.round(retryInMs / 1000)} s` : ''}`
        : label;
  return (
    <span
      className={`live live--${status}`}
      data-testid="live-indicator"
      data-state={status}
      data-changes={changeCount}
      title={title}
    >
      {/* Keyed by the change count: each notification remounts the dot and replays its blink. */}
      <span
        key={changeCount}
        className={`live__dot${changeCount > 0 ? ' live__dot--blink' : ''}`}
        aria-hidden="true"
      />
      {label}
    </span>
  );
}
