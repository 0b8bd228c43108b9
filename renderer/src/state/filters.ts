/**
 * View filters that survive navigation within a session: the dashboard's KPI range and drill
 * toggle, and the orders list query. Days are site-time calendar days `YYYY-MM-DD`.
 */
import { create } from 'zustand';
import type { OrderListQuery } from '../../../contracts/api';
import { entityIdSchema, toFieldIssues } from '../../../contracts/events';
import type { OrderStatus } from '../../../contracts/order-status';
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
}));

/** Sortable columns of the orders list (server-side). */
export type OrderSort = OrderListQuery['sort'];

/** The orders list query as the screen holds it. */
export interface OrdersFilter {
  status: OrderStatus | null;
  from: string | null;
  to: string | null;
  q: string;
  sort: OrderSort;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
  includeDrills: boolean;
}

interface OrdersFilterState extends OrdersFilter {
  /**
   * What the Order ID search box holds. It becomes `q` (after a short pause) only when it is a
   * valid id; while it is not, the list says the filter was not applied (see {@link checkOrderSearch}).
   */
  qDraft: string;
  /** Sets the search box text (does not change the page). */
  setDraft(text: string): void;
  /** Changes filters; any change other than `page` goes back to page 1. */
  update(patch: Partial<OrdersFilter>): void;
  /** Clicking a column header: same column flips the direction, another column sorts descending. */
  sortBy(column: OrderSort): void;
  /** Back to defaults; bumps `resets` so inputs with local state (the search box) clear too. */
  reset(): void;
  resets: number;
}

const ORDERS_DEFAULT: OrdersFilter = {
  status: null,
  from: null,
  to: null,
  q: '',
  sort: 'createdAt',
  order: 'desc',
  page: 1,
  pageSize: 100,
  includeDrills: true,
};

/** Orders list filters. */
export const useOrdersFilter = create<OrdersFilterState>()((set) => ({
  ...ORDERS_DEFAULT,
  qDraft: '',
  setDraft: (qDraft) => set({ qDraft }),
  update: (patch) =>
    set((s) => ({ ...patch, page: patch.page ?? (Object.keys(patch).length > 0 ? 1 : s.page) })),
  sortBy: (column) =>
    set((s) => ({ sort: column, order: s.sort === column && s.order === 'desc' ? 'asc' : 'desc', page: 1 })),
  resets: 0,
  reset: () => set((s) => ({ ...ORDERS_DEFAULT, qDraft: '', resets: s.resets + 1 })),
}));

/** Turns the screen's filter into the API query (empty values left out, the search trimmed). */
export function toOrdersQuery(f: OrdersFilter): OrdersQuery {
  const query: OrdersQuery = {
    sort: f.sort,
    order: f.order,
    page: f.page,
    pageSize: f.pageSize,
    includeDrills: f.includeDrills,
  };
  if (f.status) query.status = f.status;
  if (f.from) query.from = f.from;
  if (f.to) query.to = f.to;
  const q = f.q.trim();
  if (q) query.q = q;
  return query;
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
