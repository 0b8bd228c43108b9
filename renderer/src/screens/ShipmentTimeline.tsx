/**
 * Shipment timeline: header (carrier, tracking number, origin → destination, status, ETA against
 * the promised date, exception reason) and the checkpoints grouped by day in the order's site
 * zone (UTC when no site is known; the zone is named), newest first, each with its status colour,
 * location and the carrier's message. Exception / failed attempt show in the warning colour,
 * delivered in green. Refetches when a live change names this shipment.
 */
import { useAbilities } from '../state/access';
import type { ReactNode } from 'react';
import type { ShipmentDetail, TimelineEntry } from '../../../contracts/api';
import { DrillBadge, Instant, Mono, shipmentTone, StatusChip } from '../components/Badges';
import { ErrorNotice, isNotFound, Loading } from '../components/Notice';
import { suggestedEventType } from '../inject/formModel';
import { EMPTY, formatInstant, shortEventType, zoneName } from '../lib/format';
import { etaDaysPastPromise, exceptionInHeader, groupTimelineByDay, timeInZone } from '../lib/timeline';
import { useShipment } from '../query/screens';
import { useSiteTimeZone } from '../query/settings';
import { rowZone } from '../components/SiteTime';
import { hrefs } from '../router/hash';

/** The zone the timeline's days and times are shown in: the order's site, else the configured site zone. */
function useZoneOf(s: ShipmentDetail): string {
  return rowZone(s.siteTimeZone, useSiteTimeZone());
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

/** "on time", or "N days past the promise" in the warning colour. */
function EtaAgainstPromise({ s }: { s: ShipmentDetail }): ReactNode {
  const days = etaDaysPastPromise(s.deliveredAt ?? s.eta, s.promisedDate, useZoneOf(s));
  if (days === null) return null;
  const what = s.deliveredAt ? 'delivered' : 'ETA';
  return days > 0 ? (
    <span className="flag flag--bad" data-testid="eta-vs-promise" data-days={days}>
      {what} {days} day{days === 1 ? '' : 's'} past the promise
    </span>
  ) : (
    <span className="flag flag--ok" data-testid="eta-vs-promise" data-days={days}>
      {what} within the promise
    </span>
  );
}

/** The header's exception: the open one in the warning colour, a resolved one muted (QA finding). */
function ExceptionField({ s }: { s: ShipmentDetail }): ReactNode {
  const x = exceptionInHeader(s);
  if (!x) return null;
  return (
    <div className="kv" data-testid="shipment-exception" data-state={x.state}>
      <dt>{x.state === 'open' ? 'Exception' : 'Last exception (resolved)'}</dt>
      <dd className={x.state === 'open' ? 'text-warn mono' : 'muted mono'}>{x.reason}</dd>
    </div>
  );
}

function Header({ s }: { s: ShipmentDetail }): ReactNode {
  // Offered only to a role that may inject: the server refuses the others anyway.
  const { inject } = useAbilities();
  const zone = useZoneOf(s);
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
        {inject && (
          <a
            className="btn btn--small btn--ghost"
            href={hrefs.inject(suggestedEventType({ kind: 'shipment' }), s.shipmentId)}
            data-testid="inject-for-shipment"
          >
            Inject event…
          </a>
        )}
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
          <dt>Times in</dt>
          <dd data-testid="shipment-zone">
            {zone}
            <span className="muted small">
              {s.siteTimeZone ? ' (site)' : ' (no site known: the configured site zone)'}
            </span>
          </dd>
        </div>
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
            <Instant value={s.eta} seconds={false} timeZone={zone} /> <EtaAgainstPromise s={s} />
          </dd>
        </div>
        <div className="kv">
          <dt>Promised date</dt>
          <dd className="num">{s.promisedDate ?? EMPTY}</dd>
        </div>
        <div className="kv">
          <dt>Delivered</dt>
          <dd>
            <Instant value={s.deliveredAt} timeZone={zone} />
          </dd>
        </div>
        <div className="kv">
          <dt>Last event</dt>
          <dd>
            <Instant value={s.lastEventTime} timeZone={zone} />
          </dd>
        </div>
        <ExceptionField s={s} />
      </dl>
    </section>
  );
}

function Entry({ e, zone }: { e: TimelineEntry; zone: string }): ReactNode {
  const isException = shortEventType(e.type).endsWith('.exception');
  const tone = e.status ? shipmentTone(e.status) : isException ? 'warn' : 'neutral';
  return (
    <li
      className={`timeline__entry timeline__entry--${tone}`}
      data-testid="timeline-entry"
      data-status={e.status ?? ''}
      data-type={e.type}
    >
      <span className="timeline__dot" aria-hidden="true" />
      <div className="timeline__time">
        <time className="num" dateTime={e.time} title={e.time}>
          {timeInZone(e.time, zone)}
        </time>
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
}

function Timeline({ s }: { s: ShipmentDetail }): ReactNode {
  const zone = useZoneOf(s);
  const days = groupTimelineByDay(s.timeline, zone);
  return (
    <section className="panel">
      <header className="panel__header">
        <h2>Timeline</h2>
        <span className="muted" data-testid="timeline-zone">
          newest first · {s.timeline.length} entr{s.timeline.length === 1 ? 'y' : 'ies'} · times in {zone}
          {s.siteTimeZone ? ' (site)' : ' (no site known: the configured site zone)'}
        </span>
      </header>
      <div data-testid="shipment-timeline">
        {days.map((d) => (
          <section key={d.day} className="timeline-day" data-testid="timeline-day" data-day={d.day}>
            <h3 className="timeline-day__title num">{d.day}</h3>
            <ol className="timeline">
              {d.entries.map((e) => (
                <Entry key={e.id} e={e} zone={zone} />
              ))}
            </ol>
          </section>
        ))}
        {days.length === 0 && <p className="muted">No checkpoints yet</p>}
      </div>
    </section>
  );
}

/** The shipment timeline screen. */
export function ShipmentTimeline({ shipmentId }: { shipmentId: string }): ReactNode {
  const res = useShipment(shipmentId);
  const configuredZone = useSiteTimeZone();
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
      <Timeline s={s} />
      <div className="muted small">
        All times in {rowZone(s.siteTimeZone, configuredZone)}
        {s.siteTimeZone
          ? ` (${zoneName(s.siteTimeZone)}, the order's site)`
          : ' (no site known: the configured site zone)'}{' '}
        · updated {res.dataUpdatedAt ? formatInstant(new Date(res.dataUpdatedAt).toISOString()) : EMPTY}
      </div>
    </div>
  );
}
