/**
 * The header's "N queued" badge (`outbox-badge`): shown on every screen while the core's offline
 * outbox holds injections that Kafka has not received yet; links to the queued-injections view.
 */
import type { ReactNode } from 'react';
import { formatCount } from '../lib/format';
import { useOutbox } from '../query/outbox';
import { hrefs } from '../router/hash';

export function OutboxBadge(): ReactNode {
  const view = useOutbox().data;
  const entries = view?.pending.length ?? 0;
  if (!view || entries === 0) return null;
  const events = view.queuedEvents;
  return (
    <a
      href={hrefs.outbox()}
      className="outbox-badge"
      data-testid="outbox-badge"
      data-entries={entries}
      title={`${formatCount(entries)} injection${entries === 1 ? '' : 's'} (${formatCount(events)} event${events === 1 ? '' : 's'}) waiting for Kafka; sent in order when it is back`}
    >
      <span className="outbox-badge__dot" aria-hidden="true" />
      {formatCount(entries)} queued
    </a>
  );
}
