/**
 * The exceptions queue: shipments whose status is an open exception or a failed delivery attempt,
 * oldest first, with the reason, the carrier's last message, and the order and customer behind
 * each (links to the shipment timeline and the order). Loading, empty and error states; refetches
 * on live shipment changes. Real traffic only unless "all" is chosen (a drill's lost parcels are
 * not real work). The page and the traffic are kept in the hash (`#/exceptions?page=2&traffic=all`).
 */
import type { ReactNode } from 'react';
import type { ExceptionQueueRow } from '../../../contracts/api';
import { DrillBadge, StatusChip } from '../components/Badges';
import { SiteInstant, sharedZone, ZoneHeading } from '../components/SiteTime';
import { useSiteTimeZone } from '../query/settings';
import { Empty, ErrorNotice, Loading } from '../components/Notice';
import { Pager } from '../components/Pager';
import { EMPTY, formatCount } from '../lib/format';
import { useExceptionQueue } from '../query/screens';
import { hrefs, routeHref } from '../router/hash';
import { suggestedEventType } from '../inject/formModel';
import { useAbilities } from '../state/access';

const PAGE_SIZE = 50;

/**
 * One open exception; `named`: the page's rows have different site zones (each time names its
 * zone); `inject`: the role may inject, so the row offers to record what happened next (a
 * checkpoint, a new attempt, the delivery) in the inject form, filled in for this shipment.
 */
function Row({ r, named, inject }: { r: ExceptionQueueRow; named: boolean; inject: boolean }): ReactNode {
  return (
    <tr data-testid="exception-row" data-shipment-id={r.shipmentId} data-status={r.status}>
      <td className="exceptions__since">
        <SiteInstant value={r.since} zone={r.siteTimeZone} named={named} />
      </td>
      <td>
        <a href={hrefs.shipment(r.shipmentId)} className="mono id-link" title={r.shipmentId}>
          {r.shipmentId}
        </a>{' '}
        {r.isDrill && <DrillBadge drillId={null} />}
      </td>
      <td>
        <StatusChip status={r.status} kind="shipment" />
        {inject && (
          <div className="small">
            <a
              href={hrefs.inject(suggestedEventType({ kind: 'shipment' }), r.shipmentId)}
              title={`Record what happened next to ${r.shipmentId} (a checkpoint, a new attempt, the delivery)`}
              data-testid="exception-act"
            >
              Record update…
            </a>
          </div>
        )}
      </td>
      <td className="mono text-warn" data-testid="exception-reason">
        <span className="cell-clip cell-clip--wide" title={r.reason ?? undefined}>
          {r.reason ?? EMPTY}
        </span>
      </td>
      <td className="exceptions__msg" data-testid="exception-message">
        {r.lastMessage ? (
          <span className="exceptions__msg-text" title={r.lastMessage}>
            {r.lastMessage}
          </span>
        ) : (
          <span className="muted">{EMPTY}</span>
        )}
        {r.lastMessageTime && (
          <div className="muted small">
            <SiteInstant value={r.lastMessageTime} zone={r.siteTimeZone} named={named} />
          </div>
        )}
      </td>
      <td>
        <span className="cell-clip" title={r.carrier ?? undefined}>
          {r.carrier ?? EMPTY}
        </span>
        <div className="small">
          <span className="mono cell-clip" title={r.trackingNumber ?? undefined}>
            {r.trackingNumber}
          </span>
        </div>
      </td>
      <td>
        {r.orderId ? (
          <a
            href={hrefs.order(r.orderId)}
            className="mono id-link"
            title={r.orderId}
            data-testid="exception-order"
          >
            {r.orderId}
          </a>
        ) : (
          <span className="muted">{EMPTY}</span>
        )}
        {/* The customer under the order (one column fewer: every column fits at 1280 px). */}
        <div className="small muted">
          <span className="mono id-link" title={r.customerId ?? undefined} data-testid="exception-customer">
            {r.customerId ?? EMPTY}
          </span>
        </div>
      </td>
      <td className="num">{r.promisedDate ?? EMPTY}</td>
    </tr>
  );
}

/** The exceptions queue screen at a 1-based page; `traffic: 'all'` includes drill traffic. */
export function ExceptionsQueue({ page, traffic }: { page: number; traffic?: 'all' }): ReactNode {
  const res = useExceptionQueue({ page, pageSize: PAGE_SIZE, includeDrills: traffic === 'all' });
  const data = res.data;
  // One zone for the page names it in the headers; several name it in each cell.
  const configuredZone = useSiteTimeZone();
  const zone = sharedZone(data?.items.map((r) => r.siteTimeZone) ?? [], configuredZone);
  const { inject } = useAbilities();
  return (
    <div className="screen" data-testid="exceptions-screen">
      <div className="toolbar">
        <span className="muted">Open exceptions and failed delivery attempts, oldest first</span>
        <span className="toolbar__spacer" />
        <label className="field-inline">
          <span>Traffic</span>
          <select
            className="input"
            value={traffic ?? 'live'}
            onChange={(e) => {
              window.location.hash = routeHref({
                name: 'exceptions',
                page: 1,
                ...(e.target.value === 'all' ? { traffic: 'all' as const } : {}),
              });
            }}
            data-testid="exceptions-traffic"
          >
            <option value="live">real only</option>
            <option value="all">all</option>
          </select>
        </label>
        <a
          className="btn btn--small btn--ghost"
          href={hrefs.shipments({ exception: true, ...(traffic ? { traffic } : {}) })}
        >
          As a shipments list →
        </a>
        <span className="total" data-testid="exceptions-total" data-total={data?.total ?? ''}>
          {data ? `${formatCount(data.total)} open` : EMPTY}
        </span>
      </div>
      {res.error && (
        <ErrorNotice
          error={res.error}
          onRetry={() => void res.refetch()}
          title="The exceptions queue could not be loaded"
        />
      )}
      <div className="panel dl-panel table-scroll">
        <table
          className="table exceptions-table"
          data-testid="exceptions-table"
          data-loading={res.isFetching}
        >
          <thead>
            <tr>
              <th>
                <ZoneHeading label="Since" zone={zone} />
              </th>
              <th>Shipment</th>
              <th>Status</th>
              <th>Reason</th>
              <th className="exceptions__msg">
                <ZoneHeading label="Carrier's last message" zone={zone} />
              </th>
              <th>Carrier</th>
              <th>Order · customer</th>
              <th>Promised</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((r) => (
              <Row key={r.shipmentId} r={r} named={zone === null} inject={inject} />
            ))}
          </tbody>
        </table>
        {!data && !res.error && <Loading label="Loading the exceptions queue…" />}
        {data && data.items.length === 0 && <Empty>No open exceptions. Nothing needs attention.</Empty>}
      </div>
      <Pager
        page={page}
        pageSize={PAGE_SIZE}
        total={data?.total ?? null}
        onPage={(p) => {
          window.location.hash = routeHref({ name: 'exceptions', page: p, ...(traffic ? { traffic } : {}) });
        }}
        testId="exceptions-pager"
      />
    </div>
  );
}
