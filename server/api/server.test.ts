import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES, type StackHealth, type StartupDetail, type StartupSummary } from '../../contracts';
import { TEXT_RULE_MESSAGE } from '../../contracts/text';
import type { Pool } from '../../runtime/db';
import { createLogger } from '../../runtime/logger';
import { ServiceUnavailableError } from '../../runtime/service-errors';
import type { RedisClient } from '../../runtime/redis';
import type { EventPublisher } from '../../runtime/kafka';
import { loadScenarioLibrary } from '../drills/library';
import { DrillRunner } from '../drills/runner';
import { buildApiServer } from './server';

/** The routes of the OpenAPI document: `paths[path][method].responses`. */
type OpenApi = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, OpenApiResponse>; security?: Record<string, string[]>[] }>
  >;
  components?: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
};
type OpenApiResponse = { description?: string; content?: Record<string, { schema?: unknown }> };

const TOKEN = 'machine-token-for-the-test';
const auth = { authorization: `Bearer ${TOKEN}` };

/** Calls `read` until it gives `expected` (deep equality); fails after 50 tries 20 ms apart. */
async function waitForValue<T>(read: () => Promise<T>, expected: T): Promise<void> {
  let last: T | undefined;
  for (let i = 0; i < 50; i++) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(last).toEqual(expected);
}

describe('API server and the route table', () => {
  const logLines: string[] = [];
  let driftRow: Record<string, unknown> | null = null;
  let health: unknown = null;
  const startup: StartupDetail = {
    phase: 'connecting',
    services: [
      {
        name: 'postgres',
        state: 'down',
        required: true,
        address: 'postgres://sct:***@db.internal:5499/sct',
        reached: false,
        version: null,
        latencyMs: null,
        error: 'PostgreSQL is not reachable at postgres://sct:***@db.internal:5499/sct (connection refused).',
        checkedAt: '2026-12-03T10:00:00.000Z',
      },
    ],
    attempt: 3,
    nextAttemptAt: null,
    since: '2026-12-03T10:00:00.000Z',
    problem: null,
  };
  let kpiDays: {
    day: string;
    created: number;
    shipped: number;
    delivered: number;
    onTime: number;
    late: number;
  }[] = [];
  /** The `detail` of each audit row written. */
  const auditDetails: Record<string, unknown>[] = [];
  /** A drill run the stub PostgreSQL knows (paused: it can be resumed). */
  const pausedRun = { id: '6f1c2a4e-0000-4000-8000-00000000a11d', drillId: 'lost-parcel-6f1c2a4e' };
  let app: FastifyInstance;
  let base = '';

  beforeAll(async () => {
    // No services: the routes under test read only these stubs.
    const pool = {
      query: async (sql: string, params: unknown[] = []) => {
        if (sql.includes('FROM kpi_daily')) return { rows: kpiDays };
        if (sql.includes('INSERT INTO audit_log')) {
          auditDetails.push(JSON.parse(String(params[7])) as Record<string, unknown>);
          return { rows: [] };
        }
        // The purge's checks and preview: a drill that exists and has nothing left to remove.
        if (sql.includes('AS known')) return { rows: [{ run_id: null, state: null, known: true }] };
        if (sql.includes('"alreadyPurged"'))
          return { rows: [{ drillId: params[0], order_ids: [], shipment_ids: [] }] };
        if (sql.includes('FROM drill_runs WHERE id'))
          return {
            rows:
              params[0] === pausedRun.id
                ? [{ id: pausedRun.id, drill_id: pausedRun.drillId, state: 'paused', sent_events: 3 }]
                : [],
          };
        return { rows: driftRow ? [{ id: 7, report: driftRow }] : [] };
      },
    } as unknown as Pool;
    const log = createLogger('server-test', 'info', { write: (line: string) => void logLines.push(line) });
    const kafkaDown = async (): Promise<never> => {
      throw new ServiceUnavailableError('kafka', 'kafka.internal:9092', 'connection refused');
    };
    app = await buildApiServer({
      pool,
      publisher: { publishToEveryPartition: kafkaDown } as unknown as EventPublisher,
      log,
      drills: new DrillRunner({
        pool,
        publisher: {} as EventPublisher,
        log,
        library: loadScenarioLibrary(),
        health: async () => health as StackHealth,
        highWatermarks: async () => [],
        prefix: 'test',
        audit: async () => undefined,
      }),
      redis: { status: 'end' } as RedisClient,
      prefix: 'test',
      machineToken: TOKEN,
      machinePrincipal: {
        operator: 'os:test',
        displayName: 'test',
        role: 'owner',
        method: 'token',
        expiresAt: null,
      },
      apiHost: '127.0.0.1',
      health: async () => health as StackHealth,
      startup: () => startup,
      settings: {
        view: () => ({
          values: {
            kafkaBrokers: ['127.0.0.1:9092'],
            databaseUrl: 'postgres://sct:***@db.internal:5432/sct',
            redisUrl: 'redis://127.0.0.1:6379/0',
            topicPrefix: 'sct',
            siteTimeZone: 'UTC',
            display: { theme: 'system' },
          },
          sources: {
            kafkaBrokers: 'environment',
            databaseUrl: 'file',
            redisUrl: 'default',
            topicPrefix: 'default',
            siteTimeZone: 'default',
            display: 'default',
          },
          writable: false,
          readOnlyReason: 'headless: set the environment',
          secretStorage: 'none',
        }),
        test: async () => ({ results: [], testedAt: new Date().toISOString() }),
        save: () => null,
      },
      subscribe: () => () => undefined,
    });
    // A real loopback socket: the Host check compares the Host header with the local port.
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await app.close();
  });

  const get = async (url: string) => {
    const res = await fetch(`${base}${url}`, { headers: auth });
    const text = await res.text();
    return { statusCode: res.status, json: <T = unknown>() => JSON.parse(text) as T };
  };

  it('documents a success answer schema and the error body for every route of the table', async () => {
    const res = await get('/api/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json<OpenApi>();
    for (const route of API_ROUTES) {
      const key = `${route.method} ${route.path}`;
      const entry = doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      expect(entry, key).toBeDefined();
      const statuses = Object.keys(route.responses);
      expect(statuses.length, key).toBeGreaterThan(0);
      for (const status of statuses) {
        const answer = entry!.responses[status];
        expect(answer, `${key} ${status}`).toBeDefined();
        if (status === '204') continue; // no content, by definition
        const type = 'stream' in route ? route.stream : 'application/json';
        expect(answer!.content?.[type]?.schema, `${key} ${status} ${type}`).toEqual(expect.any(Object));
      }
      expect(entry!.responses['4XX']?.content?.['application/json']?.schema, key).toMatchObject({
        required: expect.arrayContaining(['error', 'message']),
      });
      expect(entry!.security, key).toEqual(route.access === 'public' ? [] : [{ bearer: [] }]);
    }
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('describes the answers field by field (an order page lists punctuality)', async () => {
    const doc = (await get('/api/openapi.json')).json<OpenApi>();
    const schema = doc.paths['/api/orders']!.get!.responses['200']!.content!['application/json']!.schema;
    expect(JSON.stringify(schema)).toContain('"punctuality"');
    const live = doc.paths['/api/live']!.get!.responses['200']!.content!['text/event-stream']!.schema;
    expect(JSON.stringify(live)).toContain('"truncated"');
  });

  it('leaves out of an answer the fields its schema does not name', async () => {
    driftRow = {
      startedAt: '2024-05-03T10:00:00.000Z',
      finishedAt: '2024-05-03T10:01:00.000Z',
      replaySchema: 'replay_x',
      replayedMessages: 10,
      replayEventsPerSecond: 100,
      ok: true,
      streamMoved: false,
      tables: [],
      kpiDifferences: [],
      redis: { checked: 0, stale: 0, sampleKeys: [] },
      internalNote: 'not for clients',
    };
    const res = await get('/api/drift/last');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: 7, ok: true });
    expect(res.json()).not.toHaveProperty('internalNote');
    driftRow = null;
    expect((await get('/api/drift/last')).json()).toBeNull();
  });

  it('answers an unknown route with the one 404 shape of unknown URLs (an ApiError naming (url))', async () => {
    const res = await get('/api/no-such-route?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: 'not_found',
      message: 'no route GET /api/no-such-route',
      issues: [{ field: '(url)', rule: 'not_found', message: 'no route GET /api/no-such-route' }],
    });
  });

  it('answers 500 and logs a server bug naming the route and the field when an answer breaks its schema', async () => {
    health = { services: [], workers: [{ name: 'order-processor', state: 'running' }], checkedAt: 'now' };
    logLines.length = 0;
    const res = await get('/api/health');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ error: 'internal', message: expect.stringContaining('schema') });
    const line = logLines.map((l) => JSON.parse(l) as { msg: string; route?: string }).find((l) => l.route);
    expect(line?.route).toBe('GET /api/health');
    expect(line?.msg).toMatch(/API bug: the answer of GET \/api\/health does not match its schema/);
    expect(line?.msg).toContain('workers.0.pid');
  });

  it('refuses a KPI series that would need more buckets than a series holds, naming the field', async () => {
    const day = (d: string) => ({ day: d, created: 1, shipped: 0, delivered: 0, onTime: 0, late: 0 });
    kpiDays = [day('2010-01-01'), day('2020-03-01')];
    const byDay = await get('/api/kpi/daily?bucket=day');
    expect(byDay.statusCode).toBe(400);
    expect(byDay.json()).toMatchObject({
      error: 'validation_failed',
      issues: [{ field: 'bucket', rule: 'max_buckets' }],
    });
    const picked = await get('/api/kpi/daily');
    expect(picked.statusCode).toBe(200);
    expect(picked.json()).toMatchObject({ bucket: 'month', from: '2010-01-01', to: '2020-03-01' });
  });

  const post = async (url: string, body: unknown) => {
    const res = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { statusCode: res.status, json: <T = unknown>() => JSON.parse(text) as T };
  };

  const order = (type: string, data: unknown) => ({
    specversion: '1.0',
    id: '3f1c2a4e-8b7d-4c2a-9e1f-0a1b2c3d4e5f',
    source: 'test',
    type,
    subject: 'o-1',
    time: '2024-03-01T12:00:00Z',
    data,
  });

  it('refuses an event whose free text holds a bidi override with 400, naming the field (QA: spoofed file name)', async () => {
    const res = await post(
      '/api/events',
      order('sct.order.cancelled.v1', { reason: 'crushed \u202egnp.exe' }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'validation_failed',
      issues: [{ field: 'data.reason', rule: 'format:regex', message: TEXT_RULE_MESSAGE }],
    });
  });

  it('names a broken field and rule once in the message (QA: quantity 1e20 was "too_big, too_big")', async () => {
    const res = await post(
      '/api/events',
      order('sct.order.created.v1', {
        customerId: 'c-1',
        warehouseId: 'w-1',
        siteTimeZone: 'UTC',
        promisedDate: '2024-03-10',
        lines: [{ sku: 'A', quantity: 1e20 }],
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toBe('event is invalid: data.lines.0.quantity too_big');
  });

  it('lists the drill scenario library with typed parameters and checks', async () => {
    const res = await get('/api/drills/scenarios');
    expect(res.statusCode).toBe(200);
    const { scenarios } = res.json<{
      scenarios: { id: string; parameters: { name: string; min: number | null }[] }[];
    }>();
    expect(scenarios.map((s) => s.id)).toEqual([
      'carrier-delay-wave',
      'warehouse-surge',
      'lost-parcel',
      'site-closure',
      'failed-delivery-spike',
    ]);
    const orders = scenarios[0]!.parameters.find((p) => p.name === 'orders');
    expect(orders).toMatchObject({ name: 'orders', kind: 'integer', unit: 'orders', min: 1 });
  });

  it('previews a scenario (counts by type, entities, first events, expected outcome) and names a parameter out of its limits', async () => {
    const res = await post('/api/drills/preview', {
      scenarioId: 'lost-parcel',
      parameters: { orders: 3 },
      sample: 2,
    });
    expect(res.statusCode).toBe(200);
    const preview = res.json<{
      totalEvents: number;
      countsByType: Record<string, number>;
      firstEvents: { type: string; drillid: string }[];
      entities: { orders: number; shipments: number };
      expectedOutcome: { checkId: string; expected: number }[];
      hypothesis: string;
    }>();
    // 3 parcels x (created, approved, picked, packed, shipped, shipment created, in transit, exception)
    expect(preview.totalEvents).toBe(24);
    expect(preview.countsByType['sct.shipment.exception.v1']).toBe(3);
    expect(preview.entities).toMatchObject({ orders: 3, shipments: 3 });
    expect(preview.firstEvents).toHaveLength(2);
    expect(preview.firstEvents[0]!.type).toBe('sct.order.created.v1');
    expect(preview.expectedOutcome.find((o) => o.checkId === 'exceptions')?.expected).toBe(3);
    expect(preview.hypothesis).toContain('Open exceptions show 3 shipments');

    const tooMany = await post('/api/drills/preview', {
      scenarioId: 'lost-parcel',
      parameters: { orders: 1_000_000 },
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ issues: [{ field: 'parameters.orders', rule: 'max' }] });
    const unknown = await post('/api/drills/preview', { scenarioId: 'no-such-scenario' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ issues: [{ field: 'scenarioId', rule: 'unknown_scenario' }] });
  });

  it('names every bad drill parameter and field in one answer, not one kind of check per round (QA)', async () => {
    // A parameter of the wrong kind (schema), one out of the scenario's limits and a bad seed:
    // the limit used to be reported only once the others were fixed.
    const body = {
      scenarioId: 'lost-parcel',
      parameters: { warehouseId: 'bad id!', orders: 1_000_000, siteTimeZone: 'Mars/Olympus' },
      seed: -1,
    };
    for (const path of ['/api/drills/preview', '/api/drills/runs']) {
      const res = await post(path, path.endsWith('runs') ? { ...body, note: 'qa' } : body);
      expect(res.statusCode, path).toBe(400);
      const fields = res
        .json<{ issues: { field: string; rule: string }[] }>()
        .issues.map((i) => `${i.field} ${i.rule}`);
      expect(fields, path).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^parameters\.warehouseId /),
          expect.stringMatching(/^parameters\.siteTimeZone /),
          'parameters.orders max',
          expect.stringMatching(/^seed /),
        ]),
      );
      expect(new Set(fields.map((f) => f.split(' ')[0])).size, path).toBe(fields.length);
    }
  });

  it('names the drill and run in the audit row of a drill start, resume or purge that failed (QA: 503 rows named no drill)', async () => {
    const healthBefore = health;
    try {
      health = {
        services: [{ name: 'kafka', state: 'down', address: 'kafka.internal:9092', detail: 'refused' }],
        workers: [],
        checkedAt: '2026-12-03T10:00:00.000Z',
      };
      auditDetails.length = 0;
      const start = await post('/api/drills/runs', { scenarioId: 'lost-parcel', parameters: { orders: 2 } });
      expect(start.statusCode).toBe(503);
      const resume = await post(`/api/drills/runs/${pausedRun.id}/resume`, {});
      expect(resume.statusCode).toBe(503);
      const purge = await post('/api/drills/site-closure-0badc0de/purge', { reason: 'clean up' });
      expect(purge.statusCode).toBe(503);
      expect(auditDetails).toHaveLength(3);
      const [started, resumed, purged] = auditDetails;
      expect(started).toMatchObject({ scenarioId: 'lost-parcel', error: 'broker_unavailable' });
      // The run id chosen for the start, and the drill id the run would have had.
      expect(started!['runId']).toMatch(/^[0-9a-f-]{36}$/);
      expect(started!['drillId']).toBe(
        `lost-parcel-${String(started!['runId']).replace(/-/g, '').slice(0, 8)}`,
      );
      expect(resumed).toEqual({
        runId: pausedRun.id,
        drillId: pausedRun.drillId,
        error: 'broker_unavailable',
      });
      expect(purged).toEqual({ drillId: 'site-closure-0badc0de', error: 'broker_unavailable' });
    } finally {
      health = healthBefore;
    }
  });

  it('tells anyone the start-up phase and up/down per service, and the addresses and errors only to a signed-in caller', async () => {
    const anonymous = await fetch(`${base}/api/startup`);
    expect(anonymous.status).toBe(200);
    const text = await anonymous.text();
    expect(JSON.parse(text)).toEqual({
      phase: 'connecting',
      services: [{ name: 'postgres', state: 'down', required: true }],
    });
    expect(text).not.toMatch(/db\.internal|5499|refused|sct:/);
    expect((await fetch(`${base}/api/startup/detail`)).status).toBe(401);
    const detail = await get('/api/startup/detail');
    expect(detail.statusCode).toBe(200);
    expect(detail.json<StartupDetail>().services[0]).toMatchObject({
      address: 'postgres://sct:***@db.internal:5499/sct',
      error: expect.stringContaining('connection refused'),
    });
  });

  it('reports the current state of each service once ready (QA: Kafka "up" after it stopped), still only up/down', async () => {
    const before = structuredClone(startup);
    const healthBefore = health;
    try {
      startup.phase = 'ready';
      startup.services = (['kafka', 'postgres', 'redis'] as const).map((name) => ({
        ...before.services[0]!,
        name,
        state: 'up',
        required: name !== 'redis',
        reached: true,
        error: null,
      }));
      const now = (kafka: 'up' | 'down', redis: 'up' | 'degraded') => ({
        services: [
          { name: 'kafka', state: kafka, address: 'kafka.internal:9092', detail: 'x' },
          { name: 'postgres', state: 'up', address: 'postgres://sct:***@db.internal:5499/sct', detail: 'ok' },
          { name: 'redis', state: redis, address: 'redis://h:6379/0', detail: 'slow' },
        ],
        workers: [],
        checkedAt: '2026-12-03T10:00:00.000Z',
      });
      health = now('down', 'degraded');
      const states = async () =>
        ((await (await fetch(`${base}/api/startup`)).json()) as StartupSummary).services.map(
          (s) => `${s.name}:${s.state}`,
        );
      // A health round is waited for up to 500 ms (this fake answers at once).
      await states();
      await waitForValue(states, ['kafka:down', 'postgres:up', 'redis:up']);
      const text = await (await fetch(`${base}/api/startup`)).text();
      expect(text).not.toMatch(/internal|9092|5499|slow/);
      health = now('up', 'up');
      await waitForValue(states, ['kafka:up', 'postgres:up', 'redis:up']);
    } finally {
      Object.assign(startup, before);
      health = healthBefore;
    }
  });

  it('refuses to save settings where they are read-only, and names the field of a bad one', async () => {
    const postRaw = (url: string, body: unknown) =>
      fetch(`${base}${url}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const settings = {
      kafkaBrokers: ['127.0.0.1:9092'],
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/sct',
      redisUrl: 'redis://127.0.0.1:6379/0',
      topicPrefix: 'sct',
      siteTimeZone: 'UTC',
      display: { theme: 'dark' },
    };
    const readOnly = await postRaw('/api/settings', settings);
    expect(readOnly.status).toBe(409);
    expect(await readOnly.json()).toMatchObject({
      error: 'settings_read_only',
      message: expect.stringContaining('headless'),
    });
    const bad = await postRaw('/api/settings/test', {
      ...settings,
      siteTimeZone: 'Mars/Olympus',
      kafkaBrokers: ['nohost'],
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { issues: { field: string }[] };
    expect(body.issues.map((i) => i.field).sort()).toEqual(['kafkaBrokers.0', 'siteTimeZone']);
  });
});
