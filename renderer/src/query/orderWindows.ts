/**
 * The orders table's rows, fetched in windows as the operator scrolls: the table is as tall as
 * every matching order (100,000 rows and more), and only the windows of
 * {@link ORDER_WINDOW_ROWS} rows that are on screen (plus a margin) are asked for, each one a
 * `GET /api/orders` page cached under its own key (query/keys.ts `orderList`). Window 0 also
 * carries the filter's total and keeps the previous filter's answer on screen while a new filter
 * loads (`keepPreviousData`). Like every list, the windows are kept current by the live stream
 * (all of them sit under `queryScopes.orderLists`) and poll only while it is paused.
 *
 * A window right after a window already in the cache is asked for with the keyset cursor of that
 * window's last row (`after`, server/api/queries.ts), so reading on through a deep list costs the
 * server the same as the first page; a jump (the scroll bar dragged far down) asks by position.
 */
import {
  keepPreviousData,
  useQueries,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import type { OrderPage, OrderRow } from '../../../contracts/api';
import { apiCall } from '../api/http';
import type { OrdersFilterQuery } from '../state/filters';
import { queryKeys, type OrdersQuery } from './keys';
import { useLivePausedInterval } from './livePaused';

/** Rows per window (one request each; the API's page size limit is 500). */
export const ORDER_WINDOW_ROWS = 200;

/** The API query of window `index` (0-based) of a filter. */
export function windowQuery(filter: OrdersFilterQuery, index: number): OrdersQuery {
  return { ...filter, page: index + 1, pageSize: ORDER_WINDOW_ROWS };
}

/**
 * Indexes of the windows that hold rows `first`..`last` (0-based, inclusive), without window 0
 * (always fetched: it carries the total), limited to the `total` rows when it is known.
 */
export function windowsBetween(first: number, last: number, total: number | null): number[] {
  if (last < first || first < 0) return [];
  const end = total === null ? last : Math.min(last, total - 1);
  const out: number[] = [];
  for (let w = Math.max(1, Math.floor(first / ORDER_WINDOW_ROWS)); w * ORDER_WINDOW_ROWS <= end; w++)
    out.push(w);
  return out;
}

/**
 * Fetches window `index`: with the keyset cursor of the previous window's last row when that
 * window is cached and full (reading on), else by position.
 */
async function fetchWindow(
  client: QueryClient,
  filter: OrdersFilterQuery,
  index: number,
  signal: AbortSignal,
): Promise<OrderPage> {
  const query = windowQuery(filter, index);
  if (index > 0) {
    const before = client.getQueryData<OrderPage>(queryKeys.orderList(windowQuery(filter, index - 1)));
    if (before?.nextCursor && before.items.length === ORDER_WINDOW_ROWS)
      return apiCall('GET /api/orders', { query: { ...query, after: before.nextCursor }, signal });
  }
  return apiCall('GET /api/orders', { query, signal });
}

/**
 * Rows the table holds for a filter whose total is `total` (window 0's answer): the total when it
 * is exact. When it is capped (a lower bound, `totalCapped`), the table grows as the operator
 * reads on: past the windows already read in full by `isFull(index)` (cached, a full window with
 * a cursor after it), one more window; a short window ends the list there (its end is exact).
 * @returns the rows and whether that count is still a lower bound
 */
export function tableRows(
  total: number,
  capped: boolean,
  windowRows: (index: number) => number | undefined,
): { rows: number; open: boolean } {
  if (!capped) return { rows: total, open: false };
  let rows = total;
  for (;;) {
    const last = Math.ceil(rows / ORDER_WINDOW_ROWS) - 1;
    const read = last < 0 ? undefined : windowRows(last);
    if (read === undefined) return { rows, open: true };
    const end = last * ORDER_WINDOW_ROWS + read;
    if (read < ORDER_WINDOW_ROWS) return { rows: Math.max(end, total), open: false };
    rows = end + ORDER_WINDOW_ROWS;
  }
}

/** What the orders table renders: the row at a position (undefined while its window loads). */
export interface OrderWindows {
  /** Orders matching the filter (null until window 0 answered); a lower bound when `capped`. */
  total: number | null;
  /** The server counted `total` only up to its cap: more orders match. */
  capped: boolean;
  /**
   * Rows of the table (null until window 0 answered): `total`, or when capped the rows read so far
   * plus one window ({@link tableRows}), so scrolling on reaches every matching order.
   */
  rowCount: number | null;
  /** `rowCount` is a lower bound (capped and the list's end not read yet). */
  open: boolean;
  rowAt(index: number): OrderRow | undefined;
  /** Window 0's query: its error, refetch, and whether it still shows the previous filter. */
  head: ReturnType<typeof useOrderHead>;
  /** Some window is being fetched. */
  fetching: boolean;
  /** A window other than 0 failed (rows stay blank; window 0's error is `head.error`). */
  windowError: Error | null;
  /** Fetches the failed windows again. */
  retryWindows(): Promise<unknown>;
}

function useOrderHead(filter: OrdersFilterQuery, interval: number | false) {
  const client = useQueryClient();
  return useQuery({
    queryKey: queryKeys.orderList(windowQuery(filter, 0)),
    queryFn: ({ signal }) => fetchWindow(client, filter, 0, signal),
    placeholderData: keepPreviousData,
    refetchInterval: interval,
  });
}

/**
 * The rows of `filter` for a table showing rows `first`..`last` (0-based, inclusive; the
 * virtualizer's range with its overscan): window 0 and every window in that range.
 */
export function useOrderWindows(filter: OrdersFilterQuery, first: number, last: number): OrderWindows {
  const client = useQueryClient();
  const interval = useLivePausedInterval();
  const head = useOrderHead(filter, interval);
  const current = head.isPlaceholderData ? undefined : head.data;
  const capped = current?.totalCapped === true;
  // Rows read in a cached window of this filter (undefined: not read, or without a page after it).
  const windowRows = (index: number): number | undefined => {
    const page = client.getQueryData<OrderPage>(queryKeys.orderList(windowQuery(filter, index)));
    if (!page) return undefined;
    return page.items.length < ORDER_WINDOW_ROWS || page.nextCursor ? page.items.length : undefined;
  };
  const extent = current ? tableRows(current.total, capped, windowRows) : null;
  const total = extent?.rows ?? null;
  const wanted = windowsBetween(first, last, total);
  const windows = useQueries({
    queries: wanted.map((index) => ({
      queryKey: queryKeys.orderList(windowQuery(filter, index)),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchWindow(client, filter, index, signal),
      refetchInterval: interval,
      enabled: total !== null,
    })),
  });
  const byIndex = new Map<number, OrderPage | undefined>(wanted.map((w, i) => [w, windows[i]?.data]));
  const failed = windows.find((w) => w.error);
  return {
    total: head.data?.total ?? null,
    capped: head.data?.totalCapped === true,
    rowCount: head.isPlaceholderData ? (head.data?.total ?? null) : total,
    open: extent?.open ?? false,
    rowAt(index) {
      const w = Math.floor(index / ORDER_WINDOW_ROWS);
      const page = w === 0 ? head.data : byIndex.get(w);
      return page?.items[index - w * ORDER_WINDOW_ROWS];
    },
    head,
    fetching: head.isFetching || windows.some((w) => w.isFetching),
    windowError: failed?.error ?? null,
    retryWindows: () => Promise.all(windows.filter((w) => w.error).map((w) => w.refetch())),
  };
}
