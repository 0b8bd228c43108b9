/**
 * The embedded HTTP API (Fastify): the same command and query handlers for the desktop window
 * and the headless console. Every `/api` route needs `Authorization: Bearer <token>` (the
 * desktop's per-window secret or the headless login token). Query strings and params are
 * validated by the zod schemas of `contracts/api.ts` (fastify-type-provider-zod, also feeding
 * the OpenAPI document at `/api/openapi.json`); event bodies by `validateEvent`. Every 4xx names
 * the field and the rule.
 */
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import {
  deadLetterListQuerySchema,
  deadLetterRedriveSchema,
  entityIdParamsSchema,
  injectBatchSchema,
  kpiQuerySchema,
  orderListQuerySchema,
  type ApiError,
  type ChangeNotification,
  type DriftReport,
  type KpiSummary,
  type StackHealth,
} from '../../../../contracts';
import { queryKpiDaily, queryKpiSummary } from '../../../../runtime/kpi-query';
import type { Logger } from '../../../../runtime/logger';
import { redisKeys, type RedisClient } from '../../../../runtime/redis';
import { ServiceUnavailableError } from '../../../../runtime/service-errors';
import { isDatabaseUnavailable } from '../../../../runtime/db';
import { IdempotencyConflictError, injectEvents, ValidationFailedError, type CommandDeps } from './commands';
import { listDeadLetters, redriveDeadLetters } from './dead-letters';
import { getOrder, getShipment, listOrders, lookupEntity } from './queries';

/** Largest accepted request body (bytes): a full batch of 1,000 events fits with room. */
export const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * Longest path parameter the router passes on (Fastify's default, 100, is below the 128
 * characters an entity id may have): longer ones get 414; up to this, the params schema decides.
 */
const MAX_PARAM_LENGTH = 1024;

export interface ApiDeps extends CommandDeps {
  redis: RedisClient;
  prefix: string;
  token: string;
  health: () => Promise<StackHealth>;
  /** Subscribes to change notifications; returns an unsubscribe function. */
  subscribe: (listener: (n: ChangeNotification) => void) => () => void;
}

/** Builds (does not start) the API server. Register static files on it before `listen`. */
export async function buildApiServer(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Router errors (malformed %-encoding, over-long params) get the same ApiError body as the rest.
    frameworkErrors: (err, _req, reply) => void sendError(reply, err, deps.log),
  }).withTypeProvider<ZodTypeProvider>();
  // Bodies are JSON only: anything else is 415, not a string that fails validation later.
  app.removeContentTypeParser('text/plain');
  // CloudEvents structured mode (application/cloudevents+json) is JSON too.
  app.addContentTypeParser(
    'application/cloudevents+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(fastifySwagger, {
    openapi: { info: { title: 'Supply Chain Event Tracker API', version: '1' } },
    transform: jsonSchemaTransform,
  });

  app.setErrorHandler((err, _req, reply) => sendError(reply, err, deps.log));
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({
      error: 'not_found',
      message: `no route ${req.method} ${req.url.split('?')[0]}`,
    } satisfies ApiError);
  });

  const expected = Buffer.from(deps.token);
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply
        .code(401)
        .send({ error: 'unauthorized', message: 'missing or wrong bearer token' } satisfies ApiError);
    }
  });

  app.get('/api/openapi.json', async () => app.swagger());

  app.post('/api/events', async (req, reply) => {
    const [result] = await injectEvents(deps, [req.body]);
    return reply.code(202).send(result);
  });

  app.post('/api/events/batch', { schema: { body: injectBatchSchema } }, async (req, reply) => {
    const results = await injectEvents(deps, req.body.events);
    return reply.code(202).send(results);
  });

  app.get('/api/orders', { schema: { querystring: orderListQuerySchema } }, async (req) =>
    listOrders(deps.pool, req.query),
  );

  app.get('/api/orders/:id', { schema: { params: entityIdParamsSchema } }, async (req, reply) => {
    const order = await getOrder(deps.pool, req.params.id);
    if (!order)
      return reply
        .code(404)
        .send({ error: 'not_found', message: `no order ${req.params.id}` } satisfies ApiError);
    return order;
  });

  app.get('/api/shipments/:id', { schema: { params: entityIdParamsSchema } }, async (req, reply) => {
    const shipment = await getShipment(deps.pool, req.params.id);
    if (!shipment)
      return reply
        .code(404)
        .send({ error: 'not_found', message: `no shipment ${req.params.id}` } satisfies ApiError);
    return shipment;
  });

  app.get('/api/lookup/:id', { schema: { params: entityIdParamsSchema } }, async (req, reply) => {
    const found = await lookupEntity(deps.pool, deps.redis, deps.prefix, req.params.id);
    if (!found)
      return reply
        .code(404)
        .send({ error: 'not_found', message: `no order or shipment ${req.params.id}` } satisfies ApiError);
    return found;
  });

  app.get('/api/kpi/summary', { schema: { querystring: kpiQuerySchema } }, async (req) => {
    const q = req.query;
    // The live all-data snapshot is cached in Redis by the analytics-aggregator after each refresh.
    if (!q.from && !q.to && !q.includeDrills) {
      const cached = await readSnapshot(deps);
      if (cached) return cached;
    }
    return queryKpiSummary(deps.pool, q);
  });

  app.get('/api/kpi/daily', { schema: { querystring: kpiQuerySchema } }, async (req) =>
    queryKpiDaily(deps.pool, req.query),
  );

  app.get('/api/dead-letters', { schema: { querystring: deadLetterListQuerySchema } }, async (req) =>
    listDeadLetters(deps.pool, req.query),
  );

  app.post('/api/dead-letters/redrive', { schema: { body: deadLetterRedriveSchema } }, async (req, reply) => {
    const { status, body } = await redriveDeadLetters(deps, req.body.keys);
    return reply.code(status).send(body);
  });

  app.get('/api/health', async () => deps.health());

  app.get('/api/drift/last', async () => {
    const { rows } = await deps.pool.query<{ id: number; report: DriftReport }>(
      'SELECT id, report FROM drift_checks ORDER BY id DESC LIMIT 1',
    );
    const last = rows[0];
    // null (not 404) before the first check: "none yet" is a normal answer, not a missing route.
    return last ? { ...last.report, id: last.id } : null;
  });

  app.get('/api/live', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    const unsubscribe = deps.subscribe((n) => res.write(`event: change\ndata: ${JSON.stringify(n)}\n\n`));
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), 15_000);
    req.raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  return app;
}

async function readSnapshot(deps: ApiDeps): Promise<KpiSummary | null> {
  if (deps.redis.status !== 'ready') return null;
  try {
    const text = await deps.redis.get(redisKeys(deps.prefix).kpiSnapshot);
    return text ? (JSON.parse(text) as KpiSummary) : null;
  } catch {
    return null; // Redis is a cache: fall back to PostgreSQL
  }
}

function sendError(reply: FastifyReply, err: unknown, log: Logger): FastifyReply {
  if (err instanceof ValidationFailedError) {
    const body: ApiError = { error: 'validation_failed', message: err.message, issues: err.issues };
    if (err.index !== undefined) body.index = err.index;
    return reply.code(400).send(body);
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({
      field: v.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)',
      // A refinement names its rule in `params.rule` (see contracts/api.ts); zod calls it `custom`.
      rule: String((v.params as { params?: { rule?: unknown } }).params?.rule ?? v.keyword),
      message: v.message ?? 'invalid',
    }));
    const body: ApiError = {
      error: 'validation_failed',
      message: `${err.validationContext ?? 'request'} is invalid: ${issues.map((i) => `${i.field} ${i.rule}`).join(', ')}`,
      issues,
    };
    return reply.code(400).send(body);
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
  if (err instanceof ServiceUnavailableError) {
    const error = err.service === 'kafka' ? 'broker_unavailable' : `${err.service}_unavailable`;
    const message =
      err.service === 'kafka'
        ? `Kafka broker unavailable: nothing was published. ${err.message}`
        : err.message;
    return reply.code(503).send({ error, message } satisfies ApiError);
  }
  if (isDatabaseUnavailable(err)) {
    return reply.code(503).send({
      error: 'postgres_unavailable',
      message: `PostgreSQL is unavailable (${(err as Error).message}); the console recovers when it is back.`,
    } satisfies ApiError);
  }
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    const code =
      e.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'payload_too_large'
        : e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'unsupported_media_type'
          : 'bad_request';
    const message =
      code === 'payload_too_large'
        ? `body is larger than ${BODY_LIMIT_BYTES} bytes`
        : (e.message ?? 'bad request');
    const field = e.code === 'FST_ERR_BAD_URL' || e.code === 'FST_ERR_MAX_PARAM_LENGTH' ? '(url)' : '(body)';
    return reply
      .code(e.statusCode)
      .send({ error: code, message, issues: [{ field, rule: code, message }] } satisfies ApiError);
  }
  log.error({ err: String(err) }, 'unhandled API error');
  return reply
    .code(500)
    .send({ error: 'internal', message: 'internal error; see the main process log' } satisfies ApiError);
}
