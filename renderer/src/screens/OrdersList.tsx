/**
 * Orders list: server-side filtering (status, created-day range, order id search `q`, drill
 * traffic), sorting by column, paging, and a virtualized table (@tanstack/react-virtual) so
 * pages of up to 500 rows stay smooth; the promised day carries the API's punctuality flag (late,
 * overdue). A row opens the order detail. Refetches on live order changes.
 * An Order ID search that is not a valid id is not sent: an inline message names the rule and the
 * table says the filter was not applied instead of showing the unfiltered list.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type ReactNode } from 'react';
import { ORDER_STATUSES, type OrderStatus } from '../../../contracts/order-status';
import { DrillBadge, Instant, Mono, StatusChip } from '../components/Badges';
import { Empty, ErrorNotice, Loading } from '../components/Notice';
import { PunctualityFlag } from '../components/PunctualityFlag';
import { EMPTY, formatCount, statusLabel } from '../lib/format';
import { issueTooltip, type DisplayIssue } from '../lib/issueWording';
import { useOrderPage } from '../query/screens';
import { hrefs } from '../router/hash';
import { checkOrderSearch, toOrdersQuery, useOrdersFilter, type OrderSort } from '../state/filters';

/** Height of one table row in pixels (kept in sync with `.otable__row` in styles.css). */
export const ROW_HEIGHT = 34;
const PAGE_SIZES = [50, 100, 200, 500];

interface Column {
  label: string;
  sort?: OrderSort;
  className?: string;
}

const COLUMNS: Column[] = [
  { label: 'Order ID' },
  { label: 'Status', sort: 'status' },
  { label: 'Customer' },
  { label: 'Warehouse' },
  { label: 'Created', sort: 'createdAt' },
  { label: 'Promised', sort: 'promisedDate' },
  { label: 'Last event', sort: 'lastEventTime' },
  { label: 'Events', className: 'otable__cell--num' },
];

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
      <span>Order ID</span>
      <input
        className={`input input--mono${check.ok ? '' : ' input--invalid'}`}
        type="search"
        placeholder="search id…"
        value={text}
        onChange={(e) => setDraft(e.target.value)}
        data-testid="orders-search"
        aria-invalid={!check.ok}
        aria-describedby={check.ok ? undefined : SEARCH_ERROR_ID}
        title="Order id (or the start of one): letters, digits and . _ : -"
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
      Order ID search not applied: {issue.message}
    </div>
  );
}

function Filters({ total, searchInvalid }: { total: number | null; searchInvalid: boolean }): ReactNode {
  const f = useOrdersFilter();
  return (
    <div className="toolbar">
      <SearchBox key={f.resets} />
      <label className="field-inline">
        <span>Status</span>
        <select
          className="input"
          value={f.status ?? ''}
          onChange={(e) =>
            f.update({ status: e.target.value === '' ? null : (e.target.value as OrderStatus) })
          }
          data-testid="orders-status"
        >
          <option value="">all</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <label className="field-inline">
        <span>Created from</span>
        <input
          className="input num"
          type="date"
          value={f.from ?? ''}
          onChange={(e) => f.update({ from: e.target.value || null })}
          data-testid="orders-from"
        />
      </label>
      <label className="field-inline">
        <span>to</span>
        <input
          className="input num"
          type="date"
          value={f.to ?? ''}
          onChange={(e) => f.update({ to: e.target.value || null })}
          data-testid="orders-to"
        />
      </label>
      <label className="toggle">
        <input
          type="checkbox"
          checked={f.includeDrills}
          onChange={(e) => f.update({ includeDrills: e.target.checked })}
          data-testid="orders-include-drills"
        />
        <span>Drill traffic</span>
      </label>
      <button type="button" className="btn btn--small btn--ghost" onClick={f.reset}>
        Clear
      </button>
      <span className="toolbar__spacer" />
      <span className="total" data-testid="orders-total" data-total={searchInvalid ? '' : (total ?? '')}>
        {searchInvalid
          ? 'filter not applied'
          : total === null
            ? EMPTY
            : `${formatCount(total)} order${total === 1 ? '' : 's'}`}
      </span>
    </div>
  );
}

function Pagination({ total }: { total: number }): ReactNode {
  const { page, pageSize, update } = useOrdersFilter();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <div className="pager" data-testid="orders-pager">
      <span className="muted num">
        {formatCount(first)}–{formatCount(last)} of {formatCount(total)}
      </span>
      <span className="toolbar__spacer" />
      <label className="field-inline">
        <span>Rows</span>
        <select
          className="input"
          value={pageSize}
          onChange={(e) => update({ pageSize: Number(e.target.value) })}
        >
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <div className="btn-group">
        <button
          type="button"
          className="btn btn--small"
          disabled={page <= 1}
          onClick={() => update({ page: 1 })}
          aria-label="First page"
        >
          «
        </button>
        <button
          type="button"
          className="btn btn--small"
          disabled={page <= 1}
          onClick={() => update({ page: page - 1 })}
          data-testid="orders-prev"
        >
          ‹ Prev
        </button>
        <span className="pager__page num" data-testid="orders-page">
          Page {formatCount(page)} / {formatCount(pages)}
        </span>
        <button
          type="button"
          className="btn btn--small"
          disabled={page >= pages}
          onClick={() => update({ page: page + 1 })}
          data-testid="orders-next"
        >
          Next ›
        </button>
        <button
          type="button"
          className="btn btn--small"
          disabled={page >= pages}
          onClick={() => update({ page: pages })}
          aria-label="Last page"
        >
          »
        </button>
      </div>
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

/** The orders list screen. */
export function OrdersList(): ReactNode {
  const filter = useOrdersFilter();
  const query = toOrdersQuery(filter);
  const page = useOrderPage(query);
  const scrollRef = useRef<HTMLDivElement>(null);
  // An invalid search is never sent: show that instead of rows that would look like its result.
  const search = checkOrderSearch(filter.qDraft);
  const searchIssue = search.ok ? null : search.issue;
  const items = searchIssue ? [] : (page.data?.items ?? []);

  // TanStack Virtual returns non-memoizable functions; the React Compiler skips this component (fine).
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  const pageKey = `${filter.page}:${filter.pageSize}:${filter.sort}:${filter.order}`;
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [pageKey]);

  const total = page.data?.total ?? null;
  return (
    <div className="screen screen--fill" data-testid="orders">
      <Filters total={total} searchInvalid={searchIssue !== null} />
      {searchIssue && <SearchError issue={searchIssue} />}
      {page.error && !searchIssue && (
        <ErrorNotice
          error={page.error}
          onRetry={() => void page.refetch()}
          title="Orders could not be loaded"
        />
      )}
      <div
        className="otable"
        role="table"
        aria-label="Orders"
        aria-rowcount={items.length}
        data-testid="orders-table"
        data-loading={page.isFetching}
        data-filter={searchIssue ? 'not-applied' : 'applied'}
      >
        <HeaderRow />
        <div className="otable__scroll" ref={scrollRef}>
          {searchIssue && (
            <Empty>
              <span data-testid="orders-filter-not-applied">
                No results shown: the Order ID search is not a valid id, so it was not applied. Fix it or
                clear it to see orders.
              </span>
            </Empty>
          )}
          {!searchIssue && !page.data && !page.error && <Loading label="Loading orders…" />}
          {!searchIssue && page.data && items.length === 0 && <Empty>No orders match these filters.</Empty>}
          <div className="otable__body" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((row) => {
              const o = items[row.index];
              if (!o) return null;
              return (
                <a
                  key={o.orderId}
                  href={hrefs.order(o.orderId)}
                  role="row"
                  className={`otable__row${o.isDrill ? ' otable__row--drill' : ''}`}
                  style={{ transform: `translateY(${row.start}px)` }}
                  data-testid="order-row"
                  data-order-id={o.orderId}
                  aria-rowindex={row.index + 1}
                >
                  <span role="cell" className="otable__cell otable__cell--id">
                    <Mono>{o.orderId}</Mono>
                    {o.isDrill && <DrillBadge drillId={o.drillId} />}
                  </span>
                  <span role="cell" className="otable__cell">
                    <StatusChip status={o.status} kind="order" />
                  </span>
                  <span role="cell" className="otable__cell">
                    <Mono>{o.customerId}</Mono>
                  </span>
                  <span role="cell" className="otable__cell">
                    <Mono>{o.warehouseId}</Mono>
                  </span>
                  <span role="cell" className="otable__cell">
                    <Instant value={o.createdAt} seconds={false} />
                  </span>
                  <span role="cell" className="otable__cell num">
                    {o.promisedDate ?? EMPTY}
                    <PunctualityFlag value={o.punctuality} />
                  </span>
                  <span role="cell" className="otable__cell">
                    <Instant value={o.lastEventTime} seconds={false} />
                  </span>
                  <span role="cell" className="otable__cell otable__cell--num num">
                    {formatCount(o.eventCount)}
                  </span>
                </a>
              );
            })}
          </div>
        </div>
      </div>
      {page.data && !searchIssue && <Pagination total={page.data.total} />}
    </div>
  );
}
