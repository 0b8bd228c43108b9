/**
 * The API route table: every route the embedded API serves, in ONE place per route: its method
 * and path, the permission it needs (contracts/auth.ts), its body limit and audit action, and the
 * zod schemas of its path parameters, query string, body and answers (contracts/api.ts).
 *
 * - The server registers exactly these routes inside its one authenticated `/api` scope, takes
 *   each route's validation and response schemas from its row, and refuses to start when a
 *   registered route is missing here (or has another access rule); the security tests send
 *   every row with every role.
 * - `/api/openapi.json` is generated from the same schemas (answers included).
 * - The console's `apiCall('GET /api/orders/:id', ...)` (renderer/src/api/http.ts) takes its
 *   input and result types from the row and checks each answer with the row's schema.
 *
 * Paths use Fastify's syntax (`:id` is a path parameter) and start with `/api/`. `access` is
 * `public` for the routes that must work before sign-in (the login itself, and the start-up
 * summary the connection screen shows: phase and up/down per service, nothing more); every other route
 * names the {@link Permission} its caller's role must grant. A route may need a second, finer
 * check on its body (an injection of real traffic needs `inject`, of drill traffic
 * `inject_drill`): `access` is then the weakest permission that can pass at all.
 *
 * `responses` names the answer schema per HTTP status that is an answer rather than an error:
 * the success statuses, and for a re-drive also 404/422 (nothing re-driven, the per-key outcomes
 * still answered). Every other status carries an `ApiError` body (contracts/api.ts).
 */
import type { z } from 'zod';
import {
  changeNotificationSchema,
  deadLetterListQuerySchema,
  deadLetterPageSchema,
  deadLetterRedriveResultSchema,
  deadLetterRedriveSchema,
  driftReportSchema,
  entityIdParamsSchema,
  entitySummarySchema,
  injectBatchSchema,
  injectEventBodySchema,
  injectResultSchema,
  kpiQuerySchema,
  kpiSeriesQuerySchema,
  kpiSeriesSchema,
  kpiSummarySchema,
  orderDetailSchema,
  orderCsvSchema,
  orderExportQuerySchema,
  orderListQuerySchema,
  orderPageSchema,
  openApiDocumentSchema,
  shipmentDetailSchema,
  signedOutSchema,
  stackHealthSchema,
  injectResultsSchema,
  shipmentListQuerySchema,
  shipmentPageSchema,
  exceptionQueueQuerySchema,
  exceptionQueuePageSchema,
} from './api';
import {
  auditCsvSchema,
  auditExportQuerySchema,
  auditListQuerySchema,
  auditPageSchema,
  type AuditAction,
} from './audit';
import {
  drillActionSchema,
  drillNoteSchema,
  drillPreviewRequestSchema,
  drillPreviewSchema,
  drillReportSchema,
  drillRunListQuerySchema,
  drillRunPageSchema,
  drillRunParamsSchema,
  drillRunSchema,
  drillStartRequestSchema,
  scenarioListSchema,
} from './drills';
import {
  drillPurgeParamsSchema,
  drillPurgePreviewSchema,
  drillPurgeRequestSchema,
  drillPurgeResultSchema,
} from './drill-purge';
import {
  connectionTestResultSchema,
  editableSettingsSchema,
  settingsSavedSchema,
  settingsViewSchema,
} from './settings';
import { startupDetailSchema, startupSummarySchema } from './startup';
import {
  outboxDiscardedSchema,
  outboxDiscardSchema,
  outboxEntryParamsSchema,
  outboxViewSchema,
} from './outbox';
import { loginRequestSchema, loginResultSchema, principalSchema, type Permission } from './auth';

export type RouteAccess = 'public' | Permission;

/** HTTP statuses a route may answer with a body of its own (not an {@link ApiError}). */
export type AnswerStatus = 200 | 202 | 204 | 404 | 409 | 422;

export interface ApiRoute {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  access: RouteAccess;
  /**
   * When a finer check on the body decides (see above), what each kind of request needs, for
   * the refusal message, e.g. `"inject" for live traffic, "inject_drill" for drill traffic`.
   */
  accessDetail?: string;
  /** One line for the OpenAPI document. */
  summary: string;
  /** Largest accepted body in bytes (POST only). */
  bodyLimit?: number;
  /** Routes that change state name the audit action each request records (contracts/audit.ts). */
  audit?: AuditAction;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  responses: Partial<Record<AnswerStatus, z.ZodType>>;
  /**
   * A stream instead of one JSON answer: server-sent events (`responses[200]` is the schema of
   * each event's data) or a CSV download (`responses[200]` describes the text).
   */
  stream?: 'text/event-stream' | 'text/csv';
}

/** Body limits (bytes): a 1,000-event batch fits in 2 MiB; one event in 256 KiB. */
export const BODY_LIMITS = { batch: 2 * 1024 * 1024, event: 256 * 1024, small: 16 * 1024 } as const;

/** Every API route, in the order the OpenAPI document lists them. */
export const API_ROUTES = [
  {
    method: 'POST',
    path: '/api/auth/login',
    access: 'public',
    summary: 'Sign in with an operator username and password; answers a session token',
    bodyLimit: BODY_LIMITS.small,
    audit: 'auth.login',
    body: loginRequestSchema,
    responses: { 200: loginResultSchema },
  },
  {
    method: 'POST',
    path: '/api/auth/logout',
    access: 'read',
    summary: 'End the session of the bearer token (the machine token is only forgotten by the client)',
    bodyLimit: BODY_LIMITS.small,
    audit: 'auth.logout',
    responses: { 204: signedOutSchema },
  },
  {
    method: 'GET',
    path: '/api/auth/session',
    access: 'read',
    summary: 'Who the bearer token belongs to',
    responses: { 200: principalSchema },
  },
  {
    method: 'GET',
    path: '/api/openapi.json',
    access: 'read',
    summary: 'This document',
    responses: { 200: openApiDocumentSchema },
  },
  {
    method: 'POST',
    path: '/api/events',
    access: 'inject_drill',
    accessDetail: '"inject" for live traffic, "inject_drill" for drill traffic',
    summary: 'Publish one CloudEvent (acks=all); answers where Kafka stored it',
    bodyLimit: BODY_LIMITS.event,
    audit: 'events.inject',
    body: injectEventBodySchema,
    responses: { 202: injectResultSchema },
  },
  {
    method: 'POST',
    path: '/api/events/batch',
    access: 'inject_drill',
    accessDetail: '"inject" for live traffic, "inject_drill" for drill traffic',
    summary: 'Publish up to 1,000 CloudEvents, all or none; one result per event, in order',
    bodyLimit: BODY_LIMITS.batch,
    audit: 'events.inject',
    body: injectBatchSchema,
    responses: { 202: injectResultsSchema },
  },
  {
    method: 'GET',
    path: '/api/outbox',
    access: 'read',
    summary:
      'The offline outbox: injections queued while Kafka was unreachable, oldest first, with delivery attempts',
    responses: { 200: outboxViewSchema },
  },
  {
    method: 'DELETE',
    path: '/api/outbox/:id',
    access: 'inject_drill',
    accessDetail: '"inject" for an entry with live traffic, "inject_drill" for drill traffic only',
    summary: 'Discard a queued injection before it is sent (audited)',
    bodyLimit: BODY_LIMITS.small,
    audit: 'outbox.discard',
    params: outboxEntryParamsSchema,
    body: outboxDiscardSchema,
    responses: { 200: outboxDiscardedSchema },
  },
  {
    method: 'GET',
    path: '/api/orders',
    access: 'read',
    summary: 'One page of orders, each with its punctuality',
    query: orderListQuerySchema,
    responses: { 200: orderPageSchema },
  },
  {
    method: 'GET',
    path: '/api/orders/export.csv',
    access: 'read',
    summary: 'Every order of the orders filter as CSV (streamed, in the sort order; not audited)',
    query: orderExportQuerySchema,
    responses: { 200: orderCsvSchema },
    stream: 'text/csv',
  },
  {
    method: 'GET',
    path: '/api/orders/:id',
    access: 'read',
    summary: 'One order with its punctuality, lines and event history',
    params: entityIdParamsSchema,
    responses: { 200: orderDetailSchema },
  },
  {
    method: 'GET',
    path: '/api/shipments/:id',
    access: 'read',
    summary: 'One shipment with its timeline',
    params: entityIdParamsSchema,
    responses: { 200: shipmentDetailSchema },
  },
  {
    method: 'GET',
    path: '/api/shipments',
    access: 'read',
    summary:
      'One page of shipments (filter by status, carrier, open exception, late, ETA slipping; search by id)',
    query: shipmentListQuerySchema,
    responses: { 200: shipmentPageSchema },
  },
  {
    method: 'GET',
    path: '/api/exceptions',
    access: 'read',
    summary: 'The exceptions queue: open exceptions and failed attempts, oldest first',
    query: exceptionQueueQuerySchema,
    responses: { 200: exceptionQueuePageSchema },
  },
  {
    method: 'GET',
    path: '/api/lookup/:id',
    access: 'read',
    summary: 'Whether an id names an order or a shipment (Redis first, PostgreSQL fallback)',
    params: entityIdParamsSchema,
    responses: { 200: entitySummarySchema },
  },
  {
    method: 'GET',
    path: '/api/kpi/summary',
    access: 'read',
    summary: 'KPI summary over a site-day range',
    query: kpiQuerySchema,
    responses: { 200: kpiSummarySchema },
  },
  {
    method: 'GET',
    path: '/api/kpi/daily',
    access: 'read',
    summary: 'KPI series over a site-day range in day, week or month buckets, gaps filled',
    query: kpiSeriesQuerySchema,
    responses: { 200: kpiSeriesSchema },
  },
  {
    method: 'GET',
    path: '/api/dead-letters',
    access: 'read',
    summary: 'One page of dead letters (one row per source message), newest first',
    query: deadLetterListQuerySchema,
    responses: { 200: deadLetterPageSchema },
  },
  {
    method: 'POST',
    path: '/api/dead-letters/redrive',
    access: 'redrive',
    summary:
      'Re-publish dead letters; 202 when one was re-driven, else 409 (a purged drill or a drill-isolation refusal), 422 (still invalid) or 404',
    bodyLimit: BODY_LIMITS.event,
    audit: 'dead_letters.redrive',
    body: deadLetterRedriveSchema,
    responses: {
      202: deadLetterRedriveResultSchema,
      404: deadLetterRedriveResultSchema,
      409: deadLetterRedriveResultSchema,
      422: deadLetterRedriveResultSchema,
    },
  },
  {
    method: 'GET',
    path: '/api/drills/:drillId/purge',
    access: 'drills',
    summary: "Preview of a drill's purge: the rows per read model, KPI counts and cache entries that will go",
    params: drillPurgeParamsSchema,
    responses: { 200: drillPurgePreviewSchema },
  },
  {
    method: 'POST',
    path: '/api/drills/:drillId/purge',
    access: 'drills',
    summary:
      'Purge a drill as a whole: publishes the drill-purged control record to every partition (acks=all); the workers remove it',
    bodyLimit: BODY_LIMITS.small,
    audit: 'drills.purge',
    params: drillPurgeParamsSchema,
    body: drillPurgeRequestSchema,
    responses: { 202: drillPurgeResultSchema },
  },
  {
    method: 'GET',
    path: '/api/health',
    access: 'read',
    summary: 'Kafka, PostgreSQL and Redis reachability and the workers with their lag',
    responses: { 200: stackHealthSchema },
  },
  {
    method: 'GET',
    path: '/api/startup',
    access: 'public',
    summary:
      'Start-up phase and whether each service answers now (after the start: the latest health check; before sign-in: no addresses, errors or versions)',
    responses: { 200: startupSummarySchema },
  },
  {
    method: 'GET',
    path: '/api/startup/detail',
    access: 'read',
    summary: 'Start-up state per service: the address tried, what failed and the fix, version, latency',
    responses: { 200: startupDetailSchema },
  },
  {
    method: 'GET',
    path: '/api/settings',
    access: 'read',
    summary: 'The effective settings (passwords masked) and where each comes from',
    responses: { 200: settingsViewSchema },
  },
  {
    method: 'POST',
    path: '/api/settings/test',
    access: 'configure',
    summary: 'Try to reach Kafka, PostgreSQL and Redis with the given settings (nothing saved)',
    bodyLimit: BODY_LIMITS.small,
    // Audited, also when refused: it makes the core connect to addresses the caller names.
    audit: 'settings.test',
    body: editableSettingsSchema,
    responses: { 200: connectionTestResultSchema },
  },
  {
    method: 'POST',
    path: '/api/settings',
    access: 'configure',
    summary: 'Save the settings (desktop) and restart the connections and workers; read-only headless',
    bodyLimit: BODY_LIMITS.small,
    audit: 'settings.update',
    body: editableSettingsSchema,
    responses: { 200: settingsSavedSchema },
  },
  {
    method: 'GET',
    path: '/api/drift/last',
    access: 'read',
    summary: 'The newest drift check, or null before the first one',
    responses: { 200: driftReportSchema.nullable() },
  },
  {
    method: 'GET',
    path: '/api/live',
    access: 'read',
    summary:
      'Server-sent events: `event: change` with one change notification as JSON in `data:`; `:` lines are heartbeats',
    responses: { 200: changeNotificationSchema },
    stream: 'text/event-stream',
  },
  {
    method: 'GET',
    path: '/api/audit',
    access: 'read',
    summary: 'One page of the audit log, newest first',
    query: auditListQuerySchema,
    responses: { 200: auditPageSchema },
  },
  {
    method: 'GET',
    path: '/api/audit/export.csv',
    access: 'read',
    summary: 'Every audit entry of the audit filters as CSV (streamed, newest first; not audited)',
    query: auditExportQuerySchema,
    responses: { 200: auditCsvSchema },
    stream: 'text/csv',
  },
  {
    method: 'GET',
    path: '/api/drills/scenarios',
    access: 'read',
    summary:
      'The drill scenario library (built-in and the site file): parameters with defaults and limits, checks',
    responses: { 200: scenarioListSchema },
  },
  {
    method: 'POST',
    path: '/api/drills/preview',
    access: 'read',
    summary:
      'What a scenario would inject with these parameters (counts, entities, first events, expected outcome); sends nothing',
    bodyLimit: BODY_LIMITS.small,
    body: drillPreviewRequestSchema,
    responses: { 200: drillPreviewSchema },
  },
  {
    method: 'POST',
    path: '/api/drills/runs',
    access: 'drills',
    summary: 'Start a scenario run under a new drill id; answers the run (state running)',
    bodyLimit: BODY_LIMITS.small,
    audit: 'drills.start',
    body: drillStartRequestSchema,
    responses: { 202: drillRunSchema },
  },
  {
    method: 'GET',
    path: '/api/drills/runs',
    access: 'read',
    summary: 'Drill runs, newest first (state=active: running, paused or interrupted)',
    query: drillRunListQuerySchema,
    responses: { 200: drillRunPageSchema },
  },
  {
    method: 'GET',
    path: '/api/drills/runs/:id',
    access: 'read',
    summary: 'One drill run with its progress and, once ended, its check results',
    params: drillRunParamsSchema,
    responses: { 200: drillRunSchema },
  },
  {
    method: 'POST',
    path: '/api/drills/runs/:id/pause',
    access: 'drills',
    summary: 'Pause a running drill (after the batch in flight is acknowledged)',
    bodyLimit: BODY_LIMITS.small,
    audit: 'drills.pause',
    params: drillRunParamsSchema,
    body: drillActionSchema,
    responses: { 200: drillRunSchema },
  },
  {
    method: 'POST',
    path: '/api/drills/runs/:id/resume',
    access: 'drills',
    summary:
      'Resume a paused, interrupted or halted drill from its last acknowledged step (not after a purge)',
    bodyLimit: BODY_LIMITS.small,
    audit: 'drills.resume',
    params: drillRunParamsSchema,
    body: drillActionSchema,
    responses: { 200: drillRunSchema },
  },
  {
    method: 'POST',
    path: '/api/drills/runs/:id/stop',
    access: 'drills',
    summary: 'Stop a drill for good and evaluate its checks on what was sent',
    bodyLimit: BODY_LIMITS.small,
    audit: 'drills.stop',
    params: drillRunParamsSchema,
    body: drillActionSchema,
    responses: { 200: drillRunSchema },
  },
  {
    method: 'POST',
    path: '/api/drills/runs/:id/note',
    access: 'drills',
    summary: "Set the operator's note of a run (shown in its report)",
    bodyLimit: BODY_LIMITS.small,
    audit: 'drills.note',
    params: drillRunParamsSchema,
    body: drillNoteSchema,
    responses: { 200: drillRunSchema },
  },
  {
    method: 'GET',
    path: '/api/drills/runs/:id/report',
    access: 'read',
    summary: 'Everything the drill report shows: scenario, parameters, entities, timeline, checks, notes',
    params: drillRunParamsSchema,
    responses: { 200: drillReportSchema },
  },
] as const satisfies readonly ApiRoute[];

type Row = (typeof API_ROUTES)[number];
type KeyOf<R> = R extends { method: infer M extends string; path: infer P extends string }
  ? `${M} ${P}`
  : never;

/** `"METHOD path"` of a route, the key the server, the tests and the console's `apiCall` use. */
export type RouteKey = KeyOf<Row>;

/** Keys of the routes that answer one JSON body (every route but the live stream). */
export type JsonRouteKey = KeyOf<Exclude<Row, { stream: string }>>;

/** The table row of a route key. */
export type RouteOf<K extends RouteKey> = Extract<Row, { method: MethodOf<K>; path: PathOf<K> }>;
type MethodOf<K extends string> = K extends `${infer M} ${string}` ? M : never;
type PathOf<K extends string> = K extends `${string} ${infer P}` ? P : never;

type SchemaAt<R, F extends string> = R extends { [P in F]: infer S extends z.ZodType } ? S : undefined;

/** Path parameters of a route (`undefined` when it has none). */
export type RouteParams<K extends RouteKey> = InputOf<SchemaAt<RouteOf<K>, 'params'>>;
/** Query of a route as a caller sets it: the parsed form, every field optional (the server applies defaults). */
export type RouteQuery<K extends RouteKey> =
  SchemaAt<RouteOf<K>, 'query'> extends infer S extends z.ZodType ? Partial<z.output<S>> : undefined;
/** Body of a route (`undefined` when it takes none). */
export type RouteBody<K extends RouteKey> = InputOf<SchemaAt<RouteOf<K>, 'body'>>;
type InputOf<S> = S extends z.ZodType ? z.input<S> : undefined;

/** The answer of a route: the union of its `responses` (for a stream, one event's data). */
export type RouteResponse<K extends RouteKey> = {
  [S in keyof RouteOf<K>['responses']]: RouteOf<K>['responses'][S] extends infer T extends z.ZodType
    ? z.output<T>
    : never;
}[keyof RouteOf<K>['responses']];

/** `"METHOD path"` of a route. */
export function routeKey(route: Pick<ApiRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** The table row of a route key. @throws Error for a key that is not in the table */
export function apiRoute<K extends RouteKey>(key: K): RouteOf<K> {
  const route = API_ROUTES.find((r) => routeKey(r) === key);
  if (!route) throw new Error(`no API route ${key} in contracts/routes.ts`);
  return route as RouteOf<K>;
}
