/**
 * Orders list: server-side filtering (statuses, punctuality, open exception, in full, created /
 * promised / shipped / delivered day ranges, warehouse, customer, drill traffic, prefix search
 * over order, shipment, customer and tracking ids), sorting by every column, CSV export of
 * the whole filter, and a virtualized table (@tanstack/react-virtual) of every matching row,
 * fetched in windows as it is scrolled (query/orderWindows.ts), that scrolls sideways when
 * the window is narrow (no column is dropped; the order id stays pinned). The view (filters, sort,
 * the order last opened and its row) lives in the URL hash, so it can be bookmarked, shared and
 * reopened; the dashboard's KPI figures link here with their drill-down filter. The promised day
 * carries the API's punctuality flag (late, overdue). Refetches on live order changes.
 * An Order ID search that is not a valid id is not sent: an inline message names the rule and the
 * table says the filter was not applied instead of showing the unfiltered list.
 */
import { CsvExportButton } from '../components/CsvExportButton';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { OrderPunctualityFilter, OrderRow } from '../../../contracts/api';
import { ORDER_STATUSES, type OrderStatus } from '../../../contracts/order-status';
import { downloadOrdersCsv } from '../api/download';
import { DrillBadge, Mono, StatusChip } from '../components/Badges';
import { sharedZone, ZonedInstant, ZoneNote } from '../components/SiteTime';
import { useSiteTimeZone } from '../query/settings';
import { Empty, ErrorNotice, Loading } from '../components/Notice';
import { PunctualityFlag } from '../components/PunctualityFlag';
import { EMPTY, formatCount, statusLabel } from '../lib/format';
import { issueTooltip, type DisplayIssue } from '../lib/issueWording';
import { ORDER_WINDOW_ROWS, useOrderWindows, type OrderWindows } from '../query/orderWindows';
import { useViewInUrl, type ViewInUrl } from '../router/useViewInUrl';
import { hrefs } from '../router/hash';
import {
  checkOrderSearch,
  ordersFilterFromSearch,
  ordersFilterSearch,
  toOrdersFilterQuery,
  useOrdersFilter,
  type OrdersFilterQuery,
  type OrderSort,
  type OrdersFilter,
  type TrafficFilter,
} from '../state/filters';

/** Height of one table row in pixels (kept in sync with `.otable__row` in styles.css). */
export const ROW_HEIGHT = 34;

interface Column {
  label: string;
  sort?: OrderSort;
  className?: string;
}

const COLUMNS: Column[] = [
  { label: 'Order ID', sort: 'orderId', className: 'otable__cell--pin' },
  { label: 'Status', sort: 'status' },
  { label: 'Customer', sort: 'customerId' },
  { label: 'Warehouse', sort: 'warehouseId' },
  { label: 'Created', sort: 'createdAt' },
  { label: 'Promised', sort: 'promisedDate' },
  { label: 'Delivered', sort: 'deliveredAt' },
  { label: 'Last event', sort: 'lastEventTime' },
  { label: 'Events', sort: 'eventCount', className: 'otable__cell--num' },
];

const PUNCTUALITY_LABELS: Record<OrderPunctualityFilter, string> = {
  on_time: 'delivered on time',
  late: 'delivered late',
  at_risk: 'at risk',
  overdue: 'overdue',
};

/** The orders view in the hash (`#/orders?status=approved&punctuality=late`). */
const ORDERS_VIEW_IN_URL: ViewInUrl<OrdersFilter> = {
  store: useOrdersFilter,
  load: (view) => useOrdersFilter.getState().load(view),
  toSearch: (view) => ordersFilterSearch(view),
  fromSearch: ordersFilterFromSearch,
  href: hrefs.orders,
};

const TRAFFIC_LABELS: Record<TrafficFilter, string> = { live: 'real only', all: 'all', drill: 'drill only' };

/** The day-range filters: label and the view's from/to keys. */
const DAY_RANGES = [
  ['Created', 'from', 'to'],
  ['Promised', 'promisedFrom', 'promisedTo'],
  ['Shipped', 'shippedFrom', 'shippedTo'],
  ['Delivered', 'deliveredFrom', 'deliveredTo'],
] as const satisfies readonly (readonly [string, keyof OrdersFilter, keyof OrdersFilter])[];

/** A yes/no/any filter as a select value. */
function flagValue(v: boolean | null): string {
  return v === null ? '' : String(v);
}
function flagOf(v: string): boolean | null {
  return v === '' ? null : v === 'true';
}

/** DOM id of the search box's inline error (its `aria-describedby`). */
const SEARCH_ERROR_ID = 'orders-search-error';

function SearchBox(): ReactNode {
  const q = useOrdersFilter((s) => s.q);
  const text = useOrdersFilter((s) => s.qDraft);
  const setDraft = useOrdersFilter((s) => s.setDraft);
  const update = useOrdersFilter((s) => s.update);
  const check = checkOrderSearch(text);
  const nextQ = check.ok ? check.q : null;

  useEffect(() => {
    if (nextQ === null || nextQ === q.trim()) return;
    const t = setTimeout(() => update({ q: nextQ }), 350);
    return () => clearTimeout(t);
  }, [nextQ, q, update]);

  return (
    <label className="field-inline">
      <span>Search</span>
      <input
        className={`input input--mono${check.ok ? '' : ' input--invalid'}`}
        type="search"
        placeholder="order, shipment, customer, tracking…"
        value={text}
        onChange={(e) => setDraft(e.target.value)}
        data-testid="orders-search"
        aria-invalid={!check.ok}
        aria-describedby={check.ok ? undefined : SEARCH_ERROR_ID}
        title="The start of an order id, shipment id, customer id or tracking number: letters, digits and . _ : -"
        spellCheck={false}
        autoComplete="off"
      />
    </label>
  );
}

/** The inline message under the filters while the search text is not a valid id. */
function SearchError({ issue }: { issue: DisplayIssue }): ReactNode {
  return (
    <div
      id={SEARCH_ERROR_ID}
      className="field-error orders__search-error"
      role="alert"
      data-testid="orders-search-error"
      data-rule={issue.rule}
      title={issueTooltip(issue)}
    >
      Search not applied: {issue.message}
    </div>
  );
}

/** Statuses as a compact multi-select (a disclosure of checkboxes). */
function StatusPicker(): ReactNode {
  const status = useOrdersFilter((s) => s.status);
  const update = useOrdersFilter((s) => s.update);
  const toggle = (st: OrderStatus, on: boolean) =>
    update({ status: ORDER_STATUSES.filter((x) => (x === st ? on : status.includes(x))) });
  return (
    <details className="multi" data-testid="orders-status">
      <summary className="input" aria-label="Status filter">
        Status: {status.length === 0 ? 'all' : status.map(statusLabel).join(', ')}
      </summary>
      <div className="multi__menu" role="group" aria-label="Statuses">
        {ORDER_STATUSES.map((st) => (
          <label key={st} className="toggle">
            <input
              type="checkbox"
              checked={status.includes(st)}
              onChange={(e) => toggle(st, e.target.checked)}
              data-testid={`orders-status-${st}`}
            />
            <span>{statusLabel(st)}</span>
          </label>
        ))}
      </div>
    </details>
  );
}

/** One day range as the dates summary names it: `created 2024-01-01–2024-01-31`, `delivered ≥ 2024-01-01`. */
function rangeText(label: string, from: string | null, to: string | null): string | null {
  if (!from && !to) return null;
  const name = label.toLowerCase();
  if (from && to) return `${name} ${from}–${to}`;
  return from ? `${name} ≥ ${from}` : `${name} ≤ ${to}`;
}

/**
 * The four day ranges (created, promised, shipped, delivered) behind one compact disclosure, so
 * the filter bar stays within a few rows at 1280x720; its summary names the ranges that are set.
 */
function DatesPicker(): ReactNode {
  const f = useOrdersFilter();
  const set = DAY_RANGES.map(([label, fromKey, toKey]) => rangeText(label, f[fromKey], f[toKey])).filter(
    (t): t is string => t !== null,
  );
  return (
    <details className="multi" data-testid="orders-dates">
      <summary className="input" aria-label="Date filters" title={set.join('; ') || 'No date filter'}>
        Dates: {set.length === 0 ? 'any' : set.join(', ')}
      </summary>
      <div className="multi__menu multi__menu--dates" role="group" aria-label="Day ranges (site days)">
        {DAY_RANGES.map(([label, fromKey, toKey]) => (
          <fieldset key={label} className="day-range">
            <legend>{label}</legend>
            <input
              className="input num"
              type="date"
              aria-label={`${label} from`}
              value={f[fromKey] ?? ''}
              onChange={(e) => f.update({ [fromKey]: e.target.value || null })}
              data-testid={`orders-${fromKey}`}
            />
            <span aria-hidden="true">–</span>
            <input
              className="input num"
              type="date"
              aria-label={`${label} to`}
              value={f[toKey] ?? ''}
              onChange={(e) => f.update({ [toKey]: e.target.value || null })}
              data-testid={`orders-${toKey}`}
            />
          </fieldset>
        ))}
        <span className="muted small">Site days, inclusive</span>
      </div>
    </details>
  );
}

/** A text filter that is applied when it is left or Enter is pressed (not on every key). */
function IdFilter({ label, field }: { label: string; field: 'warehouse' | 'customer' }): ReactNode {
  const value = useOrdersFilter((s) => s[field]);
  const update = useOrdersFilter((s) => s.update);
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value);
  }
  const apply = () => {
    if (text.trim() !== value) update({ [field]: text.trim() });
  };
  return (
    <label className="field-inline">
      <span>{label}</span>
      <input
        className="input input--mono input--short"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => e.key === 'Enter' && apply()}
        data-testid={`orders-${field}`}
        spellCheck={false}
        autoComplete="off"
      />
    </label>
  );
}

function ExportButton(): ReactNode {
  const filter = useOrdersFilter();
  return (
    <CsvExportButton
      download={() => downloadOrdersCsv(toOrdersFilterQuery(filter))}
      testId="orders-export"
      title="Download every order of this filter as CSV (not just this page)"
    />
  );
}

function Filters({
  total,
  capped,
  searchInvalid,
}: {
  total: number | null;
  capped: boolean;
  searchInvalid: boolean;
}): ReactNode {
  const f = useOrdersFilter();
  return (
    <div className="toolbar toolbar--orders" role="search" aria-label="Order filters">
      <SearchBox key={f.resets} />
      <StatusPicker />
      <label className="field-inline">
        <span>Punctuality</span>
        <select
          className="input"
          value={f.punctuality ?? ''}
          onChange={(e) =>
            f.update({ punctuality: (e.target.value || null) as OrderPunctualityFilter | null })
          }
          data-testid="orders-punctuality"
        >
          <option value="">any</option>
          {Object.entries(PUNCTUALITY_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="field-inline">
        <span>Exception</span>
        <select
          className="input"
          value={flagValue(f.openException)}
          onChange={(e) => f.update({ openException: flagOf(e.target.value) })}
          data-testid="orders-exception"
        >
          <option value="">any</option>
          <option value="true">open exception</option>
          <option value="false">none</option>
        </select>
      </label>
      <label className="field-inline">
        <span>In full</span>
        <select
          className="input"
          value={flagValue(f.inFull)}
          onChange={(e) => f.update({ inFull: flagOf(e.target.value) })}
          data-testid="orders-in-full"
        >
          <option value="">any</option>
          <option value="true">in full</option>
          <option value="false">short</option>
        </select>
      </label>
      <label className="field-inline">
        <span>Traffic</span>
        <select
          className="input"
          value={f.traffic}
          onChange={(e) => f.update({ traffic: e.target.value as TrafficFilter })}
          data-testid="orders-traffic"
        >
          {Object.entries(TRAFFIC_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <IdFilter key={`w${f.resets}`} label="Warehouse" field="warehouse" />
      <IdFilter key={`c${f.resets}`} label="Customer" field="customer" />
      <DatesPicker />
      <button type="button" className="btn btn--small btn--ghost" onClick={f.reset}>
        Clear
      </button>
      <span className="toolbar__spacer" />
      <ExportButton />
      <span className="total" data-testid="orders-total" data-total={searchInvalid ? '' : (total ?? '')}>
        {searchInvalid
          ? 'filter not applied'
          : total === null
            ? EMPTY
            : capped
              ? `${formatCount(total)}+ orders`
              : `${formatCount(total)} order${total === 1 ? '' : 's'}`}
      </span>
    </div>
  );
}

function HeaderRow(): ReactNode {
  const sort = useOrdersFilter((s) => s.sort);
  const order = useOrdersFilter((s) => s.order);
  const sortBy = useOrdersFilter((s) => s.sortBy);
  return (
    <div className="otable__head" role="row">
      {COLUMNS.map((c) => {
        const active = c.sort !== undefined && c.sort === sort;
        return (
          <div
            key={c.label}
            role="columnheader"
            className={`otable__cell ${c.className ?? ''}`}
            aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}
          >
            {c.sort ? (
              <button
                type="button"
                className={`sort${active ? ' sort--active' : ''}`}
                onClick={() => c.sort && sortBy(c.sort)}
                data-testid={`sort-${c.sort}`}
                // A narrow column's heading may end in an ellipsis: the whole of it on hover.
                title={`Sort by ${c.label.toLowerCase()}`}
              >
                {c.label}
                <span className="sort__arrow" aria-hidden="true">
                  {active ? (order === 'asc' ? '▲' : '▼') : '↕'}
                </span>
              </button>
            ) : (
              c.label
            )}
          </div>
        );
      })}
    </div>
  );
}

/** How far beyond the rows on screen windows are fetched ahead (rows). */
const PREFETCH_ROWS = ORDER_WINDOW_ROWS / 2;

/** Rows of the table (0-based, inclusive) whose windows are fetched. */
interface RowSpan {
  first: number;
  last: number;
}

/** The rows a table position needs, widened to whole windows (so scrolling within one fetches nothing new). */
function spanOf(first: number, last: number): RowSpan {
  const from = Math.max(0, first - PREFETCH_ROWS);
  const to = last + PREFETCH_ROWS;
  return {
    first: Math.floor(from / ORDER_WINDOW_ROWS) * ORDER_WINDOW_ROWS,
    last: (Math.floor(to / ORDER_WINDOW_ROWS) + 1) * ORDER_WINDOW_ROWS - 1,
  };
}

/** A row whose window is still loading: the same height, marked busy. */
function PendingRow({ index }: { index: number }): ReactNode {
  return (
    <div
      role="row"
      className="otable__row otable__row--pending"
      aria-rowindex={index + 1}
      aria-busy="true"
      data-testid="order-row-pending"
    >
      <span role="cell" className="otable__cell otable__cell--pin">
        <span className="skeleton" />
      </span>
      <span role="cell" className="otable__cell otable__cell--wide">
        <span className="skeleton skeleton--wide" />
      </span>
    </div>
  );
}

interface OrderRowProps {
  o: OrderRow;
  index: number;
  selected: boolean;
  /** Name the zone in each time cell (the rows on screen are in different site zones). */
  named: boolean;
  /** The configured site time zone (a row without a site zone is shown in it). */
  configuredZone: string;
  onSelect(orderId: string, index: number): void;
}

/**
 * One order row. Memoized: while the table scrolls, a row that stays on screen keeps its props
 * (same cached order, same index), so only the rows coming into view render.
 */
const OrderRowView = memo(function OrderRowView({
  o,
  index,
  selected,
  named,
  configuredZone,
  onSelect,
}: OrderRowProps) {
  // A time fits its column unless it names its zone.
  const timeCell = named ? 'otable__cell' : 'otable__cell otable__cell--fits';
  return (
    <a
      href={hrefs.order(o.orderId)}
      role="row"
      className={`otable__row${o.isDrill ? ' otable__row--drill' : ''}${selected ? ' otable__row--selected' : ''}`}
      data-testid="order-row"
      data-order-id={o.orderId}
      aria-rowindex={index + 1}
      aria-selected={selected}
      // Remember the opened order and its position in the view, so Back shows where the operator was.
      onClick={() => onSelect(o.orderId, index)}
    >
      <span role="cell" className="otable__cell otable__cell--id otable__cell--pin otable__cell--fits">
        <Mono>{o.orderId}</Mono>
        {o.isDrill && <DrillBadge drillId={o.drillId} />}
      </span>
      <span role="cell" className="otable__cell otable__cell--fits">
        <StatusChip status={o.status} kind="order" />
      </span>
      <span role="cell" className="otable__cell mono" title={o.customerId ?? undefined}>
        {o.customerId ?? EMPTY}
      </span>
      <span role="cell" className="otable__cell mono" title={o.warehouseId ?? undefined}>
        {o.warehouseId ?? EMPTY}
      </span>
      <ZonedInstant
        cell={timeCell}
        value={o.createdAt}
        zone={o.siteTimeZone}
        named={named}
        configuredZone={configuredZone}
      />
      <span role="cell" className="otable__cell otable__cell--fits num">
        {o.promisedDate ?? EMPTY}
        <PunctualityFlag value={o.punctuality} compact />
      </span>
      <ZonedInstant
        cell={timeCell}
        value={o.deliveredAt}
        zone={o.siteTimeZone}
        named={named}
        configuredZone={configuredZone}
      />
      <ZonedInstant
        cell={timeCell}
        value={o.lastEventTime}
        zone={o.siteTimeZone}
        named={named}
        configuredZone={configuredZone}
      />
      <span role="cell" className="otable__cell otable__cell--num otable__cell--fits num">
        {formatCount(o.eventCount)}
      </span>
    </a>
  );
});

/**
 * The rows of every order of `filterQuery`, fetched in windows around the span the table shows,
 * and the table ({@link VirtualTable}). The windows are asked for here, so a scrolled frame (which
 * re-renders the table) does not run the window queries again: they change when the span crosses
 * a window.
 */
function OrdersTable({
  filterQuery,
  filterKey,
  searchIssue,
}: {
  filterQuery: OrdersFilterQuery;
  filterKey: string;
  searchIssue: DisplayIssue | null;
}): ReactNode {
  const [span, setSpan] = useState(() => spanOf(0, 0));
  const rows = useOrderWindows(filterQuery, span.first, span.last);
  const configuredZone = useSiteTimeZone();
  return (
    <>
      {rows.windowError && !rows.head.error && !searchIssue && (
        <ErrorNotice
          error={rows.windowError}
          onRetry={() => void rows.retryWindows()}
          title="Some rows could not be loaded"
        />
      )}
      <VirtualTable
        rows={rows}
        filterKey={filterKey}
        searchIssue={searchIssue}
        configuredZone={configuredZone}
        onSpan={setSpan}
      />
    </>
  );
}

/**
 * The virtualized table and the position line under it: re-rendered on every scrolled frame
 * (the virtualizer's offset), which renders only the rows coming into view (the others are
 * memoized) and the position line.
 */
function VirtualTable({
  rows,
  filterKey,
  searchIssue,
  configuredZone,
  onSpan,
}: {
  rows: OrderWindows;
  filterKey: string;
  searchIssue: DisplayIssue | null;
  /** The configured site time zone (rows without a site zone are shown in it). */
  configuredZone: string;
  /** Called with the rows the table needs (whole windows) whenever that span changes. */
  onSpan(update: (span: RowSpan) => RowSpan): void;
}): ReactNode {
  const selected = useOrdersFilter((s) => s.selected);
  const selectedRow = useOrdersFilter((s) => s.row);
  const scrollRef = useRef<HTMLDivElement>(null);
  const { rowCount: total, open, head } = rows;
  const count = searchIssue ? 0 : (total ?? 0);

  // TanStack Virtual returns non-memoizable functions; the React Compiler skips this component (fine).
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // The sticky header sits above the rows inside the same scroll box.
    scrollMargin: ROW_HEIGHT,
    // Render the rows of a new offset in React's next task, not synchronously inside the scroll
    // event, so the frame is not held up by it; the overscan covers the rows one frame brings.
    useFlushSync: false,
    onChange: (v) => {
      const items = v.getVirtualItems();
      const next = spanOf(items[0]?.index ?? 0, items[items.length - 1]?.index ?? 0);
      onSpan((s) => (s.first === next.first && s.last === next.last ? s : next));
    },
  });

  // The order id column is pinned (sticky, styles.css) only while the table is scrolled sideways.
  useEffect(() => {
    const box = scrollRef.current;
    if (!box) return;
    const mark = (): void => {
      const sideways = box.scrollLeft > 0;
      if (sideways !== box.hasAttribute('data-scrolled-x')) box.toggleAttribute('data-scrolled-x', sideways);
    };
    mark();
    box.addEventListener('scroll', mark, { passive: true });
    return () => box.removeEventListener('scroll', mark);
  }, []);

  // A new filter or sort starts at the top (not on mount: a reopened view keeps its row).
  const shownFilter = useRef(filterKey);
  useEffect(() => {
    if (shownFilter.current === filterKey) return;
    shownFilter.current = filterKey;
    scrollRef.current?.scrollTo({ top: 0 });
  }, [filterKey]);
  // A view opened with a selected row (Back, a bookmark, a reload) scrolls to it, once.
  const restored = useRef<string | null>(null);
  const rowKey = selected && selectedRow !== null ? `${selected}@${selectedRow}` : null;
  useEffect(() => {
    if (rowKey === null || rowKey === restored.current || total === null || selectedRow === null) return;
    restored.current = rowKey;
    if (selectedRow < total) virtualizer.scrollToIndex(selectedRow, { align: 'center' });
  }, [rowKey, total, selectedRow, virtualizer]);
  const select = useCallback((orderId: string, index: number) => {
    restored.current = `${orderId}@${index}`; // the row is on screen already: no scroll
    useOrdersFilter.getState().update({ selected: orderId, row: index });
  }, []);

  const items = virtualizer.getVirtualItems();
  // One zone for the rows on screen is named under the table; several name it in each cell.
  const zone = sharedZone(
    items.flatMap((row) => {
      const o = rows.rowAt(row.index);
      return o ? [o.siteTimeZone] : [];
    }),
    configuredZone,
  );
  const named = zone === null;
  // The rows' offsets count the sticky header above them (scrollMargin); the body starts below it.
  const firstStart = (items[0]?.start ?? ROW_HEIGHT) - ROW_HEIGHT;
  const shownFirst = firstShownRow(virtualizer.scrollOffset, count);
  return (
    <>
      <div
        className="otable"
        role="table"
        aria-label="Orders"
        aria-rowcount={count}
        aria-busy={rows.fetching}
        data-testid="orders-table"
        data-loading={rows.fetching}
        data-filter={searchIssue ? 'not-applied' : 'applied'}
        // The filter asked for, and whether its rows are on screen (or still the previous filter's).
        data-view={filterKey}
        data-shown={head.isPlaceholderData ? 'previous' : 'current'}
      >
        <div className="otable__scroll" ref={scrollRef} data-testid="orders-scroll">
          <HeaderRow />
          {searchIssue && (
            <Empty>
              <span data-testid="orders-filter-not-applied">
                No results shown: the Order ID search is not a valid id, so it was not applied. Fix it or
                clear it to see orders.
              </span>
            </Empty>
          )}
          {!searchIssue && !head.data && !head.error && <Loading label="Loading orders…" />}
          {!searchIssue && head.data && total === 0 && <Empty>No orders match these filters.</Empty>}
          <div className="otable__body" style={{ height: virtualizer.getTotalSize() }}>
            {/* The rows on screen stand in flow inside one box moved to the first one's offset: a
                scrolled frame moves that box and adds or drops rows at its ends, instead of
                positioning every row on its own (a transform per row costs paint and layerizing). */}
            <div className="otable__rows" style={{ transform: `translateY(${firstStart}px)` }}>
              {items.map((row) => {
                const o = rows.rowAt(row.index);
                return o ? (
                  <OrderRowView
                    key={o.orderId}
                    o={o}
                    index={row.index}
                    selected={o.orderId === selected}
                    named={named}
                    configuredZone={configuredZone}
                    onSelect={select}
                  />
                ) : (
                  <PendingRow key={`pending-${row.index}`} index={row.index} />
                );
              })}
            </div>
          </div>
        </div>
      </div>
      {total !== null && total > 0 && !searchIssue && (
        <div className="pager pager--position" data-testid="orders-position" role="status">
          <span className="muted num">
            Row {formatCount(Math.min(total, shownFirst + 1))} of {formatCount(total)}
            {open ? '+' : ''}
          </span>
          <ZoneNote zone={zone} />
          <span className="toolbar__spacer" />
          <span className="muted small">Scroll for more: every matching order is in the table.</span>
        </div>
      )}
    </>
  );
}

/**
 * The row the footer names ("Row N of M", 0-based here): the first row at least half on screen
 * under the sticky header. The scroll offset (px from the top of the rows) can stop a pixel short
 * of a row boundary (a Back that centers the opened row does); flooring it named the row of which
 * only that pixel showed (QA: the footer misstated the row after Back).
 * @param scrollOffset the scroll box's offset in px (the virtualizer's; null before it measured)
 * @param count rows in the table
 */
export function firstShownRow(scrollOffset: number | null | undefined, count: number): number {
  const row = Math.round(Math.max(0, scrollOffset ?? 0) / ROW_HEIGHT);
  return Math.max(0, Math.min(row, count - 1));
}

/**
 * The orders list screen; `search` is the view's query string from the URL hash. The table holds
 * every matching order (scrolled through, not paged): rows are fetched in windows as they come
 * on screen (query/orderWindows.ts) and rendered by the virtualizer, so 100,000 rows scroll as
 * smoothly as 100.
 */
export function OrdersList({ search = '' }: { search?: string }): ReactNode {
  useViewInUrl(search, ORDERS_VIEW_IN_URL);
  const filter = useOrdersFilter();
  const filterQuery = toOrdersFilterQuery(filter);
  const filterKey = JSON.stringify(filterQuery);
  // An invalid search is never sent: show that instead of rows that would look like its result.
  const searchCheck = checkOrderSearch(filter.qDraft);
  const searchIssue = searchCheck.ok ? null : searchCheck.issue;
  // Window 0 only (the table asks for the others): the total and the list's error.
  const windows = useOrderWindows(filterQuery, 0, 0);
  const error = windows.head.error;
  return (
    <div className="screen screen--fill" data-testid="orders">
      <Filters total={windows.total} capped={windows.capped} searchInvalid={searchIssue !== null} />
      {searchIssue && <SearchError issue={searchIssue} />}
      {error && !searchIssue && (
        <ErrorNotice
          error={error}
          onRetry={() => void windows.head.refetch()}
          title="Orders could not be loaded"
        />
      )}
      <OrdersTable filterQuery={filterQuery} filterKey={filterKey} searchIssue={searchIssue} />
    </div>
  );
}
