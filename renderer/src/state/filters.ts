/**
 * View filters that survive navigation within a session: the dashboard's KPI range and drill
 * toggle, and the orders list view (which the URL hash also carries, so a view can be bookmarked:
 * {@link ordersFilterFromSearch} / {@link ordersFilterSearch}). Days are site-time calendar days `YYYY-MM-DD`.
 */
import { create } from 'zustand';
import {
  ORDER_PUNCTUALITY_FILTERS,
  ORDER_SORTS,
  type OrderListQuery,
  type OrderPunctualityFilter,
} from '../../../contracts/api';
import { entityIdSchema, toFieldIssues } from '../../../contracts/events';
import type { OrderFilter } from '../../../contracts/kpi-drilldown';
import { ORDER_STATUSES, type OrderStatus } from '../../../contracts/order-status';
import type { OrdersQuery } from '../query/keys';
import { toDisplayIssue, type DisplayIssue } from '../lib/issueWording';

interface KpiFilterState {
  /** Explicit range; null = the data's main span (KpiSummary.mainFrom/mainTo). */
  from: string | null;
  to: string | null;
  includeDrills: boolean;
  /** Warehouse (site) the KPIs are limited to; null = every site. */
  site: string | null;
  setRange(from: string | null, to: string | null): void;
  setIncludeDrills(include: boolean): void;
  setSite(site: string | null): void;
  /** Replaces the whole view (a URL opened). */
  load(view: KpiView): void;
}

/** The dashboard's view as the URL carries it. */
export type KpiView = Pick<KpiFilterState, 'from' | 'to' | 'includeDrills' | 'site'>;

/** The dashboard's default view: the data's main span, every site, real traffic. */
export const KPI_DEFAULT: KpiView = { from: null, to: null, includeDrills: false, site: null };

/**
 * The dashboard view from a hash query (`from`, `to` site days, `site`, `drills=true`); values
 * that do not parse keep their default, so an edited link still opens. Inverse of {@link kpiViewSearch}.
 */
export function kpiViewFromSearch(search: string): KpiView {
  const q = new URLSearchParams(search);
  const day = (k: string) => {
    const v = q.get(k) ?? '';
    return DAY.test(v) ? v : null;
  };
  const site = q.get('site') ?? '';
  return {
    from: day('from'),
    to: day('to'),
    includeDrills: q.get('drills') === 'true',
    site: entityIdSchema.safeParse(site).success ? site : null,
  };
}

/** The hash query of a dashboard view (empty for the default view). */
export function kpiViewSearch(v: KpiView): string {
  const p = new URLSearchParams();
  if (v.from) p.set('from', v.from);
  if (v.to) p.set('to', v.to);
  if (v.site) p.set('site', v.site);
  if (v.includeDrills) p.set('drills', 'true');
  return p.toString();
}

/** Dashboard filters (drill traffic excluded by default, as the KPI definitions require). */
export const useKpiFilter = create<KpiFilterState>()((set) => ({
  from: null,
  to: null,
  includeDrills: false,
  site: null,
  setRange: (from, to) => set({ from, to }),
  setIncludeDrills: (includeDrills) => set({ includeDrills }),
  setSite: (site) => set({ site }),
  load: (view) => set(view),
}));

/** Sortable columns of the orders list (server-side). */
export type OrderSort = OrderListQuery['sort'];

/**
 * Drill traffic in the supervisor's lists: real traffic only (`live`, the default, as the
 * dashboard's KPIs count), all, or drill traffic only. A drill's orders stay out of the worklists
 * until someone asks for them, so a rehearsal never reads as real work.
 */
export type TrafficFilter = 'all' | 'live' | 'drill';

/** The orders list view as the screen holds it (and the URL hash carries it). */
export interface OrdersFilter {
  status: OrderStatus[];
  /** Created day range. */
  from: string | null;
  to: string | null;
  promisedFrom: string | null;
  promisedTo: string | null;
  shippedFrom: string | null;
  shippedTo: string | null;
  deliveredFrom: string | null;
  deliveredTo: string | null;
  punctuality: OrderPunctualityFilter | null;
  inFull: boolean | null;
  openException: boolean | null;
  warehouse: string;
  customer: string;
  q: string;
  sort: OrderSort;
  order: 'asc' | 'desc';
  traffic: TrafficFilter;
  /** The order last opened from the list (highlighted when the list is shown again). */
  selected: string | null;
  /**
   * 0-based position of `selected` in the list when it was opened: a reopened view (Back, a
   * bookmark) scrolls there, however deep in the 100,000 rows it is. null = the top.
   */
  row: number | null;
}

interface OrdersFilterState extends OrdersFilter {
  /**
   * What the search box holds. It becomes `q` (after a short pause) only when it is a valid id;
   * while it is not, the list says the filter was not applied (see {@link checkOrderSearch}).
   */
  qDraft: string;
  /** Sets the search box text (does not change the page). */
  setDraft(text: string): void;
  /** Changes filters; any change other than `selected`/`row` forgets the selection (the list starts at the top). */
  update(patch: Partial<OrdersFilter>): void;
  /** Clicking a column header: same column flips the direction, another column sorts descending. */
  sortBy(column: OrderSort): void;
  /** Back to defaults; bumps `resets` so inputs with local state (the search box) clear too. */
  reset(): void;
  /** Replaces the whole view (from the URL); the search box shows its `q`. */
  load(view: OrdersFilter): void;
  resets: number;
}

export const ORDERS_DEFAULT: OrdersFilter = {
  status: [],
  from: null,
  to: null,
  promisedFrom: null,
  promisedTo: null,
  shippedFrom: null,
  shippedTo: null,
  deliveredFrom: null,
  deliveredTo: null,
  punctuality: null,
  inFull: null,
  openException: null,
  warehouse: '',
  customer: '',
  q: '',
  sort: 'createdAt',
  order: 'desc',
  traffic: 'live',
  selected: null,
  row: null,
};

/** Orders list filters. */
export const useOrdersFilter = create<OrdersFilterState>()((set) => ({
  ...ORDERS_DEFAULT,
  qDraft: '',
  setDraft: (qDraft) => set({ qDraft }),
  update: (patch) =>
    set(() => {
      const keepsPosition = Object.keys(patch).every((k) => k === 'selected' || k === 'row');
      return keepsPosition ? patch : { selected: null, row: null, ...patch };
    }),
  sortBy: (column) =>
    set((s) => ({
      sort: column,
      order: s.sort === column && s.order === 'desc' ? 'asc' : 'desc',
      selected: null,
      row: null,
    })),
  resets: 0,
  reset: () => set((s) => ({ ...ORDERS_DEFAULT, qDraft: '', resets: s.resets + 1 })),
  load: (view) => set((s) => ({ ...view, qDraft: view.q, resets: s.resets + 1 })),
}));

/** The orders filter and sort as the API takes them (no paging): the table's windows and the export. */
export type OrdersFilterQuery = Omit<OrdersQuery, 'page' | 'pageSize' | 'after'>;

/** The API filter of a view (empty values left out, the search trimmed): the list's and the export's. */
export function toOrdersFilterQuery(f: OrdersFilter): OrdersFilterQuery {
  const query: OrdersFilterQuery = {
    sort: f.sort,
    order: f.order,
    includeDrills: f.traffic !== 'live',
  };
  if (f.traffic === 'drill') query.drillsOnly = true;
  if (f.status.length > 0) query.status = f.status;
  for (const key of DAY_KEYS) {
    const day = f[key];
    if (day) query[key] = day;
  }
  if (f.punctuality) query.punctuality = f.punctuality;
  if (f.inFull !== null) query.inFull = f.inFull;
  if (f.openException !== null) query.openException = f.openException;
  const warehouse = f.warehouse.trim();
  if (warehouse) query.warehouse = warehouse;
  const customer = f.customer.trim();
  if (customer) query.customer = customer;
  const q = f.q.trim();
  if (q) query.q = q;
  return query;
}

const DAY_KEYS = [
  'from',
  'to',
  'promisedFrom',
  'promisedTo',
  'shippedFrom',
  'shippedTo',
  'deliveredFrom',
  'deliveredTo',
] as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The view a URL query string describes (`status=approved,picked&punctuality=late&page=2`, the
 * API's parameter names plus `traffic`, `selected` and its `row`; an old `page`/`pageSize` is
 * ignored: the table scrolls through every row). Lenient: a value that does not parse
 * keeps its default, so an old or hand-edited bookmark still opens.
 */
export function ordersFilterFromSearch(search: string): OrdersFilter {
  const p = new URLSearchParams(search);
  const f: OrdersFilter = { ...ORDERS_DEFAULT, status: [] };
  const text = (key: string) => p.get(key)?.trim() ?? '';
  const flag = (key: string) => (p.get(key) === 'true' ? true : p.get(key) === 'false' ? false : null);
  f.status = text('status')
    .split(',')
    .filter((s): s is OrderStatus => (ORDER_STATUSES as readonly string[]).includes(s));
  for (const key of DAY_KEYS) f[key] = DAY.test(text(key)) ? text(key) : null;
  const punctuality = text('punctuality');
  f.punctuality = (ORDER_PUNCTUALITY_FILTERS as readonly string[]).includes(punctuality)
    ? (punctuality as OrderPunctualityFilter)
    : null;
  f.inFull = flag('inFull');
  f.openException = flag('openException');
  f.warehouse = text('warehouse');
  f.customer = text('customer');
  f.q = text('q');
  const sort = text('sort');
  if ((ORDER_SORTS as readonly string[]).includes(sort)) f.sort = sort as OrderSort;
  if (text('order') === 'asc' || text('order') === 'desc') f.order = text('order') as 'asc' | 'desc';
  const traffic = text('traffic');
  if (traffic === 'all' || traffic === 'live' || traffic === 'drill') f.traffic = traffic;
  f.selected = text('selected') || null;
  const row = Number(text('row'));
  if (f.selected && text('row') !== '' && Number.isInteger(row) && row >= 0 && row <= 10_000_000) f.row = row;
  return f;
}

/**
 * The URL query string of a view: only what differs from the defaults, so `#/orders` is the
 * default view. `explicit` always writes the sort, so the string is never empty (a drill-down
 * link must not fall back to the last view shown).
 */
export function ordersFilterSearch(f: OrdersFilter, explicit = false): string {
  const p = new URLSearchParams();
  if (f.status.length > 0) p.set('status', f.status.join(','));
  for (const key of DAY_KEYS) if (f[key]) p.set(key, f[key]);
  if (f.punctuality) p.set('punctuality', f.punctuality);
  if (f.inFull !== null) p.set('inFull', String(f.inFull));
  if (f.openException !== null) p.set('openException', String(f.openException));
  if (f.warehouse.trim()) p.set('warehouse', f.warehouse.trim());
  if (f.customer.trim()) p.set('customer', f.customer.trim());
  if (f.q.trim()) p.set('q', f.q.trim());
  if (explicit || f.sort !== ORDERS_DEFAULT.sort) p.set('sort', f.sort);
  if (explicit || f.order !== ORDERS_DEFAULT.order) p.set('order', f.order);
  if (explicit || f.traffic !== ORDERS_DEFAULT.traffic) p.set('traffic', f.traffic);
  if (f.selected) p.set('selected', f.selected);
  if (f.selected && f.row !== null) p.set('row', String(f.row));
  return p.toString();
}

/** The orders list view of a KPI drill-down filter (contracts/kpi-drilldown.ts). */
export function ordersFilterOf(filter: OrderFilter): OrdersFilter {
  const f: OrdersFilter = { ...ORDERS_DEFAULT, status: [...(filter.status ?? [])] };
  for (const key of DAY_KEYS) f[key] = filter[key] ?? null;
  f.punctuality = filter.punctuality ?? null;
  f.inFull = filter.inFull ?? null;
  f.openException = filter.openException ?? null;
  f.warehouse = filter.warehouse ?? '';
  f.customer = filter.customer ?? '';
  f.q = filter.q ?? '';
  f.traffic = filter.drillsOnly ? 'drill' : filter.includeDrills === false ? 'live' : 'all';
  return f;
}

/** Outcome of checking the Order ID search text: the id to filter by, or the rule it breaks. */
export type OrderSearchCheck = { ok: true; q: string } | { ok: false; issue: DisplayIssue };

/**
 * Checks the search text against the entity-id rule the API applies to `q` (1..128 letters,
 * digits and `._:-`). Blank = no filter. A broken rule comes in operator wording with its code.
 */
export function checkOrderSearch(text: string): OrderSearchCheck {
  const q = text.trim();
  if (q === '') return { ok: true, q };
  const parsed = entityIdSchema.safeParse(q);
  if (parsed.success) return { ok: true, q };
  const [first] = toFieldIssues(parsed.error);
  return {
    ok: false,
    issue: toDisplayIssue({ ...(first ?? { rule: 'invalid', message: 'not a valid id' }), field: 'q' }),
  };
}
