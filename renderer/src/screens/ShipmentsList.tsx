/**
 * Shipments list: server-side filters (status, carrier, open exception, late against the promised
 * day, ETA slipping past it, traffic: real only by default, all, or drill only), search by shipment id, order id or tracking number prefix, sorting
 * and paging, all kept in the URL hash (`#/shipments?status=exception&late=true`) so a view can
 * be bookmarked and shared. A row links to the shipment timeline and to its order. Loading,
 * empty and error states; refetches on live shipment changes.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { entityIdSchema } from '../../../contracts/events';
import { SHIPMENT_STATUSES } from '../../../contracts/shipment-status';
import type { ShipmentListRow } from '../../../contracts/api';
import { DrillBadge, StatusChip } from '../components/Badges';
import { SiteInstant, sharedZone, ZoneHeading } from '../components/SiteTime';
import { useSiteTimeZone } from '../query/settings';
import { Empty, ErrorNotice, Loading } from '../components/Notice';
import { Pager } from '../components/Pager';
import { EMPTY, formatCount, statusLabel } from '../lib/format';
import type { ShipmentsQuery } from '../query/keys';
import { useShipmentPage } from '../query/screens';
import { hrefs, type ShipmentFilters } from '../router/hash';

const PAGE_SIZE = 50;
const SORTS = ['lastEventTime', 'promisedDate', 'eta', 'status', 'createdAt'] as const;
type Sort = (typeof SORTS)[number];

/** The API query of the filters in the hash (unknown sort values fall back to the default). */
export function toShipmentsQuery(f: ShipmentFilters): ShipmentsQuery {
  const sort = SORTS.includes(f.sort as Sort) ? (f.sort as Sort) : undefined;
  const status = SHIPMENT_STATUSES.find((s) => s === f.status);
  return {
    ...(status ? { status } : {}),
    ...(f.carrier ? { carrier: f.carrier } : {}),
    ...(f.warehouse ? { warehouse: f.warehouse } : {}),
    ...(f.exception !== undefined ? { exception: f.exception } : {}),
    ...(f.late !== undefined ? { late: f.late } : {}),
    ...(f.etaSlipping !== undefined ? { etaSlipping: f.etaSlipping } : {}),
    // Real traffic only unless asked (as the orders list and the KPIs).
    ...(f.traffic === undefined ? { includeDrills: false } : {}),
    ...(f.traffic === 'drill' ? { drillsOnly: true } : {}),
    ...(f.q ? { q: f.q } : {}),
    ...(sort ? { sort } : {}),
    ...(f.order ? { order: f.order } : {}),
    page: f.page ?? 1,
    pageSize: PAGE_SIZE,
  };
}

/** Moves to the list with `patch` applied; any filter change goes back to page 1. */
function go(filters: ShipmentFilters, patch: ShipmentFilters): void {
  const next: ShipmentFilters = { ...filters, page: undefined, ...patch };
  for (const k of Object.keys(next) as (keyof ShipmentFilters)[]) if (next[k] === undefined) delete next[k];
  window.location.hash = hrefs.shipments(next);
}

function SearchBox({ filters }: { filters: ShipmentFilters }): ReactNode {
  const [text, setText] = useState(filters.q ?? '');
  const trimmed = text.trim();
  const valid = trimmed === '' || entityIdSchema.safeParse(trimmed).success;
  useEffect(() => {
    if (!valid || trimmed === (filters.q ?? '')) return;
    const t = setTimeout(() => go(filters, { q: trimmed || undefined }), 350);
    return () => clearTimeout(t);
  }, [trimmed, valid, filters]);
  return (
    <label className="field-inline">
      <span>Search</span>
      <input
        className={`input input--mono${valid ? '' : ' input--invalid'}`}
        type="search"
        placeholder="shipment, order or tracking no."
        value={text}
        onChange={(e) => setText(e.target.value)}
        data-testid="shipments-search"
        aria-invalid={!valid}
        title="The start of a shipment id, order id or tracking number: letters, digits and . _ : -"
        spellCheck={false}
        autoComplete="off"
      />
    </label>
  );
}

/** A yes/any/no select for a boolean filter. */
function FlagFilter({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: boolean | undefined;
  onChange: (v: boolean | undefined) => void;
  testId: string;
}): ReactNode {
  return (
    <label className="field-inline">
      <span>{label}</span>
      <select
        className="input"
        value={value === undefined ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'true')}
        data-testid={testId}
      >
        <option value="">any</option>
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
    </label>
  );
}

function Filters({
  filters,
  total,
  capped,
}: {
  filters: ShipmentFilters;
  total: number | null;
  capped: boolean;
}): ReactNode {
  const [carrier, setCarrier] = useState(filters.carrier ?? '');
  const [warehouse, setWarehouse] = useState(filters.warehouse ?? '');
  return (
    <div className="toolbar" data-testid="shipments-filters">
      <SearchBox key={filters.q ?? ''} filters={filters} />
      <label className="field-inline">
        <span>Status</span>
        <select
          className="input"
          value={filters.status ?? ''}
          onChange={(e) => go(filters, { status: e.target.value || undefined })}
          data-testid="shipments-status"
        >
          <option value="">all</option>
          {SHIPMENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <label className="field-inline">
        <span>Carrier</span>
        <input
          className="input"
          size={10}
          value={carrier}
          onChange={(e) => setCarrier(e.target.value)}
          onBlur={() => go(filters, { carrier: carrier.trim() || undefined })}
          onKeyDown={(e) => e.key === 'Enter' && go(filters, { carrier: carrier.trim() || undefined })}
          data-testid="shipments-carrier"
          placeholder="exact name"
        />
      </label>
      <label className="field-inline">
        <span>Warehouse</span>
        <input
          className="input input--mono"
          size={10}
          value={warehouse}
          onChange={(e) => setWarehouse(e.target.value)}
          onBlur={() => go(filters, { warehouse: warehouse.trim() || undefined })}
          onKeyDown={(e) => e.key === 'Enter' && go(filters, { warehouse: warehouse.trim() || undefined })}
          data-testid="shipments-warehouse"
          placeholder="site id"
          title="Shipments of this warehouse's orders"
        />
      </label>
      <FlagFilter
        label="Open exception"
        value={filters.exception}
        onChange={(v) => go(filters, { exception: v })}
        testId="shipments-exception"
      />
      <FlagFilter
        label="Late"
        value={filters.late}
        onChange={(v) => go(filters, { late: v })}
        testId="shipments-late"
      />
      <FlagFilter
        label="ETA past promise"
        value={filters.etaSlipping}
        onChange={(v) => go(filters, { etaSlipping: v })}
        testId="shipments-eta-slipping"
      />
      <label className="field-inline">
        <span>Traffic</span>
        <select
          className="input"
          value={filters.traffic ?? 'live'}
          onChange={(e) =>
            go(filters, {
              traffic: e.target.value === 'all' || e.target.value === 'drill' ? e.target.value : undefined,
            })
          }
          data-testid="shipments-traffic"
        >
          <option value="live">real only</option>
          <option value="all">all</option>
          <option value="drill">drill only</option>
        </select>
      </label>
      <a className="btn btn--small btn--ghost" href={hrefs.shipments()}>
        Clear
      </a>
      <span className="toolbar__spacer" />
      <span className="total" data-testid="shipments-total" data-total={total ?? ''}>
        {total === null
          ? EMPTY
          : capped
            ? `${formatCount(total)}+ shipments`
            : `${formatCount(total)} shipment${total === 1 ? '' : 's'}`}
      </span>
    </div>
  );
}

function SortHeader({
  filters,
  sort,
  label,
}: {
  filters: ShipmentFilters;
  sort: Sort;
  label: ReactNode;
}): ReactNode {
  const current = (filters.sort as Sort | undefined) ?? 'lastEventTime';
  const order = filters.order ?? 'desc';
  const active = current === sort;
  return (
    <th aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <button
        type="button"
        className={`sort${active ? ' sort--active' : ''}`}
        onClick={() => go(filters, { sort, order: active && order === 'desc' ? 'asc' : 'desc' })}
        data-testid={`shipments-sort-${sort}`}
      >
        {label}
        <span className="sort__arrow" aria-hidden="true">
          {active ? (order === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

/** One shipment; `named`: the page's rows have different site zones, so each time names its zone. */
function Row({ s, named }: { s: ShipmentListRow; named: boolean }): ReactNode {
  return (
    <tr data-testid="shipment-row" data-shipment-id={s.shipmentId} data-status={s.status}>
      <td>
        <a href={hrefs.shipment(s.shipmentId)} className="mono id-link" title={s.shipmentId}>
          {s.shipmentId}
        </a>{' '}
        {s.isDrill && <DrillBadge drillId={s.drillId} />}
      </td>
      <td>
        <StatusChip status={s.status} kind="shipment" />
      </td>
      <td>
        <span className="cell-clip" title={s.carrier ?? undefined}>
          {s.carrier ?? EMPTY}
        </span>
      </td>
      <td>
        <span className="mono cell-clip" title={s.trackingNumber ?? undefined}>
          {s.trackingNumber}
        </span>
      </td>
      <td>
        {s.orderId ? (
          <a href={hrefs.order(s.orderId)} className="mono id-link" title={s.orderId}>
            {s.orderId}
          </a>
        ) : (
          <span className="muted">{EMPTY}</span>
        )}
      </td>
      <td className="num">
        {s.promisedDate ?? EMPTY}
        {s.late && (
          <>
            {' '}
            <span className="flag flag--bad" data-testid="late-flag" title="Late against the promised day">
              late
            </span>
          </>
        )}
      </td>
      <td>
        <SiteInstant value={s.eta} zone={s.siteTimeZone} named={named} />
        {s.etaSlipping && (
          <span className="text-warn" data-testid="eta-slipping-flag" title="ETA after the promised day">
            {' '}
            ▲ past promise
          </span>
        )}
      </td>
      <td>
        <SiteInstant value={s.lastEventTime} zone={s.siteTimeZone} named={named} />
      </td>
      <td className="text-warn shipments__exception" title={s.exceptionReason ?? undefined}>
        {s.openException ? (s.exceptionReason ?? statusLabel(s.status)) : ''}
      </td>
    </tr>
  );
}

/** The shipments list screen; `filters` come from the hash. */
export function ShipmentsList({ filters }: { filters: ShipmentFilters }): ReactNode {
  const query = toShipmentsQuery(filters);
  const res = useShipmentPage(query);
  const data = res.data;
  const filtered = Object.keys(filters).some((k) => k !== 'sort' && k !== 'order' && k !== 'page');
  // One zone for the page names it in the headers; several name it in each cell.
  const configuredZone = useSiteTimeZone();
  const zone = sharedZone(data?.items.map((s) => s.siteTimeZone) ?? [], configuredZone);
  return (
    <div className="screen" data-testid="shipments-screen">
      <Filters
        key={hrefs.shipments(filters)}
        filters={filters}
        total={data?.total ?? null}
        capped={data?.totalCapped === true}
      />
      {res.error && (
        <ErrorNotice
          error={res.error}
          onRetry={() => void res.refetch()}
          title="The shipments could not be loaded"
        />
      )}
      <div className="panel dl-panel table-scroll">
        <table className="table shipments-table" data-testid="shipments-table" data-loading={res.isFetching}>
          <thead>
            <tr>
              <th>Shipment</th>
              <SortHeader filters={filters} sort="status" label="Status" />
              <th>Carrier</th>
              <th>Tracking no.</th>
              <th>Order</th>
              <SortHeader filters={filters} sort="promisedDate" label="Promised" />
              <SortHeader filters={filters} sort="eta" label={<ZoneHeading label="ETA" zone={zone} />} />
              <SortHeader
                filters={filters}
                sort="lastEventTime"
                label={<ZoneHeading label="Last event" zone={zone} />}
              />
              <th>Exception</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((s) => (
              <Row key={s.shipmentId} s={s} named={zone === null} />
            ))}
          </tbody>
        </table>
        {!data && !res.error && <Loading label="Loading shipments…" />}
        {data && data.items.length === 0 && (
          <Empty>{filtered ? 'No shipment matches these filters.' : 'No shipments yet.'}</Empty>
        )}
      </div>
      <Pager
        page={query.page ?? 1}
        pageSize={PAGE_SIZE}
        total={data?.total ?? null}
        capped={data?.totalCapped === true}
        shown={data?.items.length}
        onPage={(page) => go(filters, { page })}
        testId="shipments-pager"
      />
    </div>
  );
}
