/**
 * A tiny hash router: the console's screens are addressed by `location.hash` so it works from
 * `file://` (desktop) and from any path (headless) without server routing.
 *
 * | hash                         | route                                    |
 * |------------------------------|------------------------------------------|
 * | `#/` (or empty)              | dashboard                                |
 * | `#/orders?status=..&sort=..` | orders list (the view's filters, sort, page and selection) |
 * | `#/orders/<orderId>`         | order detail                             |
 * | `#/shipments?status=..&..`   | shipments list (filters, sort, page)     |
 * | `#/exceptions?page=..`       | exceptions queue                         |
 * | `#/shipments/<shipmentId>`   | shipment timeline                        |
 * | `#/inject?type=..&subject=..`| inject form (optional prefill)           |
 * | `#/outbox`                   | queued injections (offline outbox)       |
 * | `#/dead-letters`             | dead letters (review and re-drive)       |
 * | `#/pipeline`                 | pipeline (services, workers, lag, drift) |
 * | `#/drills`                   | drills: scenario library, preview, run with progress, runs |
 * | `#/drills/runs/<runId>`      | drill report of one run (printable, HTML download, purge) |
 * | `#/audit?operator=..&drillId=..` | audit log (filters: operator, action, drill id, outcome, from, to, page) |
 * | `#/settings`                 | settings (stack, time zone, display; test connection) |
 *
 * `#token=...` is the browser console's login hand-over; the API client strips it before the
 * router runs, and the router maps it to the dashboard so a token can never become a route id.
 * Pure functions (no DOM); the React hook lives in useRoute.ts.
 */

/** A parsed route. Ids are decoded (`%2F` -> `/`). */
export type Route =
  | { name: 'dashboard'; search?: string }
  | { name: 'orders'; search: string }
  | { name: 'order'; orderId: string }
  | { name: 'shipments'; filters: ShipmentFilters }
  | { name: 'exceptions'; page: number; traffic?: 'all' }
  | { name: 'shipment'; shipmentId: string }
  | { name: 'inject'; type: string | null; subject: string | null }
  | { name: 'outbox' }
  | { name: 'dead-letters' }
  | { name: 'pipeline' }
  | { name: 'audit'; search: string }
  | { name: 'drills' }
  | { name: 'drill-run'; runId: string }
  | { name: 'settings' }
  | { name: 'not-found'; path: string };

/**
 * The shipments list's filters as kept in the hash (`#/shipments?status=exception&late=true`), so a
 * view can be bookmarked and shared. Absent = not filtered; values are not validated here (the
 * API refuses a bad one and the screen shows its message).
 */
export interface ShipmentFilters {
  status?: string;
  carrier?: string;
  /** The site: shipments of this warehouse's orders. */
  warehouse?: string;
  exception?: boolean;
  late?: boolean;
  etaSlipping?: boolean;
  /** Absent: real traffic only (the default, state/filters.ts `TrafficFilter`); `all`; `drill`: drill traffic only. */
  traffic?: 'all' | 'drill';
  q?: string;
  sort?: string;
  order?: 'asc' | 'desc';
  page?: number;
}

const FLAG_KEYS = ['exception', 'late', 'etaSlipping'] as const;
const TEXT_KEYS = ['status', 'carrier', 'warehouse', 'q', 'sort'] as const;

/** Reads {@link ShipmentFilters} from a hash query. Unknown keys and malformed values are dropped. */
export function parseShipmentFilters(query: URLSearchParams): ShipmentFilters {
  const f: ShipmentFilters = {};
  for (const k of TEXT_KEYS) {
    const v = query.get(k);
    if (v) f[k] = v;
  }
  for (const k of FLAG_KEYS) {
    const v = query.get(k);
    if (v === 'true' || v === 'false') f[k] = v === 'true';
  }
  const traffic = query.get('traffic');
  if (traffic === 'all' || traffic === 'drill') f.traffic = traffic;
  const order = query.get('order');
  if (order === 'asc' || order === 'desc') f.order = order;
  const page = Number(query.get('page'));
  if (Number.isInteger(page) && page > 1) f.page = page;
  return f;
}

/** The hash query of {@link ShipmentFilters} (stable key order; empty when nothing is set). */
export function shipmentFiltersQuery(f: ShipmentFilters): string {
  const params = new URLSearchParams();
  for (const k of [
    'status',
    'carrier',
    'warehouse',
    'exception',
    'late',
    'etaSlipping',
    'traffic',
    'q',
    'sort',
    'order',
    'page',
  ] as const) {
    const v = f[k];
    if (v !== undefined && v !== '' && !(k === 'page' && v === 1)) params.set(k, String(v));
  }
  return params.toString();
}

/** Parses `location.hash` (with or without `#`) into a {@link Route}. Never throws. */
export function parseHash(hash: string): Route {
  let body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (body.startsWith('token=')) return { name: 'dashboard' };
  const q = body.indexOf('?');
  const query = new URLSearchParams(q === -1 ? '' : body.slice(q + 1));
  body = q === -1 ? body : body.slice(0, q);
  const segments = body.split('/').filter((s) => s !== '');
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    return { name: 'not-found', path: body };
  }
  const [head, id, ...rest] = decoded;
  if (head === 'drills' && id === 'runs' && rest.length === 1 && rest[0])
    return { name: 'drill-run', runId: rest[0] };
  if (rest.length > 0) return { name: 'not-found', path: body };
  // `#/dashboard` too: the nav names the page, and people type what they read.
  if (head === undefined || (head === 'dashboard' && id === undefined))
    return query.size > 0 ? { name: 'dashboard', search: query.toString() } : { name: 'dashboard' };
  if (head === 'orders' && id === undefined) return { name: 'orders', search: query.toString() };
  if (head === 'orders' && id) return { name: 'order', orderId: id };
  if (head === 'shipments' && id === undefined)
    return { name: 'shipments', filters: parseShipmentFilters(query) };
  if (head === 'exceptions' && id === undefined) {
    const page = Number(query.get('page'));
    return {
      name: 'exceptions',
      page: Number.isInteger(page) && page > 1 ? page : 1,
      ...(query.get('traffic') === 'all' ? { traffic: 'all' as const } : {}),
    };
  }
  if (head === 'shipments' && id) return { name: 'shipment', shipmentId: id };
  if (head === 'dead-letters' && id === undefined) return { name: 'dead-letters' };
  if (head === 'pipeline' && id === undefined) return { name: 'pipeline' };
  if (head === 'drills' && id === undefined) return { name: 'drills' };
  if (head === 'audit' && id === undefined) return { name: 'audit', search: query.toString() };
  if (head === 'settings' && id === undefined) return { name: 'settings' };
  if (head === 'outbox' && id === undefined) return { name: 'outbox' };
  if (head === 'inject' && id === undefined) {
    return { name: 'inject', type: query.get('type') || null, subject: query.get('subject') || null };
  }
  return { name: 'not-found', path: body };
}

/** The hash (`#/...`) that addresses a route; inverse of {@link parseHash}. */
export function routeHref(route: Route): string {
  switch (route.name) {
    case 'dashboard':
      return route.search ? `#/?${route.search}` : '#/';
    case 'orders':
      return route.search ? `#/orders?${route.search}` : '#/orders';
    case 'order':
      return `#/orders/${encodeURIComponent(route.orderId)}`;
    case 'shipments': {
      const qs = shipmentFiltersQuery(route.filters);
      return qs ? `#/shipments?${qs}` : '#/shipments';
    }
    case 'exceptions': {
      const params = new URLSearchParams();
      if (route.page > 1) params.set('page', String(route.page));
      if (route.traffic) params.set('traffic', route.traffic);
      const qs = params.toString();
      return qs ? `#/exceptions?${qs}` : '#/exceptions';
    }
    case 'shipment':
      return `#/shipments/${encodeURIComponent(route.shipmentId)}`;
    case 'inject': {
      const params = new URLSearchParams();
      if (route.type) params.set('type', route.type);
      if (route.subject) params.set('subject', route.subject);
      const qs = params.toString();
      return qs ? `#/inject?${qs}` : '#/inject';
    }
    case 'outbox':
      return '#/outbox';
    case 'dead-letters':
      return '#/dead-letters';
    case 'pipeline':
      return '#/pipeline';
    case 'audit':
      return route.search ? `#/audit?${route.search}` : '#/audit';
    case 'drills':
      return '#/drills';
    case 'drill-run':
      return `#/drills/runs/${encodeURIComponent(route.runId)}`;
    case 'settings':
      return '#/settings';
    case 'not-found':
      return `#/${route.path.replace(/^\/+/, '')}`;
  }
}

/** Shorthand links used across screens. */
export const hrefs = {
  dashboard: (search = ''): string =>
    routeHref(search ? { name: 'dashboard', search } : { name: 'dashboard' }),
  orders: (search = ''): string => routeHref({ name: 'orders', search }),
  order: (orderId: string): string => routeHref({ name: 'order', orderId }),
  shipments: (filters: ShipmentFilters = {}): string => routeHref({ name: 'shipments', filters }),
  exceptions: (): string => routeHref({ name: 'exceptions', page: 1 }),
  shipment: (shipmentId: string): string => routeHref({ name: 'shipment', shipmentId }),
  inject: (type?: string, subject?: string): string =>
    routeHref({ name: 'inject', type: type ?? null, subject: subject ?? null }),
  deadLetters: (): string => routeHref({ name: 'dead-letters' }),
  outbox: (): string => routeHref({ name: 'outbox' }),
  pipeline: (): string => routeHref({ name: 'pipeline' }),
  audit: (search = ''): string => routeHref({ name: 'audit', search }),
  drills: (): string => routeHref({ name: 'drills' }),
  drillRun: (runId: string): string => routeHref({ name: 'drill-run', runId }),
  settings: (): string => routeHref({ name: 'settings' }),
};

/** A section of the left navigation. */
export type NavSection =
  | 'dashboard'
  | 'orders'
  | 'shipments'
  | 'exceptions'
  | 'inject'
  | 'drills'
  | 'dead-letters'
  | 'pipeline'
  | 'audit'
  | 'settings';

/** The navigation section a route belongs to (highlights the left nav). */
export function sectionOf(route: Route): NavSection | null {
  switch (route.name) {
    case 'dashboard':
      return 'dashboard';
    case 'orders':
    case 'order':
      return 'orders';
    case 'shipments':
    case 'shipment':
      return 'shipments';
    case 'exceptions':
      return 'exceptions';
    case 'inject':
    case 'outbox':
      return 'inject';
    case 'dead-letters':
      return 'dead-letters';
    case 'pipeline':
      return 'pipeline';
    case 'audit':
      return 'audit';
    case 'drills':
    case 'drill-run':
      return 'drills';
    case 'settings':
      return 'settings';
    case 'not-found':
      return null;
  }
}
