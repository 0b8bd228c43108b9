/**
 * Shipment timeline: header (carrier, tracking number, origin → destination, status, ETA,
 * promised date) and a vertical timeline of checkpoints, ETA changes, exceptions and the
 * delivery, ordered by event time. Exception / failed attempt show in the warning colour,
 * delivered in green. Refetches when a live change names this shipment.
 */
import { useMemo, type ReactNode } from 'react';
import type { ShipmentDetail, TimelineEntry } from '../../../contracts/api';
import { DrillBadge, Instant, Mono, shipmentTone, StatusChip } from '../components/Badges';
import { ErrorNotice, isNotFound, Loading } from '../components/Notice';
import { suggestedEventType } from '../inject/formModel';
import { EMPTY, formatInstant, shortEventType } from '../lib/format';
import { useShipment } from '../query/screens';
import { hrefs } from '../router/hash';

/** Timeline entries by event time (ties keep server order). */
export function sortTimeline(entries: TimelineEntry[]): TimelineEntry[] {
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => Date.parse(a.e.time) - Date.parse(b.e.time) || a.i - b.i)
    .map(({ e }) => e);
}

/** What a timeline entry says when it has no carrier message (`ETA updated`, `Exception`). */
function entryTitle(e: TimelineEntry): string {
  const kind = shortEventType(e.type).split('.')[1] ?? e.type;
  switch (kind) {
    case 'eta_updated':
      return 'ETA updated';
    case 'exception':
      return 'Exception';
    case 'delivered':
      return 'Delivered';
    case 'created':
      return 'Shipment created';
    case 'checkpoint':
      return 'Checkpoint';
    default:
      return kind.replace(/_/g, ' ');
  }
}

function Header({ s }: { s: ShipmentDetail }): ReactNode {
  return (
    <section className="panel detail-head">
      <div className="detail-head__title">
        <span className="muted">Shipment</span>
        <h2 className="mono" data-testid="shipment-id">
          {s.shipmentId}
        </h2>
        <StatusChip status={s.status} kind="shipment" />
        {s.isDrill && <DrillBadge drillId={null} />}
        <span className="toolbar__spacer" />
        {s.orderId && (
          <a className="btn btn--small" href={hrefs.order(s.orderId)} data-testid="order-link">
            Order <span className="mono">{s.orderId}</span> →
          </a>
        )}
        <a
          className="btn btn--small btn--ghost"
          href={hrefs.inject(suggestedEventType({ kind: 'shipment' }), s.shipmentId)}
          data-testid="inject-for-shipment"
        >
          Inject event…
        </a>
      </div>
      <div className="route" data-testid="shipment-route">
        <span className="route__place">{s.origin ?? EMPTY}</span>
        <span className="route__arrow" aria-label="to">
          →
        </span>
        <span className="route__place">{s.destination ?? EMPTY}</span>
      </div>
      <dl className="kvs">
        <div className="kv">
          <dt>Carrier</dt>
          <dd>{s.carrier ?? EMPTY}</dd>
        </div>
        <div className="kv">
          <dt>Tracking number</dt>
          <dd>
            <Mono>{s.trackingNumber}</Mono>
          </dd>
        </div>
        <div className="kv">
          <dt>ETA</dt>
          <dd>
            <Instant value={s.eta} seconds={false} />
          </dd>
        </div>
        <div className="kv">
          <dt>Promised date</dt>
          <dd className="num">{s.promisedDate ?? EMPTY}</dd>
        </div>
        <div className="kv">
          <dt>Delivered</dt>
          <dd>
            <Instant value={s.deliveredAt} />
          </dd>
        </div>
        <div className="kv">
          <dt>Last event</dt>
          <dd>
            <Instant value={s.lastEventTime} />
          </dd>
        </div>
        {s.exceptionReason && (
          <div className="kv">
            <dt>Exception</dt>
            <dd className="text-warn mono">{s.exceptionReason}</dd>
          </div>
        )}
      </dl>
    </section>
  );
}

function Timeline({ entries }: { entries: TimelineEntry[] }): ReactNode {
  const sorted = useMemo(() => sortTimeline(entries), [entries]);
  return (
    <section className="panel">
      <header className="panel__header">
        <h2>Timeline</h2>
        <span className="muted">
          by event time · {sorted.length} entr{sorted.length === 1 ? 'y' : 'ies'}
        </span>
      </header>
      <ol className="timeline" data-testid="shipment-timeline">
        {sorted.map((e) => {
          const tone = e.status
            ? shipmentTone(e.status)
            : shortEventType(e.type).endsWith('.exception')
              ? 'warn'
              : 'neutral';
          return (
            <li
              key={e.id}
              className={`timeline__entry timeline__entry--${tone}`}
              data-testid="timeline-entry"
              data-status={e.status ?? ''}
              data-type={e.type}
            >
              <span className="timeline__dot" aria-hidden="true" />
              <div className="timeline__time">
                <Instant value={e.time} seconds={false} />
              </div>
              <div className="timeline__body">
                <div className="timeline__head">
                  {e.status ? (
                    <StatusChip status={e.status} kind="shipment" />
                  ) : (
                    <span className="timeline__kind">{entryTitle(e)}</span>
                  )}
                  {e.location && <span className="timeline__loc">{e.location}</span>}
                  {e.drillId && <DrillBadge drillId={e.drillId} />}
                </div>
                {e.message && <div className="timeline__msg">{e.message}</div>}
                <div className="timeline__meta mono" title={`${e.type} · ${e.id}`}>
                  {shortEventType(e.type)}
                </div>
              </div>
            </li>
          );
        })}
        {sorted.length === 0 && <li className="muted">No checkpoints yet</li>}
      </ol>
    </section>
  );
}

/** The shipment timeline screen. */
export function ShipmentTimeline({ shipmentId }: { shipmentId: string }): ReactNode {
  const res = useShipment(shipmentId);
  const s = res.data && res.data.shipmentId === shipmentId ? res.data : null;
  if (!s) {
    if (res.error && isNotFound(res.error)) {
      return (
        <div className="screen" data-testid="shipment-detail" data-state="not-found">
          <div className="notice">
            <div className="notice__title">
              Shipment <span className="mono">{shipmentId}</span> is not known (yet)
            </div>
            <div>
              Events are applied asynchronously; this page updates by itself when the shipment is
              materialized.
            </div>
          </div>
        </div>
      );
    }
    if (res.error) return <ErrorNotice error={res.error} onRetry={() => void res.refetch()} />;
    return <Loading label="Loading shipment…" />;
  }
  return (
    <div className="screen" data-testid="shipment-detail" data-shipment-id={s.shipmentId}>
      {res.error && (
        <ErrorNotice
          error={res.error}
          onRetry={() => void res.refetch()}
          title="Refresh failed (showing the last answer)"
        />
      )}
      <Header s={s} />
      <Timeline entries={s.timeline} />
      <div className="muted small">
        Times in your local time zone · updated{' '}
        {res.dataUpdatedAt ? formatInstant(new Date(res.dataUpdatedAt).toISOString()) : EMPTY}
      </div>
    </div>
  );
}
