/**
 * The API route table: every route the embedded API serves, with the permission it needs
 * (contracts/auth.ts). The server registers exactly these routes inside its one authenticated
 * `/api` scope and refuses to start when a registered route is missing here (or has another
 * access rule); the security tests send every row with every role. Paths use Fastify's syntax
 * (`:id` is a path parameter) and are relative to nothing: they start with `/api/`.
 *
 * `access` is `public` for the one route that must work before sign-in (the login itself);
 * every other route names the {@link Permission} its caller's role must grant. A route may need
 * a second, finer check on its body (an injection of real traffic needs `inject`, of drill
 * traffic `inject_drill`): `access` is then the weakest permission that can pass at all.
 */
import type { AuditAction } from './audit';
import type { Permission } from './auth';

export type RouteAccess = 'public' | Permission;

export interface ApiRoute {
  method: 'GET' | 'POST';
  path: string;
  access: RouteAccess;
  /** Largest accepted body in bytes (POST only). */
  bodyLimit?: number;
  /** Routes that change state name the audit action each request records (contracts/audit.ts). */
  audit?: AuditAction;
}

/** Body limits (bytes): a 1,000-event batch fits in 2 MiB; one event in 256 KiB. */
export const BODY_LIMITS = { batch: 2 * 1024 * 1024, event: 256 * 1024, small: 16 * 1024 } as const;

/** Every API route, in the order the OpenAPI document lists them. */
export const API_ROUTES = [
  {
    method: 'POST',
    path: '/api/auth/login',
    access: 'public',
    bodyLimit: BODY_LIMITS.small,
    audit: 'auth.login',
  },
  {
    method: 'POST',
    path: '/api/auth/logout',
    access: 'read',
    bodyLimit: BODY_LIMITS.small,
    audit: 'auth.logout',
  },
  { method: 'GET', path: '/api/auth/session', access: 'read' },
  { method: 'GET', path: '/api/openapi.json', access: 'read' },
  {
    method: 'POST',
    path: '/api/events',
    access: 'inject_drill',
    bodyLimit: BODY_LIMITS.event,
    audit: 'events.inject',
  },
  {
    method: 'POST',
    path: '/api/events/batch',
    access: 'inject_drill',
    bodyLimit: BODY_LIMITS.batch,
    audit: 'events.inject',
  },
  { method: 'GET', path: '/api/orders', access: 'read' },
  { method: 'GET', path: '/api/orders/:id', access: 'read' },
  { method: 'GET', path: '/api/shipments/:id', access: 'read' },
  { method: 'GET', path: '/api/lookup/:id', access: 'read' },
  { method: 'GET', path: '/api/kpi/summary', access: 'read' },
  { method: 'GET', path: '/api/kpi/daily', access: 'read' },
  { method: 'GET', path: '/api/dead-letters', access: 'read' },
  {
    method: 'POST',
    path: '/api/dead-letters/redrive',
    access: 'redrive',
    bodyLimit: BODY_LIMITS.event,
    audit: 'dead_letters.redrive',
  },
  { method: 'GET', path: '/api/health', access: 'read' },
  { method: 'GET', path: '/api/drift/last', access: 'read' },
  { method: 'GET', path: '/api/live', access: 'read' },
  { method: 'GET', path: '/api/audit', access: 'read' },
] as const satisfies readonly ApiRoute[];

/** `"METHOD path"` of a route, the key the server and the tests use. */
export type RouteKey = `${(typeof API_ROUTES)[number]['method']} ${(typeof API_ROUTES)[number]['path']}`;

/** `"METHOD path"` of a route. */
export function routeKey(route: Pick<ApiRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** The table row of a route key. @throws Error for a key that is not in the table */
export function apiRoute(key: RouteKey): ApiRoute {
  const route = (API_ROUTES as readonly ApiRoute[]).find((r) => routeKey(r) === key);
  if (!route) throw new Error(`no API route ${key} in contracts/routes.ts`);
  return route;
}
