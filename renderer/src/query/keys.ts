/**
 * The console's query keys: the one place that names server state in the TanStack Query cache.
 * Keys are arrays whose first items are the scope (`['orders', 'detail', id]`), so a prefix
 * (`queryScopes.orderDetails`) matches every query below it when invalidating.
 */
import type { RouteQuery } from '../../../contracts/routes';

/** Orders-list query as the console sets it (all optional; the server applies defaults). */
export type OrdersQuery = RouteQuery<'GET /api/orders'>;
/** KPI range as the console sets it: site-time days `YYYY-MM-DD`, inclusive; drills off by default. */
export type KpiRange = RouteQuery<'GET /api/kpi/summary'>;
/** Dead-letter list query as the console sets it (the server applies defaults). */
export type DeadLettersQuery = RouteQuery<'GET /api/dead-letters'>;
/** Shipments-list query as the console sets it (the server applies defaults). */
export type ShipmentsQuery = RouteQuery<'GET /api/shipments'>;
/** Exceptions-queue query as the console sets it. */
export type ExceptionsQuery = RouteQuery<'GET /api/exceptions'>;
/** Audit-log query as the console sets it (the server applies defaults). */
export type AuditQuery = RouteQuery<'GET /api/audit'>;

/** Prefixes that group queries for invalidation (`invalidateQueries({ queryKey })`). */
export const queryScopes = {
  health: ['health'],
  kpi: ['kpi'],
  orders: ['orders'],
  orderLists: ['orders', 'list'],
  orderDetails: ['orders', 'detail'],
  shipmentDetails: ['shipments', 'detail'],
  /** The shipments list and the exceptions queue: refetched on any shipment change. */
  shipmentLists: ['shipments', 'list'],
  deadLetters: ['dead-letters'],
  deadLetterLists: ['dead-letters', 'list'],
  audit: ['audit'],
  drift: ['drift'],
  /** Drill scenarios, runs, reports and purge previews (polled while a run is active). */
  drills: ['drills'],
  startup: ['startup'],
  settings: ['settings'],
  outbox: ['outbox'],
} as const;

/** Key of every query the console runs. */
export const queryKeys = {
  /** `GET /api/health` (polled). */
  health: () => [...queryScopes.health] as const,
  /** `GET /api/kpi/summary` for a range. */
  kpiSummary: (range: KpiRange) => [...queryScopes.kpi, 'summary', range] as const,
  /** `GET /api/kpi/daily` for a range. */
  kpiDaily: (range: KpiRange) => [...queryScopes.kpi, 'daily', range] as const,
  /** `GET /api/orders` for a filter/sort/page. */
  orderList: (query: OrdersQuery) => [...queryScopes.orderLists, query] as const,
  /** `GET /api/orders/:orderId`. */
  order: (orderId: string) => [...queryScopes.orderDetails, orderId] as const,
  /** `GET /api/shipments/:shipmentId`. */
  shipment: (shipmentId: string) => [...queryScopes.shipmentDetails, shipmentId] as const,
  /** `GET /api/shipments` for a filter/sort/page. */
  shipmentList: (query: ShipmentsQuery) => [...queryScopes.shipmentLists, 'shipments', query] as const,
  /** `GET /api/exceptions` for a page. */
  exceptionQueue: (query: ExceptionsQuery) => [...queryScopes.shipmentLists, 'exceptions', query] as const,
  /** `GET /api/dead-letters` for a filter/page. */
  deadLetterList: (query: DeadLettersQuery) => [...queryScopes.deadLetterLists, query] as const,
  /** How many dead letters are open (the nav badge; polled). */
  deadLetterOpenCount: () => [...queryScopes.deadLetters, 'open-count'] as const,
  /** `GET /api/audit` for a filter/page. */
  audit: (query: AuditQuery) => [...queryScopes.audit, 'list', query] as const,
  /** `GET /api/drills/scenarios`. */
  drillScenarios: () => [...queryScopes.drills, 'scenarios'] as const,
  /** `GET /api/drills/runs` for a state filter. */
  drillRuns: (state: string) => [...queryScopes.drills, 'runs', state] as const,
  /** `GET /api/drills/runs/:id`. */
  drillRun: (id: string) => [...queryScopes.drills, 'run', id] as const,
  /** `GET /api/drills/runs/:id/report`. */
  drillReport: (id: string) => [...queryScopes.drills, 'report', id] as const,
  /** `GET /api/drills/:drillId/purge` (what a purge would remove). */
  drillPurgePreview: (drillId: string) => [...queryScopes.drills, 'purge', drillId] as const,
  /** `GET /api/drift/last`. */
  lastDrift: () => [...queryScopes.drift, 'last'] as const,
  /** `GET /api/startup/detail` (polled by the connection gate). */
  startup: () => [...queryScopes.startup, 'detail'] as const,
  /** `GET /api/settings`. */
  settings: () => [...queryScopes.settings] as const,
  /** `GET /api/outbox` (polled: faster while injections are queued). */
  outbox: () => [...queryScopes.outbox] as const,
};
