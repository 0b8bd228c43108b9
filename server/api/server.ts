/**
 * The embedded HTTP API (Fastify): the same command and query handlers for the desktop window
 * and the headless console.
 *
 * Access control (contracts/auth.ts, contracts/routes.ts):
 * - every request first passes the Host and Origin checks (auth/host-origin.ts), the static
 *   console included;
 * - every `/api` route is registered inside ONE encapsulated scope whose `onRequest` hook
 *   decides access on the MATCHED route (its `config.access` from the route table), never on the
 *   raw URL: `/%61pi/events` matches `POST /api/events` and gets the same check. A route missing
 *   from the table, or registered under `/api` outside the scope, stops the server from starting;
 * - unknown paths answer 404 without a credential (they exist nowhere); the built console is the
 *   only other unauthenticated surface.
 *
 * Abuse limits: failed authentication per client address (rate-limiter-flexible: after
 * {@link AbuseLimits.authFailures} failures a minute, 429 until the minute is over), sign-in
 * attempts per username and address (a lockout that refuses even the right password), request
 * rates per route (@fastify/rate-limit), a body limit per route, and a whole-request timeout
 * (a body trickled byte by byte is cut off). Security headers come from @fastify/helmet.
 *
 * Every route's schemas come from its row of the route table (contracts/routes.ts, see
 * {@link fromTable}): query strings, params and bodies are validated with them (every 4xx names
 * the field and the rule), answers are serialized through them (fastify-type-provider-zod's
 * serializer: fields the schema does not name are left out; an answer that breaks its schema is
 * logged as a server bug and answered 500), and `/api/openapi.json` documents them all.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  ResponseSerializationError,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import {
  apiErrorSchema,
  DRILL_ISOLATION_RULES,
  apiRoute,
  API_ROUTES,
  kpiSeries,
  TooManyBucketsError,
  kpiSummarySchema,
  ROLE_LABELS,
  roleCan,
  routeKey,
  type ApiError,
  type AuditAction,
  type ApiRoute,
  type ChangeNotification,
  type DriftReport,
  type KpiSummary,
  type LoginResult,
  type OpenApiDocument,
  type Principal,
  type RouteAccess,
  type RouteKey,
  type RouteOf,
  type StackHealth,
  type ConnectionTestResult,
  type EditableSettings,
  type SettingsSaved,
  type SettingsView,
  type StartupDetail,
  EDITABLE_SETTING_KEYS,
  summarizeStartup,
  issueFields,
  issueRule,
  issueSummary,
  uniqueIssues,
  drillParameterIssues,
  type FieldIssue,
} from '../../contracts';
import { ConfigError } from '../../runtime/config';
import { queryKpiDaily, queryKpiSummary, queryOpenExceptions, querySites } from '../../runtime/kpi-query';
import type { Logger } from '../../runtime/logger';
import { findOperatorCredentials } from '../../runtime/operators';
import { UNUSABLE_HASH, verifyPassword } from '../../runtime/passwords';
import { redisKeys, type RedisClient } from '../../runtime/redis';
import { ServiceUnavailableError } from '../../runtime/service-errors';
import { classifyPgError, type Pool } from '../../runtime/db';
import { authenticate, parseBearer } from '../auth/credentials';
import { allowedHostNames, isAllowedHost, isAllowedOrigin } from '../auth/host-origin';
import { SessionStore, type SessionOptions } from '../auth/sessions';
import { auditCsvStream, listAudit, recordAudit } from './audit-log';
import { DrillRunActiveError, DrillUnknownError, previewDrillPurge, purgeDrill } from './drill-purge';
import { orderCsvStream } from './orders-export';
import {
  ForbiddenError,
  IdempotencyConflictError,
  injectEvents,
  LiveEntityInDrillError,
  OrderContentError,
  DrillEndedError,
  ValidationFailedError,
  type CommandDeps,
} from './commands';
import { listDeadLetters, redriveDeadLetters } from './dead-letters';
import { discardQueued, outboxView } from './outbox';
import { OutboxEntryBusyError, OutboxEntryNotFoundError } from '../outbox/outbox';
import { OutboxWriteError } from '../outbox/store';
import {
  DrillNotFoundError,
  DrillRequestError,
  DrillStateError,
  drillIdOf,
  type DrillRunner,
} from '../drills/runner';
import { summarizeScenario } from '../drills/library';
import { getOrder, getShipment, listOrders, lookupEntity } from './queries';
import { JsonBodyError, parseJsonBody } from './json-body';
import { listExceptionQueue, listShipments } from './shipment-queries';
import { CONSOLE_CSP_DIRECTIVES } from './static-console';

/**
 * Longest path parameter the router passes on (Fastify's default, 100, is below the 128
 * characters an entity id may have). Up to this the params schema decides (a 400 naming the
 * field and its length rule; QA found a 3,000-character id answered 404 under the old 1,024);
 * Node's own 16 KiB header limit (431) stops anything longer first.
 */
const MAX_PARAM_LENGTH = 16_384;

/** Abuse limits; every count is per client address unless said otherwise. */
export interface AbuseLimits {
  /** Failed authentications (wrong, expired or missing credential) a minute before 429. */
  authFailures: number;
  /** Failed sign-ins per username and address before that pair is locked out. */
  loginFailures: number;
  /** How long a sign-in lockout lasts (seconds). */
  loginLockoutSeconds: number;
  /** Sign-in requests a minute. */
  loginRequestsPerMinute: number;
  /** Injection requests (single or batch) a minute, per caller (operator or machine token). */
  injectRequestsPerMinute: number;
  /** Longest time to receive a whole request, headers and body (ms). */
  requestTimeoutMs: number;
}

export const DEFAULT_ABUSE_LIMITS: AbuseLimits = {
  authFailures: 30,
  loginFailures: 10,
  loginLockoutSeconds: 5 * 60,
  loginRequestsPerMinute: 30,
  injectRequestsPerMinute: 6_000,
  requestTimeoutMs: 30_000,
};

export interface ApiDeps extends CommandDeps {
  redis: RedisClient;
  prefix: string;
  /** The machine token: the headless login link or the desktop window's per-window secret. */
  machineToken: string;
  /** Who holds the machine token (the OS user, role `owner`). */
  machinePrincipal: Principal;
  /** Interface the server is bound to (decides which Host names are its own). */
  apiHost: string;
  /** Further Host names to accept (SCT_API_ALLOWED_HOSTS), e.g. a wall screen's DNS name. */
  allowedHosts?: readonly string[];
  sessions?: Partial<SessionOptions>;
  limits?: Partial<AbuseLimits>;
  health: () => Promise<StackHealth>;
  /** The drill runner (server/drills/runner.ts): scenarios, previews and runs. */
  drills: DrillRunner;
  /** The core's start-up state (server/startup.ts). */
  startup: () => StartupDetail;
  /** The settings routes (server/core.ts). */
  settings: SettingsRoutes;
  /** Subscribes to change notifications; returns an unsubscribe function. */
  subscribe: (listener: (n: ChangeNotification) => void) => () => void;
}

/** What the settings routes do; the core implements them. */
export interface SettingsRoutes {
  /** The effective settings (passwords masked) with their sources. */
  view(): SettingsView;
  /** Probes the three services with the given settings (nothing saved). */
  test(settings: EditableSettings): Promise<ConnectionTestResult>;
  /**
   * Saves the settings; null where they are read-only. `restart` applies them (called once the
   * answer has been sent: the restart closes this server's connections).
   * @throws ConfigError naming the field when they cannot be stored safely
   */
  save(settings: EditableSettings): { settings: SettingsView; restart: () => Promise<void> } | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs (contracts/routes.ts); set for every `/api` route. */
    access?: RouteAccess;
    /** Its row in the route table. */
    apiRoute?: ApiRoute;
  }
  interface FastifyRequest {
    /** Who is calling; set by the `/api` scope's hook once the credential checked out. */
    principal?: Principal;
    /** Set when the handler wrote the request's audit row itself. */
    audited?: boolean;
    /**
     * What the request is about (ids), set by its handler before acting: the audit row of a
     * refusal or failure names it (e.g. the run and drill a failed drill start would have had).
     */
    auditDetail?: Record<string, unknown>;
  }
}

/** Builds (does not start) the API server. Register static files on it before `listen`. */
/** Longest wait of `GET /api/startup` for a health round after the start (ms). */
const STARTUP_HEALTH_WAIT_MS = 500;

export async function buildApiServer(deps: ApiDeps): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_ABUSE_LIMITS, ...deps.limits };
  const app = Fastify({
    logger: false,
    bodyLimit: Math.max(...API_ROUTES.map((r) => ('bodyLimit' in r ? r.bodyLimit : 0))),
    // A whole request (headers and body) must arrive within requestTimeoutMs, else 408 and the
    // connection closes. Node checks that only every connectionsCheckingInterval (30 s by
    // default; Fastify does not pass it on, hence our own server): every second here.
    serverFactory: (handler) =>
      createServer(
        {
          requestTimeout: limits.requestTimeoutMs,
          connectionsCheckingInterval: Math.min(1_000, limits.requestTimeoutMs),
        },
        handler,
      ),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Router errors (malformed %-encoding, over-long params) get the same ApiError body as the rest.
    frameworkErrors: (err, _req, reply) => void sendError(reply, err, deps.log),
  }).withTypeProvider<ZodTypeProvider>();
  // Bodies are JSON only: anything else is 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');
  // JSON bodies (and CloudEvents structured mode, application/cloudevents+json) through our own
  // parser: a refusal says what is wrong (a __proto__ key, the parser's reason), not "not valid JSON".
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    ['application/json', 'application/cloudevents+json'],
    { parseAs: 'string' },
    (req, body, done) => {
      try {
        // A route whose body is optional (drill pause/resume/stop, outbox discard) takes an empty
        // body as none, whatever the content type says; elsewhere an empty body is refused.
        if (String(body).trim() === '' && bodyIsOptional(req.routeOptions.schema?.body)) {
          done(null, undefined);
          return;
        }
        done(null, parseJsonBody(String(body)));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((err, req, reply) =>
    sendError(reply, err, deps.log, () => drillRequestIssues(deps.drills, req)),
  );
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(urlNotFound(`no route ${req.method} ${req.url.split('?')[0]}`));
  });

  // Host and Origin first, before any other work (DNS rebinding, cross-site requests).
  const hostNames = allowedHostNames(deps.apiHost, deps.allowedHosts ?? []);
  app.addHook('onRequest', async (req, reply) => {
    const port = req.socket.localPort ?? 0;
    // An absolute-form target (`GET http://host/path`) names the host that counts (RFC 9112
    // §3.2.2): it must be this server too.
    const target = req.raw.url ?? '';
    const absolute = target.startsWith('/') ? null : /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(target);
    if (
      !isAllowedHost(req.headers.host, hostNames, port) ||
      (absolute && !isAllowedHost(absolute[1], hostNames, port))
    ) {
      deps.log.warn({ host: req.headers.host?.slice(0, 200), ip: req.ip }, 'request refused: foreign Host');
      return reply.code(403).send({
        error: 'host_not_allowed',
        message: `Host "${String(req.headers.host ?? '').slice(0, 200)}" is not this server; open the console by its loopback address, or add the name to SCT_API_ALLOWED_HOSTS`,
      } satisfies ApiError);
    }
    const site = req.headers['sec-fetch-site'];
    if (!isAllowedOrigin(req.headers.origin, typeof site === 'string' ? site : undefined, hostNames, port)) {
      deps.log.warn(
        { origin: req.headers.origin?.slice(0, 200), ip: req.ip },
        'request refused: foreign Origin',
      );
      return reply.code(403).send({
        error: 'origin_not_allowed',
        message: 'cross-site requests are refused: the console calls its API from its own origin only',
      } satisfies ApiError);
    }
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP_DIRECTIVES },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Plain HTTP on loopback: HSTS would mean nothing (and must not pin a name to HTTPS).
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(fastifyRateLimit, {
    global: false,
    // Every per-route limit here counts requests per minute (timeWindow 60 s).
    errorResponseBuilder: (_req, context) => ({
      statusCode: 429,
      error: 'rate_limited',
      message: `too many requests: at most ${context.max} a minute; retry in ${Math.ceil(context.ttl / 1000)} s`,
    }),
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Supply Chain Event Tracker API', version: '1' },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description:
              'an operator session token (`scts_...`) from POST /api/auth/login, or the machine token',
          },
        },
      },
    },
    transform: documentRoute,
  });

  // A route under /api outside the scope below would skip its access check: refuse to start.
  const registered = new Set<string>();
  let inScope = false;
  app.addHook('onRoute', (route) => {
    const path = route.url ?? route.path;
    if (!path.startsWith('/api')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue; // Fastify's automatic HEAD twin of a GET route, same hooks
      const key = `${method} ${path}`;
      const row = API_ROUTES.find((r) => routeKey(r) === key);
      if (!inScope || !row || route.config?.access !== row.access || route.config.apiRoute !== row) {
        throw new Error(
          `API route ${key} is not registered through the access-checked scope and the route table`,
        );
      }
      registered.add(key);
    }
  });

  const sessions = new SessionStore(deps.pool, deps.sessions);
  await app.register(async (api) => {
    inScope = true;
    registerAccessControl(api, deps, limits, sessions);
    registerRoutes(api, deps, limits, sessions);
  });
  inScope = false;

  const missing = API_ROUTES.map(routeKey).filter((k) => !registered.has(k));
  if (missing.length > 0) throw new Error(`API routes in the table but not served: ${missing.join(', ')}`);
  return app;
}

/**
 * The scope's hooks: authenticate, authorize on the matched route, and audit refused or failed
 * state changes (successful ones are audited by their handlers, with their details).
 */
function registerAccessControl(
  api: FastifyInstance,
  deps: ApiDeps,
  limits: AbuseLimits,
  sessions: SessionStore,
): void {
  const failures = new RateLimiterMemory({ points: limits.authFailures, duration: 60 });

  api.addHook('onRequest', async (req, reply) => {
    const access = req.routeOptions.config.access;
    if (access === undefined) {
      // Unreachable through buildApiServer's checks; fail closed all the same.
      return reply
        .code(403)
        .send({ error: 'forbidden', message: 'route has no access rule' } satisfies ApiError);
    }
    if (access === 'public') return;
    const principal = await authenticate(
      { machineToken: deps.machineToken, machinePrincipal: deps.machinePrincipal, sessions },
      req.headers.authorization,
    );
    if (!principal) {
      const limited = await failures.consume(req.ip).then(
        () => null,
        (res: unknown) => {
          if (res instanceof RateLimiterRes) return res;
          throw res;
        },
      );
      if (limited) {
        return reply
          .code(429)
          .header('retry-after', String(Math.ceil(limited.msBeforeNext / 1000)))
          .send({
            error: 'rate_limited',
            message: `too many failed authentications from this address; retry in ${Math.ceil(limited.msBeforeNext / 1000)} s`,
          } satisfies ApiError);
      }
      return reply.code(401).send({
        error: 'unauthorized',
        message: 'missing, wrong or expired credential: sign in again (Authorization: Bearer <token>)',
      } satisfies ApiError);
    }
    req.principal = principal;
    if (!roleCan(principal.role, access)) {
      return reply.code(403).send({
        error: 'forbidden',
        message: `${ROLE_LABELS[principal.role]} ${principal.operator} may not do this (needs ${req.routeOptions.config.apiRoute?.accessDetail ?? `"${access}"`})`,
      } satisfies ApiError);
    }
  });

  // Refused state changes by a known caller (403, and a breach of drill isolation, 409 with the
  // rule as code, e.g. `live_entity_in_drill`, or an injection under an ended run's drill id,
  // `drill_ended`) and failed ones (5xx) are audited here; successes by their handlers.
  // Validation errors (400, 404, other 409s, 413, 415) change nothing and are not.
  api.addHook('onSend', async (req, reply, payload) => {
    const action = req.routeOptions.config.apiRoute?.audit;
    const status = reply.statusCode;
    if (!action || !req.principal || req.audited || status < 403) return payload;
    let error: unknown = null;
    try {
      error = (JSON.parse(String(payload)) as ApiError).error;
    } catch {
      // not JSON: leave the code out
    }
    if (
      status !== 403 &&
      status < 500 &&
      !([...DRILL_ISOLATION_RULES, 'drill_ended'] as unknown[]).includes(error)
    )
      return payload;
    await recordAudit(deps.pool, deps.log, {
      principal: req.principal,
      action,
      outcome: status >= 500 ? 'failed' : 'rejected',
      status,
      detail: { ...(await drillAuditDetail(deps.pool, action, req.params)), ...req.auditDetail, error },
    });
    return payload;
  });
}

/**
 * What a refused or failed drill action was about, for its audit row (QA: a purge that failed
 * with 503 while Kafka was down named no drill): the purge routes' `drillId`; the run routes'
 * `runId` and that run's `drillId` (looked up; left out when the run is unknown or PostgreSQL
 * cannot say). Empty for other actions. Read from the raw params: a refusal (403) comes before
 * their validation.
 */
export async function drillAuditDetail(
  pool: Pool,
  action: AuditAction,
  params: unknown,
): Promise<Record<string, unknown>> {
  if (!action.startsWith('drills.') || typeof params !== 'object' || params === null) return {};
  const { drillId, id } = params as { drillId?: unknown; id?: unknown };
  if (typeof drillId === 'string') return { drillId };
  if (typeof id !== 'string') return {};
  try {
    const { rows } = await pool.query<{ drill_id: string }>(
      'SELECT drill_id FROM drill_runs WHERE id::text = $1',
      [id],
    );
    return rows[0] ? { runId: id, drillId: rows[0].drill_id } : { runId: id };
  } catch {
    return { runId: id };
  }
}

/**
 * Route options from the route table: access rule, body limit, the table row itself, the
 * validation schemas of its params, query and body, the schemas its answers are serialized (and
 * checked) with, and an optional request-rate limit.
 */
function fromTable<K extends RouteKey>(key: K, rateLimit?: RateLimitOptions) {
  const r: ApiRoute = apiRoute(key);
  return {
    config: { access: r.access, apiRoute: r, ...(rateLimit ? { rateLimit } : {}) },
    ...(r.bodyLimit ? { bodyLimit: r.bodyLimit } : {}),
    schema: {
      summary: r.summary,
      ...(r.params ? { params: r.params } : {}),
      ...(r.query ? { querystring: r.query } : {}),
      ...(r.body ? { body: r.body } : {}),
      response: r.responses,
    } as TableSchema<RouteOf<K>>,
  };
}

/** The Fastify schema of a table row, typed for the zod type provider (request and reply types). */
interface TableSchema<R> {
  summary: string;
  params: R extends { params: infer S } ? S : undefined;
  querystring: R extends { query: infer S } ? S : undefined;
  body: R extends { body: infer S } ? S : undefined;
  /** Plus, for the reply's type only, the ApiError of every 4xx/5xx (not checked at run time: see documentRoute). */
  response: (R extends { responses: infer S } ? S : object) & {
    '4xx': typeof apiErrorSchema;
    '5xx': typeof apiErrorSchema;
  };
}

/**
 * The OpenAPI entry of a route (@fastify/swagger `transform`): the table's schemas through
 * fastify-type-provider-zod's transform, plus what the runtime schema leaves out: every 4xx/5xx
 * answer is an {@link ApiError}, a stream's answer is its content type with the schema of one
 * event's data, and every route but the sign-in needs the bearer token.
 */
function documentRoute(
  doc: Parameters<typeof jsonSchemaTransform>[0],
): ReturnType<typeof jsonSchemaTransform> {
  const row = doc.route.config?.apiRoute;
  if (!row || !doc.schema) return jsonSchemaTransform(doc);
  const success = row.stream
    ? {
        200: {
          description:
            row.stream === 'text/csv'
              ? 'text/csv: a header row, then one row per record'
              : `${row.stream}: one \`event: change\` frame per notification; its \`data:\` is this schema as JSON`,
          content: { [row.stream]: { schema: row.responses[200] } },
        },
      }
    : row.responses;
  const response = { ...success, '4XX': apiErrorSchema, '5XX': apiErrorSchema };
  const security = row.access === 'public' ? [] : [{ bearer: [] }];
  return jsonSchemaTransform({ ...doc, schema: { ...doc.schema, response, security } });
}

function registerRoutes(
  scope: FastifyInstance,
  deps: ApiDeps,
  limits: AbuseLimits,
  sessions: SessionStore,
): void {
  const api = scope.withTypeProvider<ZodTypeProvider>();
  // The latest health check that completed: `GET /api/startup` reports the services' states from
  // it once the start completed (the start-up probes stop then).
  let lastHealth: StackHealth | null = null;
  const currentHealth = async (): Promise<StackHealth> => {
    const health = await deps.health();
    lastHealth = health;
    return health;
  };
  const sessionCheckMs = Math.max(500, sessions.recheckMs);
  const loginLockout = new RateLimiterMemory({
    points: limits.loginFailures,
    duration: limits.loginLockoutSeconds,
  });
  const perCaller = (req: FastifyRequest) => req.principal?.operator ?? req.ip;

  api.post(
    '/api/auth/login',
    fromTable('POST /api/auth/login', { max: limits.loginRequestsPerMinute, timeWindow: 60_000 }),
    async (req, reply) => {
      const username = req.body.username.toLowerCase();
      const key = `${username}|${req.ip}`;
      const state = await loginLockout.get(key);
      if (state && state.consumedPoints >= limits.loginFailures) {
        return reply
          .code(429)
          .header('retry-after', String(Math.ceil(state.msBeforeNext / 1000)))
          .send({
            error: 'rate_limited',
            message: `too many failed sign-ins for ${username} from this address; retry in ${Math.ceil(state.msBeforeNext / 60_000)} min`,
          } satisfies ApiError);
      }
      const account = await findOperatorCredentials(deps.pool, username);
      // An unknown name costs the same scrypt work as a known one (no enumeration by timing).
      const passwordOk = await verifyPassword(req.body.password, account?.passwordHash ?? UNUSABLE_HASH);
      if (!account || !passwordOk || account.disabled) {
        await loginLockout.consume(key).catch(() => undefined);
        deps.log.warn({ username, ip: req.ip, known: Boolean(account) }, 'sign-in refused');
        return reply.code(401).send({
          error: 'invalid_credentials',
          message:
            account?.disabled && passwordOk
              ? 'this operator account is disabled'
              : 'wrong username or password',
        } satisfies ApiError);
      }
      await loginLockout.delete(key);
      const { token, principal } = await sessions.create(account);
      req.principal = principal;
      req.audited = true;
      await recordAudit(deps.pool, deps.log, { principal, action: 'auth.login', outcome: 'ok', status: 200 });
      return { token, principal } satisfies LoginResult;
    },
  );

  api.post('/api/auth/logout', fromTable('POST /api/auth/logout'), async (req, reply) => {
    const principal = req.principal!;
    req.audited = true;
    // The machine token cannot be ended (it lasts as long as the process): the client just
    // forgets it, and nothing is recorded as a sign-out.
    if (principal.method !== 'session') return reply.code(204).send();
    await sessions.end(parseBearer(req.headers.authorization) ?? '');
    await recordAudit(deps.pool, deps.log, { principal, action: 'auth.logout', outcome: 'ok', status: 204 });
    return reply.code(204).send();
  });

  api.get('/api/auth/session', fromTable('GET /api/auth/session'), async (req) => req.principal!);

  api.get(
    '/api/openapi.json',
    fromTable('GET /api/openapi.json'),
    async () => scope.swagger() as unknown as OpenApiDocument,
  );

  const injectLimit = {
    max: limits.injectRequestsPerMinute,
    timeWindow: 60_000,
    keyGenerator: perCaller,
    hook: 'preHandler' as const,
  };
  api.post('/api/events', fromTable('POST /api/events', injectLimit), async (req, reply) => {
    const [result] = await injectEvents(deps, req.principal!, [req.body]);
    if (!result) throw new Error('injectEvents answered no result for one event');
    req.audited = true; // injectEvents wrote the row; refusals and failures are the scope's to audit
    return reply.code(202).send(result);
  });

  api.post('/api/events/batch', fromTable('POST /api/events/batch', injectLimit), async (req, reply) => {
    const results = await injectEvents(deps, req.principal!, req.body.events);
    req.audited = true;
    return reply.code(202).send(results);
  });

  api.get('/api/outbox', fromTable('GET /api/outbox'), async () => outboxView(deps.outbox));

  api.delete('/api/outbox/:id', fromTable('DELETE /api/outbox/:id'), async (req) => {
    const result = await discardQueued(deps, req.principal!, req.params.id, req.body?.reason ?? null);
    req.audited = true;
    return result;
  });

  api.get('/api/orders', fromTable('GET /api/orders'), async (req) => listOrders(deps.pool, req.query));

  api.get('/api/orders/export.csv', fromTable('GET /api/orders/export.csv'), async (req, reply) => {
    const day = new Date().toISOString().slice(0, 10);
    void reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="orders-${day}.csv"`)
      .header('cache-control', 'no-store');
    // A stream is sent as it is (Fastify serializes no stream): the row's schema only documents it.
    return (reply as FastifyReply).send(orderCsvStream(deps.pool, req.query));
  });

  api.get('/api/orders/:id', fromTable('GET /api/orders/:id'), async (req, reply) => {
    const order = await getOrder(deps.pool, req.params.id);
    if (!order)
      return reply
        .code(404)
        .send({ error: 'not_found', message: `no order ${req.params.id}` } satisfies ApiError);
    return order;
  });

  api.get('/api/shipments', fromTable('GET /api/shipments'), async (req) =>
    listShipments(deps.pool, req.query),
  );
  api.get('/api/exceptions', fromTable('GET /api/exceptions'), async (req) =>
    listExceptionQueue(deps.pool, req.query),
  );

  api.get('/api/shipments/:id', fromTable('GET /api/shipments/:id'), async (req, reply) => {
    const shipment = await getShipment(deps.pool, req.params.id);
    if (!shipment)
      return reply
        .code(404)
        .send({ error: 'not_found', message: `no shipment ${req.params.id}` } satisfies ApiError);
    return shipment;
  });

  api.get('/api/lookup/:id', fromTable('GET /api/lookup/:id'), async (req, reply) => {
    const found = await lookupEntity(deps.pool, deps.redis, deps.prefix, req.params.id);
    if (!found)
      return reply
        .code(404)
        .send({ error: 'not_found', message: `no order or shipment ${req.params.id}` } satisfies ApiError);
    return found;
  });

  api.get('/api/kpi/summary', fromTable('GET /api/kpi/summary'), async (req) => {
    const q = req.query;
    // The live all-data snapshot is cached in Redis by the analytics-aggregator after each
    // refresh; it refreshes on order events only, so open exceptions (shipments) and the sites
    // (orders may reach the orders table after the snapshot) are read now.
    if (!q.from && !q.to && !q.includeDrills && !q.warehouse) {
      const cached = await readSnapshot(deps);
      if (cached) {
        const [openExceptions, sites] = await Promise.all([
          queryOpenExceptions(deps.pool, false),
          querySites(deps.pool, q.includeDrills),
        ]);
        return { ...cached, openExceptions, sites };
      }
    }
    return queryKpiSummary(deps.pool, q);
  });

  api.get('/api/kpi/daily', fromTable('GET /api/kpi/daily'), async (req, reply) => {
    const days = await queryKpiDaily(deps.pool, req.query);
    try {
      return kpiSeries(days, req.query);
    } catch (err) {
      if (!(err instanceof TooManyBucketsError)) throw err;
      const field = err.bucketAsked ? 'bucket' : 'to';
      return reply.code(400).send({
        error: 'validation_failed',
        message: `querystring is invalid: ${err.message}`,
        issues: [{ field, rule: 'max_buckets', message: err.message }],
      } satisfies ApiError);
    }
  });

  api.get('/api/dead-letters', fromTable('GET /api/dead-letters'), async (req) =>
    listDeadLetters(deps.pool, req.query),
  );

  api.post('/api/dead-letters/redrive', fromTable('POST /api/dead-letters/redrive'), async (req, reply) => {
    const { status, body } = await redriveDeadLetters(
      deps,
      req.principal!,
      req.body.keys,
      req.body.reason ?? null,
    );
    req.audited = true; // the re-drive wrote its row (ok, partial or rejected)
    return reply.code(status).send(body);
  });

  api.get('/api/drills/:drillId/purge', fromTable('GET /api/drills/:drillId/purge'), async (req) =>
    previewDrillPurge(deps.pool, deps.redis, deps.prefix, req.params.drillId),
  );

  api.post('/api/drills/:drillId/purge', fromTable('POST /api/drills/:drillId/purge'), async (req, reply) => {
    const result = await purgeDrill(deps, req.principal!, req.params.drillId, req.body?.reason ?? null);
    req.audited = true; // the purge wrote its row
    return reply.code(202).send(result);
  });

  api.get('/api/health', fromTable('GET /api/health'), async () => currentHealth());

  // Before sign-in only the phase and up/down per service (contracts/startup.ts).
  // After the start the services' states are the health check's (cached 2 s, so an anonymous
  // caller triggers at most one round per 2 s; it learns only up/down). A round that takes longer
  // than STARTUP_HEALTH_WAIT_MS (a hung service) is not waited for: the previous answer is used.
  api.get('/api/startup', fromTable('GET /api/startup'), async () => {
    const detail = deps.startup();
    if (detail.phase === 'ready') {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        currentHealth().catch(() => undefined),
        new Promise((r) => (timer = setTimeout(r, STARTUP_HEALTH_WAIT_MS))),
      ]);
      clearTimeout(timer);
    }
    return summarizeStartup(detail, lastHealth);
  });
  api.get('/api/startup/detail', fromTable('GET /api/startup/detail'), async () => deps.startup());

  api.get('/api/settings', fromTable('GET /api/settings'), async () => deps.settings.view());
  api.post('/api/settings/test', fromTable('POST /api/settings/test'), async (req) => {
    const tested = await deps.settings.test(req.body);
    req.audited = true;
    await recordAudit(deps.pool, deps.log, {
      principal: req.principal!,
      action: 'settings.test',
      outcome: 'ok',
      status: 200,
      // Addresses come without passwords (runtime/probes.ts redacts them).
      detail: {
        services: tested.results.map((r) => ({ name: r.name, address: r.address, reached: r.reached })),
      },
    });
    return tested;
  });
  api.post('/api/settings', fromTable('POST /api/settings'), async (req, reply) => {
    const before = deps.settings.view();
    const saved = deps.settings.save(req.body);
    if (!saved) {
      return reply.code(409).send({
        error: 'settings_read_only',
        message: `the settings cannot be changed here: ${before.readOnlyReason ?? 'read-only'}`,
      } satisfies ApiError);
    }
    // Which settings changed (names only: values may hold secrets).
    const changed = EDITABLE_SETTING_KEYS.filter(
      (k) => JSON.stringify(before.values[k]) !== JSON.stringify(req.body[k]),
    );
    req.audited = true;
    await recordAudit(deps.pool, deps.log, {
      principal: req.principal!,
      action: 'settings.update',
      outcome: 'ok',
      status: 200,
      detail: { changed },
    });
    // Restart once the answer is out: the restart closes this server's connections.
    reply.raw.once('finish', () => {
      void saved
        .restart()
        .catch((err: unknown) =>
          deps.log.error({ err: String(err) }, 'restart after a settings change failed'),
        );
    });
    return { settings: saved.settings, restarting: true } satisfies SettingsSaved;
  });

  api.get('/api/drift/last', fromTable('GET /api/drift/last'), async () => {
    const { rows } = await deps.pool.query<{ id: number; report: DriftReport }>(
      'SELECT id, report FROM drift_checks ORDER BY id DESC LIMIT 1',
    );
    const last = rows[0];
    // null (not 404) before the first check: "none yet" is a normal answer, not a missing route.
    return last ? { ...last.report, id: last.id } : null;
  });

  api.get('/api/audit', fromTable('GET /api/audit'), async (req) => listAudit(deps.pool, req.query));

  api.get('/api/audit/export.csv', fromTable('GET /api/audit/export.csv'), async (req, reply) => {
    const day = new Date().toISOString().slice(0, 10);
    void reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${day}.csv"`)
      .header('cache-control', 'no-store');
    return (reply as FastifyReply).send(auditCsvStream(deps.pool, req.query));
  });

  // Drills (contracts/drills.ts). Successful state changes are audited by the runner, with the
  // run and drill ids and counts; refusals and failures by the scope's onSend hook.
  api.get('/api/drills/scenarios', fromTable('GET /api/drills/scenarios'), async () => ({
    scenarios: deps.drills.scenarios().map(summarizeScenario),
  }));
  api.post('/api/drills/preview', fromTable('POST /api/drills/preview'), async (req) =>
    deps.drills.preview(req.body),
  );
  api.post('/api/drills/runs', fromTable('POST /api/drills/runs'), async (req, reply) => {
    // The run's id is chosen first, so a start refused or failed (503 while Kafka is down) is
    // audited naming the run and drill it would have been, and its scenario.
    const runId = randomUUID();
    const scenarioId = req.body.scenarioId;
    req.auditDetail = { runId, drillId: drillIdOf(scenarioId, runId), scenarioId };
    const run = await deps.drills.start(req.principal!, req.body, runId);
    req.audited = true;
    return reply.code(202).send(run);
  });
  api.get('/api/drills/runs', fromTable('GET /api/drills/runs'), async (req) => deps.drills.list(req.query));
  api.get('/api/drills/runs/:id', fromTable('GET /api/drills/runs/:id'), async (req) =>
    deps.drills.get(req.params.id),
  );
  api.post('/api/drills/runs/:id/pause', fromTable('POST /api/drills/runs/:id/pause'), async (req) => {
    const run = await deps.drills.pause(req.principal!, req.params.id, req.body?.reason ?? null);
    req.audited = true;
    return run;
  });
  api.post('/api/drills/runs/:id/resume', fromTable('POST /api/drills/runs/:id/resume'), async (req) => {
    const run = await deps.drills.resume(req.principal!, req.params.id, req.body?.reason ?? null);
    req.audited = true;
    return run;
  });
  api.post('/api/drills/runs/:id/stop', fromTable('POST /api/drills/runs/:id/stop'), async (req) => {
    const run = await deps.drills.stop(req.principal!, req.params.id, req.body?.reason ?? null);
    req.audited = true;
    return run;
  });
  api.post('/api/drills/runs/:id/note', fromTable('POST /api/drills/runs/:id/note'), async (req) => {
    const run = await deps.drills.note(req.principal!, req.params.id, req.body.note);
    req.audited = true;
    return run;
  });
  api.get('/api/drills/runs/:id/report', fromTable('GET /api/drills/runs/:id/report'), async (req) =>
    deps.drills.report(req.params.id),
  );

  api.get('/api/live', fromTable('GET /api/live'), (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    res.write(': connected\n\n');
    const unsubscribe = deps.subscribe((n) => res.write(`event: change\ndata: ${JSON.stringify(n)}\n\n`));
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), 15_000);
    // An operator's stream lives only as long as the session: it ends at sign-out, expiry, or
    // when the operator is disabled (checked every few seconds); the client then reconnects and
    // is asked to sign in. The machine token lasts as long as the process.
    const token = parseBearer(req.headers.authorization) ?? '';
    const sessionCheck =
      req.principal?.method === 'session'
        ? setInterval(() => {
            sessions.resolve(token).then(
              (still) => {
                if (!still) res.end();
              },
              () => undefined, // PostgreSQL unavailable: keep the stream; the next check decides
            );
          }, sessionCheckMs)
        : null;
    req.raw.on('close', () => {
      clearInterval(heartbeat);
      if (sessionCheck) clearInterval(sessionCheck);
      unsubscribe();
    });
  });
}

async function readSnapshot(deps: ApiDeps): Promise<KpiSummary | null> {
  if (deps.redis.status !== 'ready') return null;
  try {
    const text = await deps.redis.get(redisKeys(deps.prefix).kpiSnapshot);
    if (!text) return null;
    // Written by the analytics-aggregator: a snapshot of another shape (an older worker) is a miss.
    const parsed = kpiSummarySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // Redis is a cache: fall back to PostgreSQL
  }
}

/**
 * The one 404 answer for a URL that names nothing (no route, no file of the console): an
 * {@link ApiError} whose issue names `(url)` with rule `not_found`.
 */
function urlNotFound(message: string): ApiError {
  return { error: 'not_found', message, issues: [{ field: '(url)', rule: 'not_found', message }] };
}

/** True when a route's body schema (a zod schema from contracts/routes.ts) accepts no body at all. */
function bodyIsOptional(schema: unknown): boolean {
  const zod = schema as { safeParse?: (v: unknown) => { success: boolean } } | undefined;
  return typeof zod?.safeParse === 'function' && zod.safeParse(undefined).success;
}

/** What the serializer's zod error says per issue (zod itself is the contracts' import). */
interface ZodIssueLike {
  path: PropertyKey[];
  code: string;
  message: string;
}

/** Request errors about the URL (router errors, the static console's refusals); the rest are the body's. */
const URL_ERRORS = new Set(['FST_ERR_BAD_URL', 'FST_ERR_MAX_PARAM_LENGTH']);

/** The drill routes whose body names a scenario and its parameters. */
const DRILL_REQUEST_ROUTES = new Set(['/api/drills/preview', '/api/drills/runs']);

/**
 * The scenario checks of a drill preview/start body that its schema refused for other fields
 * (contracts/drills.ts `drillParameterIssues`: kinds, unknown parameters, min/max), so one answer
 * names every problem (QA: a start with several bad parameters was refused in two rounds).
 * @returns the issues; none for another route, or a body without a known scenario
 */
function drillRequestIssues(drills: DrillRunner, req: FastifyRequest): FieldIssue[] {
  if (req.method !== 'POST' || !DRILL_REQUEST_ROUTES.has(req.routeOptions.url ?? '')) return [];
  const body = req.body as { scenarioId?: unknown; parameters?: unknown } | null | undefined;
  if (!body || typeof body !== 'object' || typeof body.scenarioId !== 'string') return [];
  const entry = drills.scenarios().find((e) => e.scenario.id === body.scenarioId);
  return entry ? drillParameterIssues(entry.scenario, body.parameters) : [];
}

/**
 * Sends the API error answer of `err`. `moreIssues` adds issues to a schema refusal (fields the
 * schema passed but a later check would refuse), each field once.
 */
function sendError(
  reply: FastifyReply,
  err: unknown,
  log: Logger,
  moreIssues: () => FieldIssue[] = () => [],
): FastifyReply {
  // The client is gone (its request timed out, 408 already sent by Node, or it hung up): the
  // error is about the socket, never a service outage, and there is no one to answer.
  if (reply.raw.destroyed || reply.request?.raw.socket?.destroyed === true) {
    return reply.code(408).send({
      error: 'request_timeout',
      message: 'the request did not arrive whole in time, or the client hung up',
    } satisfies ApiError);
  }
  if (err instanceof ValidationFailedError) {
    const body: ApiError = { error: 'validation_failed', message: err.message, issues: err.issues };
    if (err.index !== undefined) body.index = err.index;
    return reply.code(400).send(body);
  }
  if (err instanceof ForbiddenError) {
    const body: ApiError = { error: 'forbidden', message: err.message, issues: err.issues };
    if (err.index !== undefined) body.index = err.index;
    return reply.code(403).send(body);
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const parsed = err.validation.flatMap((v) => {
      // Fields and rules as events name them too (contracts/events.ts): each unknown key, `format:regex`, ...
      const issue = {
        ...(v.params as { params?: unknown; format?: unknown; keys?: unknown }),
        code: v.keyword,
      };
      const path = v.instancePath.split('/').filter((p) => p !== '');
      return issueFields(path, issue).map((field) => ({
        field,
        rule: issueRule(issue),
        message: v.message ?? 'invalid',
      }));
    });
    const issues = uniqueIssues(parsed);
    const named = new Set(issues.map((i) => i.field));
    issues.push(...moreIssues().filter((i) => !named.has(i.field)));
    const body: ApiError = {
      error: 'validation_failed',
      message: `${err.validationContext ?? 'request'} is invalid: ${issueSummary(issues)}`,
      issues,
    };
    return reply.code(400).send(body);
  }
  if (err instanceof DrillRequestError) {
    return reply
      .code(400)
      .send({ error: 'validation_failed', message: err.message, issues: err.issues } satisfies ApiError);
  }
  if (err instanceof DrillNotFoundError) {
    return reply.code(404).send({ error: 'not_found', message: err.message } satisfies ApiError);
  }
  if (err instanceof DrillStateError) {
    return reply.code(409).send({ error: err.code, message: err.message } satisfies ApiError);
  }
  if (err instanceof DrillUnknownError) {
    return reply.code(404).send({
      error: 'drill_not_found',
      message: err.message,
      issues: [{ field: 'drillId', rule: 'drill_exists', message: err.message }],
    } satisfies ApiError);
  }
  if (err instanceof DrillRunActiveError) {
    return reply.code(409).send({
      error: err.code,
      message: err.message,
      issues: [{ field: 'drillId', rule: 'no_active_run', message: err.message }],
    } satisfies ApiError);
  }
  if (err instanceof DrillEndedError) {
    const body: ApiError = {
      error: err.code,
      message: err.message,
      issues: [{ field: err.field, rule: 'drill_run_open', message: err.message }],
    };
    if (err.index !== undefined) body.index = err.index;
    return reply.code(409).send(body);
  }
  if (err instanceof LiveEntityInDrillError) {
    const body: ApiError = {
      error: err.rule,
      message: err.message,
      issues: [{ field: err.field, rule: err.rule, message: err.message }],
    };
    if (err.index !== undefined) body.index = err.index;
    return reply.code(409).send(body);
  }
  if (err instanceof OrderContentError) {
    const body: ApiError = { error: err.rule, message: err.message, issues: [err.issue] };
    if (err.index !== undefined) body.index = err.index;
    return reply.code(err.status).send(body);
  }
  if (err instanceof IdempotencyConflictError) {
    const body: ApiError = {
      error: 'idempotency_conflict',
      message: err.message,
      issues: [{ field: 'id', rule: 'idempotency_key_reused', message: err.message }],
    };
    if (err.index !== undefined) body.index = err.index;
    return reply.code(409).send(body);
  }
  if (err instanceof OutboxWriteError) {
    // 507 Insufficient Storage: the outbox could not keep the injection; nothing was queued or sent.
    return reply.code(507).send({ error: 'outbox_unavailable', message: err.message } satisfies ApiError);
  }
  if (err instanceof OutboxEntryNotFoundError) {
    return reply.code(404).send({ error: 'not_found', message: err.message } satisfies ApiError);
  }
  if (err instanceof OutboxEntryBusyError) {
    return reply.code(409).send({ error: 'outbox_entry_in_flight', message: err.message } satisfies ApiError);
  }
  if (err instanceof ConfigError) {
    return reply.code(400).send({
      error: 'invalid_settings',
      message: err.message,
      issues: [{ field: '(body)', rule: 'settings', message: err.message }],
    } satisfies ApiError);
  }
  if (err instanceof ServiceUnavailableError) {
    const error = err.service === 'kafka' ? 'broker_unavailable' : `${err.service}_unavailable`;
    const message =
      err.service === 'kafka'
        ? `Kafka broker unavailable: nothing was published. ${err.message}`
        : err.message;
    return reply.code(503).send({ error, message } satisfies ApiError);
  }
  const pgKind = classifyPgError(err);
  if (pgKind === 'unavailable') {
    return reply.code(503).send({
      error: 'postgres_unavailable',
      message: `PostgreSQL is unavailable (${(err as Error).message}); the console recovers when it is back.`,
    } satisfies ApiError);
  }
  if (pgKind === 'conflict' || pgKind === 'lock_wait') {
    // Lost a race with another transaction, or waited too long for a lock: not an outage.
    return reply
      .code(503)
      .header('retry-after', '1')
      .send({
        error: 'database_busy',
        message: `PostgreSQL could not finish this in time (${(err as Error).message}); nothing changed, try again.`,
      } satisfies ApiError);
  }
  if (err instanceof JsonBodyError) {
    return reply.code(400).send({
      error: 'bad_request',
      message: err.message,
      issues: [{ field: '(body)', rule: err.rule, message: err.message }],
    } satisfies ApiError);
  }
  const e = err as { statusCode?: number; code?: string; message?: string; error?: string };
  if (e.statusCode === 403 || e.statusCode === 404) {
    // The static console refusing a path (traversal, a directory, a hidden file): no such file.
    return reply.code(404).send(urlNotFound('no such file'));
  }
  if (e.statusCode === 429) {
    return reply
      .code(429)
      .send({ error: 'rate_limited', message: e.message ?? 'too many requests' } satisfies ApiError);
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    const code =
      e.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'payload_too_large'
        : e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'unsupported_media_type'
          : e.statusCode === 403
            ? 'forbidden'
            : 'bad_request';
    const limit = reply.request?.routeOptions?.bodyLimit;
    const message =
      code === 'payload_too_large'
        ? `body is larger than ${limit} bytes (this route's limit)`
        : (e.message ?? 'bad request');
    const field =
      URL_ERRORS.has(e.code ?? '') || e.statusCode === 403 || e.statusCode === 404 ? '(url)' : '(body)';
    return reply
      .code(e.statusCode)
      .send({ error: code, message, issues: [{ field, rule: code, message }] } satisfies ApiError);
  }
  if (err instanceof ResponseSerializationError) {
    // A handler answered something its route's schema (contracts/routes.ts) does not allow: a
    // server bug, never the client's. Name the route and the fields; answer 500, not the bad body.
    const issues = ((err.cause as { issues?: ZodIssueLike[] } | undefined)?.issues ?? [])
      .slice(0, 10)
      .map((i) => ({ field: i.path.map(String).join('.') || '(root)', rule: i.code, message: i.message }));
    log.error(
      { route: `${err.method} ${err.url}`, status: reply.statusCode, issues },
      `API bug: the answer of ${err.method} ${err.url} does not match its schema in contracts/routes.ts (${issues.map((i) => `${i.field} ${i.rule}`).join(', ')}); answered 500 instead`,
    );
    return reply.code(500).send({
      error: 'internal',
      message: 'internal error: the answer did not match its schema; see the main process log',
    } satisfies ApiError);
  }
  log.error({ err: String(err) }, 'unhandled API error');
  return reply
    .code(500)
    .send({ error: 'internal', message: 'internal error; see the main process log' } satisfies ApiError);
}
