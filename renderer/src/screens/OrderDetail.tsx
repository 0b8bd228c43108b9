/**
 * Order detail: header (status, customer, warehouse, site zone, promised date and punctuality as
 * the API judged it), the lifecycle as a stepper (created, approved, picked, packed, shipped,
 * delivered or cancelled, each with its event time in the site's zone, the zone named; the
 * overdue mark when open past its promise), lines (ordered vs delivered quantity), the linked
 * shipments with their current status and links to their timelines, and the event history
 * ordered by event time, each entry with the kind of its source (console, drill, import,
 * carrier: contracts/event-sources.ts), its event time and collapsible data.
 * Refetches when a live change names this order or its shipment.
 */
import { useAbilities } from '../state/access';
import { useMemo, type ReactNode } from 'react';
import type { HistoryEntry, LinkedShipment, OrderDetail as OrderDetailData } from '../../../contracts/api';
import { SOURCE_KIND_LABELS, type SourceKind } from '../../../contracts/event-sources';
import type { LifecycleStep } from '../../../contracts/order-lifecycle';
import { DrillBadge, Instant, Mono, StatusChip } from '../components/Badges';
import { ErrorNotice, isNotFound, Loading } from '../components/Notice';
import { suggestedEventType } from '../inject/formModel';
import { PunctualityFlag } from '../components/PunctualityFlag';
import {
  EMPTY,
  formatCount,
  formatInstantInZone,
  shortEventType,
  statusLabel,
  zoneName,
} from '../lib/format';
import { useOrder } from '../query/screens';
import { hrefs } from '../router/hash';

/** History sorted by event time, then by when it was recorded (stable for equal times). */
export function sortHistory(history: HistoryEntry[]): HistoryEntry[] {
  return [...history].sort((a, b) => {
    const t = Date.parse(a.time) - Date.parse(b.time);
    return t !== 0 ? t : Date.parse(a.recordedAt) - Date.parse(b.recordedAt);
  });
}

function Field({ label, children }: { label: string; children: ReactNode }): ReactNode {
  return (
    <div className="kv">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Header({ o }: { o: OrderDetailData }): ReactNode {
  // Offered only to a role that may inject: the server refuses the others anyway.
  const { inject } = useAbilities();
  return (
    <section className="panel detail-head">
      <div className="detail-head__title">
        <span className="muted">Order</span>
        <h2 className="mono" data-testid="order-id">
          {o.orderId}
        </h2>
        <StatusChip status={o.status} kind="order" />
        {o.isDrill && <DrillBadge drillId={o.drillId} />}
        <span className="toolbar__spacer" />
        {o.shipmentId && (
          <a className="btn btn--small" href={hrefs.shipment(o.shipmentId)} data-testid="shipment-link">
            Shipment <span className="mono">{o.shipmentId}</span> →
          </a>
        )}
        {inject && (
          <a
            className="btn btn--small btn--ghost"
            href={hrefs.inject(suggestedEventType({ kind: 'order', status: o.status }), o.orderId)}
            data-testid="inject-for-order"
          >
            Inject event…
          </a>
        )}
      </div>
      <dl className="kvs">
        <Field label="Customer">
          <Mono>{o.customerId}</Mono>
        </Field>
        <Field label="Warehouse">
          <Mono>{o.warehouseId}</Mono>
        </Field>
        <Field label="Site time zone">
          <span data-testid="site-zone">{o.siteTimeZone ?? EMPTY}</span>
          <span className="muted small">
            {' '}
            · times on this page are {o.siteTimeZone ? `${zoneName(o.siteTimeZone)} time` : 'your local time'}
          </span>
        </Field>
        {o.cancelReason && (
          <Field label="Cancel reason">
            <span className="muted">{o.cancelReason}</span>
          </Field>
        )}
        <Field label="Shipment">
          {o.shipmentId ? (
            <a href={hrefs.shipment(o.shipmentId)} className="mono">
              {o.shipmentId}
            </a>
          ) : (
            <span className="muted">{EMPTY}</span>
          )}
        </Field>
        <Field label="Last event">
          <Instant timeZone={o.siteTimeZone} value={o.lastEventTime} />
        </Field>
        <Field label="Events applied">
          <span className="num">{formatCount(o.eventCount)}</span>
        </Field>
      </dl>
      <Stepper o={o} />
    </section>
  );
}

const STEP_MARK: Record<LifecycleStep['state'], string> = {
  done: '✓',
  skipped: '–',
  pending: '',
  not_reached: '×',
};

const STEP_STATE_TEXT: Record<LifecycleStep['state'], string> = {
  done: 'done',
  skipped: 'not reported (a later step was reached)',
  pending: 'not yet',
  not_reached: 'not reached (cancelled before)',
};

/**
 * The lifecycle stepper: one step per lifecycle stage with its event time in the site's zone
 * (date and time on two lines); the last step carries the promised date and the punctuality
 * flag (late / overdue by N days).
 */
function Stepper({ o }: { o: OrderDetailData }): ReactNode {
  const zone = o.siteTimeZone;
  const last = o.lifecycle.length - 1;
  return (
    <div className="stepper-wrap">
      <div className="stepper__caption muted small" data-testid="stepper-zone">
        Lifecycle · times in{' '}
        {zone ? `${zoneName(zone)} time (${zone})` : 'your local time (no site zone known)'}
      </div>
      <ol className="stepper" data-testid="order-stepper" aria-label="Order lifecycle">
        {o.lifecycle.map((step, i) => {
          const when = step.at ? formatInstantInZone(step.at, zone, false) : null;
          const [day, time] = when ? when.split(' ') : [null, null];
          const current = step.state === 'done' && !o.lifecycle.slice(i + 1).some((s) => s.state === 'done');
          return (
            <li
              key={step.step}
              className={`stepper__step stepper__step--${step.state}${current ? ' stepper__step--current' : ''}${step.step === 'cancelled' ? ' stepper__step--cancelled' : ''}`}
              data-testid="lifecycle-step"
              data-step={step.step}
              data-state={step.state}
              aria-current={current ? 'step' : undefined}
              title={`${statusLabel(step.step)}: ${STEP_STATE_TEXT[step.state]}${step.at ? ` · ${step.at} UTC` : ''}`}
            >
              <span className="stepper__mark" aria-hidden="true">
                {STEP_MARK[step.state]}
              </span>
              <span className="stepper__label">{statusLabel(step.step)}</span>
              {step.at ? (
                <time className="stepper__time num" dateTime={step.at}>
                  {day}
                  <br />
                  {time}
                </time>
              ) : (
                <span className="stepper__time muted small">{STEP_STATE_TEXT[step.state]}</span>
              )}
              {i === last && (
                <span className="stepper__promise small">
                  promised{' '}
                  <span className="num" data-testid="promised-date">
                    {o.promisedDate ?? EMPTY}
                  </span>{' '}
                  <PunctualityFlag value={o.punctuality} />
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}

/** The order's shipments with their current status, each linking to its timeline. */
function Shipments({ o }: { o: OrderDetailData }): ReactNode {
  return (
    <section className="panel">
      <header className="panel__header">
        <h2>Shipments</h2>
        <span className="muted">
          {o.shipments.length} linked{o.siteTimeZone ? ` · times in ${zoneName(o.siteTimeZone)} time` : ''}
        </span>
      </header>
      <div className="table-wrap">
        <table className="table" data-testid="order-shipments">
          <thead>
            <tr>
              <th>Shipment</th>
              <th>Status</th>
              <th>Carrier · tracking</th>
              <th>ETA / delivered</th>
            </tr>
          </thead>
          <tbody>
            {o.shipments.map((s: LinkedShipment) => (
              <tr key={s.shipmentId} data-testid="order-shipment" data-shipment-id={s.shipmentId}>
                <td>
                  <a
                    href={hrefs.shipment(s.shipmentId)}
                    className="mono"
                    title="Open the shipment's timeline"
                  >
                    {s.shipmentId}
                  </a>
                </td>
                <td>
                  <StatusChip status={s.status} kind="shipment" />
                </td>
                <td>
                  {s.carrier ?? EMPTY} <span className="mono muted small">{s.trackingNumber ?? ''}</span>
                </td>
                <td>
                  <Instant value={s.deliveredAt ?? s.eta} timeZone={o.siteTimeZone} seconds={false} />
                  {s.deliveredAt ? (
                    <span className="muted small"> delivered</span>
                  ) : s.eta ? (
                    <span className="muted small"> ETA</span>
                  ) : null}
                </td>
              </tr>
            ))}
            {o.shipments.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
                  No shipment yet
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The kind of an event's source as a small chip, with its meaning and the raw source as tooltip. */
function SourceChip({ kind, source }: { kind: SourceKind; source: string }): ReactNode {
  return (
    <span
      className={`source source--${kind}`}
      data-testid="history-source"
      data-kind={kind}
      title={`${SOURCE_KIND_LABELS[kind]} · CloudEvents source "${source}"`}
    >
      {kind}
      {kind === 'other' && <span className="mono"> {source}</span>}
    </span>
  );
}

function Lines({ o }: { o: OrderDetailData }): ReactNode {
  const totalOrdered = o.lines.reduce((s, l) => s + l.quantity, 0);
  const anyDelivered = o.lines.some((l) => l.deliveredQuantity !== null);
  const totalDelivered = o.lines.reduce((s, l) => s + (l.deliveredQuantity ?? 0), 0);
  return (
    <section className="panel">
      <header className="panel__header">
        <h2>Lines</h2>
        <span className="muted">
          {o.lines.length} SKU{o.lines.length === 1 ? '' : 's'}
        </span>
      </header>
      <div className="table-wrap">
        <table className="table table--lines" data-testid="order-lines">
          <thead>
            <tr>
              <th>SKU</th>
              <th className="num-col">Ordered</th>
              <th className="num-col">Delivered</th>
              <th className="num-col">Short</th>
            </tr>
          </thead>
          <tbody>
            {o.lines.map((l, i) => {
              const short = l.deliveredQuantity === null ? null : l.quantity - l.deliveredQuantity;
              return (
                <tr key={`${l.sku}:${i}`} data-testid="order-line">
                  <td className="mono">{l.sku}</td>
                  <td className="num-col num">{formatCount(l.quantity)}</td>
                  <td className="num-col num">{formatCount(l.deliveredQuantity)}</td>
                  <td className={`num-col num${short !== null && short > 0 ? ' text-bad' : ''}`}>
                    {short === null ? EMPTY : short > 0 ? formatCount(short) : '0'}
                  </td>
                </tr>
              );
            })}
            {o.lines.length === 0 && (
              <tr>
                <td colSpan={4} className="muted">
                  No lines recorded
                </td>
              </tr>
            )}
          </tbody>
          {o.lines.length > 1 && (
            <tfoot>
              <tr>
                <td>Total</td>
                <td className="num-col num">{formatCount(totalOrdered)}</td>
                <td className="num-col num">{anyDelivered ? formatCount(totalDelivered) : EMPTY}</td>
                <td className="num-col num">
                  {anyDelivered ? formatCount(totalOrdered - totalDelivered) : EMPTY}
                </td>
              </tr>
            </tfoot>
          )}
        </table>
      </div>
    </section>
  );
}

function History({ history, timeZone }: { history: HistoryEntry[]; timeZone: string | null }): ReactNode {
  const sorted = useMemo(() => sortHistory(history), [history]);
  return (
    <section className="panel">
      <header className="panel__header">
        <h2>Event history</h2>
        <span className="muted">
          by event time, shown in {timeZone ? `${zoneName(timeZone)} time (${timeZone})` : 'your local time'}{' '}
          · {sorted.length} event{sorted.length === 1 ? '' : 's'}
        </span>
      </header>
      <ol className="history" data-testid="order-history">
        {sorted.map((h) => (
          <li
            key={h.id}
            className={`history__entry${h.drillId ? ' history__entry--drill' : ''}`}
            data-testid="history-entry"
            data-event-id={h.id}
            data-type={h.type}
          >
            <div className="history__row">
              <Instant value={h.time} timeZone={timeZone} />
              <span className="history__type mono" title={h.type}>
                {shortEventType(h.type)}
              </span>
              {h.drillId && <DrillBadge drillId={h.drillId} />}
              <span className="toolbar__spacer" />
              <SourceChip kind={h.sourceKind} source={h.source} />
              <span className="muted small" title={`Recorded ${h.recordedAt}`}>
                recorded <Instant value={h.recordedAt} timeZone={timeZone} />
              </span>
            </div>
            <details className="history__data">
              <summary>
                data <span className="mono muted">{summarizeData(h.data)}</span>
              </summary>
              <pre className="code">{JSON.stringify(h.data, null, 2)}</pre>
              <div className="muted small mono">id {h.id}</div>
            </details>
          </li>
        ))}
        {sorted.length === 0 && <li className="muted">No events recorded</li>}
      </ol>
    </section>
  );
}

/** A one-line preview of event data: `{customerId, warehouseId, +3}` style, at most ~80 chars. */
export function summarizeData(data: unknown): string {
  if (data === null || data === undefined) return '';
  const text = JSON.stringify(data);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** The order detail screen. */
export function OrderDetail({ orderId }: { orderId: string }): ReactNode {
  const order = useOrder(orderId);
  const current = order.data && order.data.orderId === orderId ? order.data : null;

  if (!current) {
    if (order.error && isNotFound(order.error)) {
      return (
        <div className="screen" data-testid="order-detail" data-state="not-found">
          <div className="notice">
            <div className="notice__title">
              Order <span className="mono">{orderId}</span> is not known (yet)
            </div>
            <div>
              Events are applied asynchronously; this page updates by itself when the order is materialized.
            </div>
          </div>
        </div>
      );
    }
    if (order.error) return <ErrorNotice error={order.error} onRetry={() => void order.refetch()} />;
    return <Loading label="Loading order…" />;
  }
  return (
    <div className="screen" data-testid="order-detail" data-order-id={current.orderId}>
      {order.error && (
        <ErrorNotice
          error={order.error}
          onRetry={() => void order.refetch()}
          title="Refresh failed (showing the last answer)"
        />
      )}
      <Header o={current} />
      <div className="detail-grid">
        <div className="detail-grid__side">
          <Lines o={current} />
          <Shipments o={current} />
        </div>
        <History history={current.history} timeZone={current.siteTimeZone} />
      </div>
    </div>
  );
}
