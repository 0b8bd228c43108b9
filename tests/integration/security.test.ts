/**
 * The API's access control, tried as an attacker on the same machine would (security issue):
 *
 * - every route of the route table, and unknown ones, under encoded, doubled, dotted, mixed-case
 *   and trailing-slash variants of its path, without and with wrong credentials: 401, 404 (or
 *   400 for a path the router cannot decode), never a 2xx, and no effect (topic high-water marks
 *   and the audit log unchanged);
 * - foreign Host (DNS rebinding) and foreign Origin / cross-site requests are refused;
 * - each role against each route, allowed and refused, as the README's role matrix says;
 * - sign-in, sessions (expiry, sign-out, disabled operator), the lockout and the rate limits,
 *   the whole-request timeout, per-route body limits, security headers and the console's CSP,
 *   and no source maps served.
 *
 * Requests go out through `node:http` with the path exactly as written (fetch would normalize
 * dot segments and encodings before they reach the server).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_ROUTES,
  OPERATOR_ROLES,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  ROLES,
  roleCan,
  topicNames,
  type ApiRoute,
  type LoginResult,
  type Permission,
  type Role,
} from '../../contracts';
import { CONSOLE_CSP } from '../../server/api/static-console';
import { createKafka } from '../../runtime/kafka';
import { createOperator, updateOperator } from '../../runtime/operators';
import {
  FAST_HASH,
  orderCreated,
  repoRoot,
  startDeployment,
  waitFor,
  type TestDeployment,
} from '../support/harness';

const PASSWORD = 'correct horse battery staple';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request with the path sent exactly as given. `Host` defaults to the server's own
 * address. With `headOnly` the answer is taken at its headers (for the never-ending live stream).
 */
function raw(
  d: TestDeployment,
  req: { method?: string; path: string; headers?: Record<string, string>; body?: string; headOnly?: boolean },
): Promise<RawResponse> {
  const url = new URL(d.core.url);
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: url.hostname,
        port: Number(url.port),
        method: req.method ?? 'GET',
        path: req.path,
        headers: {
          host: url.host,
          ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...req.headers,
        },
      },
      (res) => {
        if (req.headOnly) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
          res.destroy();
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

/** A sample path of a route (parameters filled in). */
function samplePath(route: Pick<ApiRoute, 'path'>): string {
  // Drill runs are named by UUID (a run that does not exist: 404 once access is granted).
  if (route.path.startsWith('/api/drills/'))
    return route.path.replace(':id', '5f0c2b8e-3c1d-4e7a-9b2f-0a1b2c3d4e5f');
  return route.path.replace(':id', 'o-1').replace(':drillId', 'drill-sec-purged'); // not drill-sec: a purged drill's events are refused
}

/** A body that would change something if the route ran. */
function sampleBody(route: ApiRoute, drill = false): string | undefined {
  if (route.method !== 'POST') return undefined;
  const event = orderCreated(`sec-${randomUUID().slice(0, 8)}`, drill ? { drillid: 'drill-sec' } : {});
  if (route.path === '/api/events') return JSON.stringify(event);
  if (route.path === '/api/events/batch') return JSON.stringify({ events: [event] });
  if (route.path === '/api/dead-letters/redrive')
    return JSON.stringify({ keys: [{ sourceTopic: 'x', sourcePartition: 0, sourceOffset: '1' }] });
  if (route.path === '/api/auth/login') return JSON.stringify({ username: 'nobody', password: 'x' });
  // A one-parcel drill sent at once (done before the next role starts one).
  if (route.path === '/api/drills/runs' || route.path === '/api/drills/preview')
    return JSON.stringify({ scenarioId: 'lost-parcel', parameters: { orders: 1, rate: 5000 } });
  if (route.path === '/api/drills/runs/:id/note') return JSON.stringify({ note: 'security test' });
  if (route.path.startsWith('/api/settings'))
    return JSON.stringify({
      kafkaBrokers: ['127.0.0.1:9092'],
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/sct',
      redisUrl: 'redis://127.0.0.1:6379/0',
      topicPrefix: 'sct',
      siteTimeZone: 'UTC',
      display: { theme: 'system' },
    });
  return '{}';
}

/**
 * Variants of a path that a router, a proxy or a file server might map back to it: percent-encoded
 * letters (each one, all of them, double-encoded), an encoded slash, doubled slashes, dot
 * segments (plain and encoded), other letter case, trailing slashes, matrix parameters, a NUL.
 */
export function pathVariants(p: string): string[] {
  const [, first, ...rest] = p.split('/');
  const tail = rest.length ? `/${rest.join('/')}` : '';
  const enc = (c: string) => `%${c.charCodeAt(0).toString(16)}`;
  const encUpper = (c: string) => enc(c).toUpperCase();
  const out = new Set<string>();
  [...first!].forEach((_, i) => {
    const chars = [...first!];
    out.add(`/${chars.map((c, j) => (j === i ? enc(c) : c)).join('')}${tail}`);
    out.add(`/${chars.map((c, j) => (j === i ? encUpper(c) : c)).join('')}${tail}`);
  });
  out.add(`/${[...first!].map(enc).join('')}${tail}`);
  out.add(`/${[...first!].map((c) => `%25${c.charCodeAt(0).toString(16)}`).join('')}${tail}`);
  if (rest[0]) {
    out.add(
      `/${first}/${enc(rest[0][0]!)}${rest[0].slice(1)}${rest.length > 1 ? `/${rest.slice(1).join('/')}` : ''}`,
    );
    out.add(`/${first}%2f${rest.join('/')}`);
    out.add(`/${first}%2F${rest.join('/')}`);
    out.add(`/${first}//${rest.join('/')}`);
    out.add(`/${first}/./${rest.join('/')}`);
    out.add(`/${first}/x/../${rest.join('/')}`);
    out.add(`/${first}/%2e/${rest.join('/')}`);
    out.add(`/${first}/x/%2e%2e/${rest.join('/')}`);
    out.add(`/${first}\\${rest.join('/')}`);
    out.add(`/${first}/${rest.join('/').toUpperCase()}`);
  }
  out.add(`/${p}`);
  out.add(`/.${p}`);
  out.add(`/x/..${p}`);
  out.add(`/%2e${p}`);
  out.add(`/${first!.toUpperCase()}${tail}`);
  out.add(`/${first![0]!.toUpperCase()}${first!.slice(1)}${tail}`);
  out.add(`${p}/`);
  out.add(`${p}//`);
  out.add(`${p}/.`);
  out.add(`${p};x=1`);
  out.add(`${p}%00`);
  out.add(`${p}?`);
  out.delete(p);
  return [...out];
}

/**
 * Sum of the high-water marks of the deployment's topics: anything published moves it. Retried
 * for a few seconds: right after a broker starts, a new partition's leader may still answer
 * NOT_LEADER_OR_FOLLOWER.
 */
async function highWaterMarks(d: TestDeployment): Promise<number> {
  const admin = createKafka(d.config, 'sct-security-test').admin();
  await admin.connect();
  try {
    return await waitFor(
      'the topics high-water marks',
      async () => {
        let sum = 0;
        for (const topic of Object.values(topicNames(d.config.topicPrefix))) {
          for (const p of await admin.fetchTopicOffsets(topic)) sum += Number(p.high);
        }
        return { sum };
      },
      15_000,
      300,
    ).then((r) => r.sum);
  } finally {
    await admin.disconnect();
  }
}

async function auditCount(d: TestDeployment): Promise<number> {
  return (await d.core.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0]!.n;
}

async function login(d: TestDeployment, username: string, password = PASSWORD): Promise<RawResponse> {
  return raw(d, { method: 'POST', path: '/api/auth/login', body: JSON.stringify({ username, password }) });
}

describe('authentication is decided on the matched route', () => {
  let d: TestDeployment;
  beforeAll(async () => {
    // Served with the console, as in production (its wildcard route is the other surface); the
    // failure limit is out of the way here (its own test is below).
    d = await startDeployment({ workers: false, console: true, limits: { authFailures: 1_000_000 } });
  });
  afterAll(async () => d?.close());

  it('answers every route without a credential with 401', async () => {
    for (const route of API_ROUTES.filter((r) => r.access !== 'public')) {
      const res = await raw(d, { method: route.method, path: samplePath(route), body: sampleBody(route) });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
    }
  });

  it('never serves a route through an encoded, doubled, dotted, mixed-case or trailing-slash path', async () => {
    const hwmBefore = await highWaterMarks(d);
    const auditBefore = await auditCount(d);
    const credentials: Record<string, string | undefined> = {
      none: undefined,
      wrong: 'Bearer not-the-token-at-all-0123456789',
      almost: `Bearer ${d.core.token.slice(0, -1)}${d.core.token.endsWith('A') ? 'B' : 'A'}`,
      scheme: `Basic ${Buffer.from(`x:${d.core.token}`).toString('base64')}`,
      session: 'Bearer scts_forged-session-token',
    };
    const seen = new Map<number, number>();
    const unknown = ['/api/nope', '/api/orders/o-1/x', '/api/events/batch/extra', '/api', '/api/'];
    for (const route of [
      ...API_ROUTES.filter((r) => r.access !== 'public'),
      ...unknown.map((p) => ({ method: 'GET' as const, path: p })),
    ]) {
      const variants = pathVariants(samplePath(route));
      for (const variant of [samplePath(route), ...variants]) {
        for (const [name, authorization] of Object.entries(credentials)) {
          const body = 'access' in route ? sampleBody(route) : undefined;
          const res = await raw(d, {
            method: route.method,
            path: variant,
            body,
            headers: authorization ? { authorization } : {},
          });
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          // 400 only for paths the router cannot take apart (e.g. an encoded NUL in a parameter).
          expect(
            [400, 401, 404],
            `${route.method} ${variant} (${name}): ${res.status} ${res.body.slice(0, 200)}`,
          ).toContain(res.status);
        }
      }
    }
    expect(seen.get(401)).toBeGreaterThan(100);
    expect(await highWaterMarks(d)).toBe(hwmBefore);
    expect(await auditCount(d)).toBe(auditBefore);
  });

  it('serves the console (the one unauthenticated surface) and accepts the scheme in any case', async () => {
    expect((await raw(d, { path: '/' })).status).toBe(200);
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const res = await raw(d, {
        path: '/api/orders',
        headers: { authorization: `${scheme} ${d.core.token}` },
      });
      expect(res.status, scheme).toBe(200);
    }
  });

  it('refuses a foreign Host on every surface, even with the right token (DNS rebinding)', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${new URL(d.core.url).port}`,
      '127.0.0.1.evil.example',
      'localhost:1',
    ]) {
      for (const p of ['/', '/api/orders', '/api/health']) {
        const res = await raw(d, { path: p, headers: { host, authorization: `Bearer ${d.core.token}` } });
        expect(res.status, `${host} ${p}`).toBe(403);
        expect(JSON.parse(res.body)).toMatchObject({ error: 'host_not_allowed' });
      }
    }
    const port = new URL(d.core.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      expect(
        (await raw(d, { path: '/api/orders', headers: { host, authorization: `Bearer ${d.core.token}` } }))
          .status,
      ).toBe(200);
    }
  });

  it('refuses an absolute-form request target naming another host (RFC 9112 §3.2.2)', async () => {
    const auth = { authorization: `Bearer ${d.core.token}` };
    const res = await raw(d, { path: 'http://evil.example/api/orders', headers: auth });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'host_not_allowed' });
    expect((await raw(d, { path: `${d.core.url}/api/orders`, headers: auth })).status).toBe(200);
  });

  it('records no sign-out for the machine token (it stays valid: nothing ended)', async () => {
    const before = await auditCount(d);
    const auth = { authorization: `Bearer ${d.core.token}` };
    expect((await raw(d, { method: 'POST', path: '/api/auth/logout', headers: auth })).status).toBe(204);
    expect(await auditCount(d)).toBe(before);
    expect((await raw(d, { path: '/api/auth/session', headers: auth })).status).toBe(200);
  });

  it('refuses foreign-Origin and cross-site requests, and publishes nothing for them', async () => {
    const before = await highWaterMarks(d);
    const auth = { authorization: `Bearer ${d.core.token}` };
    const event = JSON.stringify(orderCreated(`sec-origin-${randomUUID().slice(0, 8)}`));
    const foreign: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: `http://127.0.0.1:${Number(new URL(d.core.url).port) + 1}` },
      { origin: `https://${new URL(d.core.url).host}` },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of foreign) {
      const res = await raw(d, {
        method: 'POST',
        path: '/api/events',
        body: event,
        headers: { ...auth, ...headers },
      });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'origin_not_allowed' });
    }
    expect(await highWaterMarks(d)).toBe(before);
    const same = await raw(d, {
      method: 'POST',
      path: '/api/events',
      body: event,
      headers: { ...auth, origin: d.core.url, 'sec-fetch-site': 'same-origin' },
    });
    expect(same.status).toBe(202);
  });

  it('sends the security headers from one place, the console CSP included, and no source maps', async () => {
    for (const p of ['/', '/api/health']) {
      const res = await raw(d, { path: p, headers: { authorization: `Bearer ${d.core.token}` } });
      const directives = (csp: string | string[] | undefined) =>
        String(csp ?? '')
          .split(';')
          .map((d) => d.trim());
      expect(directives(res.headers['content-security-policy']), p).toEqual(directives(CONSOLE_CSP));
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
    // The policy allows no inline or evaluated script, and no other origin.
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    const html = readFileSync(path.join(repoRoot, 'out', 'renderer', 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script for the CSP to allow
    const assets = path.join(repoRoot, 'out', 'renderer', 'assets');
    const files = existsSync(assets) ? readdirSync(assets) : [];
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    const js = files.find((f) => f.endsWith('.js'))!;
    expect((await raw(d, { path: `/assets/${js}.map` })).status).toBe(404);
    expect(readFileSync(path.join(assets, js), 'utf8')).not.toContain('sourceMappingURL');
  });

  it('answers a traversal attempt without blaming the body', async () => {
    for (const p of [
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2f..%2fpackage.json',
    ]) {
      const res = await raw(d, { path: p });
      expect(res.status, p).toBeGreaterThanOrEqual(400);
      expect(res.status, p).toBeLessThan(500);
      expect(res.body).not.toContain('(body)');
      expect(res.body).not.toContain('"name": "supply-chain-event-tracker"');
    }
  });

  it('limits bodies per route', async () => {
    const auth = { authorization: `Bearer ${d.core.token}` };
    const big = (n: number) => JSON.stringify({ ...orderCreated('o-big'), source: 'x'.repeat(n) });
    const single = await raw(d, {
      method: 'POST',
      path: '/api/events',
      body: big(300 * 1024),
      headers: auth,
    });
    expect(single.status).toBe(413);
    expect(JSON.parse(single.body)).toMatchObject({
      error: 'payload_too_large',
      issues: [{ field: '(body)' }],
    });
    const loginBody = JSON.stringify({ username: 'x', password: 'y'.repeat(20 * 1024) });
    expect((await raw(d, { method: 'POST', path: '/api/auth/login', body: loginBody })).status).toBe(413);
  });
});

describe('operators, roles and sessions', () => {
  let d: TestDeployment;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    d = await startDeployment({
      workers: false,
      sessions: { recheckMs: 0 },
      limits: { authFailures: 1_000_000 },
    });
    for (const role of OPERATOR_ROLES) {
      await createOperator(
        d.core.pool,
        { username: `op-${role.replace('_', '-')}`, role, password: PASSWORD },
        FAST_HASH,
      );
      const res = await login(d, `op-${role.replace('_', '-')}`);
      expect(res.status).toBe(200);
      const result = JSON.parse(res.body) as LoginResult;
      expect(result.principal).toMatchObject({
        role,
        method: 'session',
        operator: `op-${role.replace('_', '-')}`,
      });
      tokens.set(role, result.token);
    }
    tokens.set('owner', d.core.token);
  });
  afterAll(async () => d?.close());

  it('has the README role matrix equal to the one the server enforces', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const section = readme.split('\n## Roles')[1]!.split('\n## ')[0]!;
    const rows = section
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) =>
        l
          .split('|')
          .map((c) => c.trim())
          .filter(Boolean),
      );
    const header = section.split('\n').find((l) => l.startsWith('| permission'))!;
    const columns = header
      .split('|')
      .map((c) => c.trim())
      .filter(Boolean)
      .slice(2);
    expect(columns).toEqual(ROLES.map((r) => `\`${r}\``));
    const matrix = Object.fromEntries(
      rows.map(([perm, , ...cells]) => [perm!.replace(/`/g, ''), cells.map((c) => c === 'yes')]),
    );
    expect(Object.keys(matrix).sort()).toEqual([...PERMISSIONS].sort());
    for (const permission of PERMISSIONS) {
      expect(matrix[permission], permission).toEqual(
        ROLES.map((r) => ROLE_PERMISSIONS[r].includes(permission)),
      );
    }
  });

  it('lets each role call exactly the routes its permissions allow, and audits refused changes', async () => {
    // Sign-out last: it ends the session.
    const routes = [
      ...API_ROUTES.filter((r) => r.access !== 'public' && r.path !== '/api/auth/logout'),
      API_ROUTES.find((r) => r.path === '/api/auth/logout')!,
    ];
    for (const role of ROLES) {
      const lastId = async () =>
        (await d.core.pool.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM audit_log'))
          .rows[0]!.id;
      const before = await lastId();
      let refusedChanges = 0;
      for (const route of routes) {
        // Injections of live traffic need `inject` (the route's own rule is the weaker inject_drill).
        const needs: Permission = route.path.startsWith('/api/events') ? 'inject' : route.access;
        const allowed = roleCan(role, needs);
        const res = await raw(d, {
          method: route.method,
          path: samplePath(route),
          body: sampleBody(route),
          headers: { authorization: `Bearer ${tokens.get(role)}` },
          headOnly: route.path === '/api/live',
        });
        const what = `${role} ${route.method} ${route.path}: ${res.status} ${res.body.slice(0, 200)}`;
        // The harness's core has read-only settings (as headless): an allowed save gets 409
        // `settings_read_only`, past the access check.
        const passed =
          route.method === 'POST' && route.path === '/api/settings' ? [409] : [200, 202, 204, 404];
        if (allowed) expect(passed, what).toContain(res.status);
        else {
          expect(res.status, what).toBe(403);
          expect(JSON.parse(res.body), what).toMatchObject({ error: 'forbidden' });
          if ('audit' in route) refusedChanges += 1;
        }
      }
      // One row per refused change, naming the caller and its role (plus the allowed changes).
      const { rows } = await d.core.pool.query<{ role: string; outcome: string; status: number }>(
        `SELECT role, outcome, status FROM audit_log WHERE id > $1 AND outcome = 'rejected' AND status = 403`,
        [before],
      );
      expect(rows.length, role).toBe(refusedChanges);
      expect(new Set(rows.map((r) => r.role))).toEqual(new Set(refusedChanges ? [role] : []));
    }
  });

  it('lets a drill lead inject drill traffic only', async () => {
    const res = await login(d, 'op-drill-lead');
    const token = (JSON.parse(res.body) as LoginResult).token;
    const auth = { authorization: `Bearer ${token}` };
    const live = await raw(d, {
      method: 'POST',
      path: '/api/events',
      body: sampleBody(API_ROUTES[4]),
      headers: auth,
    });
    expect(live.status).toBe(403);
    expect(JSON.parse(live.body)).toMatchObject({
      issues: [{ field: 'drillid', rule: 'drillid_required_for_role' }],
    });
    const drill = await raw(d, {
      method: 'POST',
      path: '/api/events',
      body: sampleBody(API_ROUTES[4], true),
      headers: auth,
    });
    expect(drill.status).toBe(202);
    const mixed = JSON.stringify({
      events: [orderCreated('o-mix-1', { drillid: 'd-1' }), orderCreated('o-mix-2')],
    });
    const batch = await raw(d, { method: 'POST', path: '/api/events/batch', body: mixed, headers: auth });
    expect(batch.status).toBe(403);
    expect(JSON.parse(batch.body)).toMatchObject({ index: 1 });
  });

  it('records the operator, role, action, reason and outcome', async () => {
    const res = await login(d, 'op-supervisor');
    const token = (JSON.parse(res.body) as LoginResult).token;
    const auth = { authorization: `Bearer ${token}` };
    const event = orderCreated(`o-audited-${randomUUID().slice(0, 6)}`);
    expect(
      (await raw(d, { method: 'POST', path: '/api/events', body: JSON.stringify(event), headers: auth }))
        .status,
    ).toBe(202);
    const keys = [
      { sourceTopic: 'x', sourcePartition: 0, sourceOffset: '1' },
      { sourceTopic: 'x', sourcePartition: 0, sourceOffset: '2' },
    ];
    const noReason = await raw(d, {
      method: 'POST',
      path: '/api/dead-letters/redrive',
      body: JSON.stringify({ keys }),
      headers: auth,
    });
    expect(noReason.status).toBe(400);
    expect(JSON.parse(noReason.body)).toMatchObject({
      issues: [{ field: 'reason', rule: 'required_for_bulk' }],
    });
    const withReason = await raw(d, {
      method: 'POST',
      path: '/api/dead-letters/redrive',
      body: JSON.stringify({ keys, reason: 'carrier fixed the feed' }),
      headers: auth,
    });
    expect(withReason.status).toBe(404);
    const { rows } = await d.core.pool.query(
      `SELECT actor, role, auth_method, action, reason, outcome, status, event_ids::text[] AS ids
         FROM audit_log WHERE actor = 'op-supervisor' ORDER BY id DESC LIMIT 3`,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'dead_letters.redrive',
        reason: 'carrier fixed the feed',
        outcome: 'rejected',
        status: 404,
        role: 'supervisor',
        auth_method: 'session',
      }),
      expect.objectContaining({ action: 'events.inject', outcome: 'ok', status: 202, ids: [event.id] }),
      expect.objectContaining({ action: 'auth.login', outcome: 'ok', status: 200 }),
    ]);
    const list = await raw(d, { path: '/api/audit?operator=op-supervisor&pageSize=3', headers: auth });
    expect(JSON.parse(list.body)).toMatchObject({
      items: [
        { action: 'dead_letters.redrive', itemCount: 2 },
        { action: 'events.inject', itemCount: 1 },
        { action: 'auth.login' },
      ],
    });
  });

  it('ends sessions at sign-out, when the operator is disabled, and at expiry', async () => {
    const first = JSON.parse((await login(d, 'op-viewer')).body) as LoginResult;
    const auth = { authorization: `Bearer ${first.token}` };
    expect((await raw(d, { path: '/api/auth/session', headers: auth })).status).toBe(200);
    expect((await raw(d, { method: 'POST', path: '/api/auth/logout', headers: auth })).status).toBe(204);
    expect((await raw(d, { path: '/api/auth/session', headers: auth })).status).toBe(401);

    const second = JSON.parse((await login(d, 'op-viewer')).body) as LoginResult;
    await updateOperator(d.core.pool, 'op-viewer', { disabled: true });
    expect(
      (await raw(d, { path: '/api/auth/session', headers: { authorization: `Bearer ${second.token}` } }))
        .status,
    ).toBe(401);
    const refused = await login(d, 'op-viewer');
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({
      error: 'invalid_credentials',
      message: 'this operator account is disabled',
    });
    await updateOperator(d.core.pool, 'op-viewer', { disabled: false });

    const third = JSON.parse((await login(d, 'op-viewer')).body) as LoginResult;
    await d.core.pool.query(
      `UPDATE operator_sessions SET expires_at = now() - interval '1 second' WHERE username = 'op-viewer'`,
    );
    expect(
      (await raw(d, { path: '/api/auth/session', headers: { authorization: `Bearer ${third.token}` } }))
        .status,
    ).toBe(401);

    // Only a hash of the token is stored.
    const { rows } = await d.core.pool.query<{ hex: string }>(
      `SELECT encode(token_sha256, 'hex') AS hex FROM operator_sessions`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.hex).not.toContain(Buffer.from(third.token).toString('hex').slice(0, 16));
  });

  it('does not tell unknown usernames from wrong passwords', async () => {
    const unknown = await login(d, 'no-such-operator');
    const wrong = await login(d, 'op-supervisor', 'not the password at all');
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect(JSON.parse(unknown.body)).toEqual(JSON.parse(wrong.body));
  });
});

describe('abuse limits', () => {
  let d: TestDeployment;
  beforeAll(async () => {
    d = await startDeployment({
      workers: false,
      limits: { authFailures: 5, loginFailures: 3, injectRequestsPerMinute: 3, requestTimeoutMs: 1_500 },
    });
    await createOperator(d.core.pool, { username: 'locked', role: 'viewer', password: PASSWORD }, FAST_HASH);
  });
  afterAll(async () => d?.close());

  it('locks a username out after repeated wrong passwords, even for the right one', async () => {
    for (let i = 0; i < 3; i++) expect((await login(d, 'locked', 'wrong password!')).status).toBe(401);
    const res = await login(d, 'locked');
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'rate_limited' });
  });

  it('answers 429 after repeated failed authentications from one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push(
        (await raw(d, { path: '/api/orders', headers: { authorization: 'Bearer wrong-token-0123456789' } }))
          .status,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    // The right credential still works (a 256-bit token cannot be guessed; no lockout of the owner).
    expect(
      (await raw(d, { path: '/api/orders', headers: { authorization: `Bearer ${d.core.token}` } })).status,
    ).toBe(200);
  });

  it('limits injection requests per caller and publishes nothing for the refused ones', async () => {
    const auth = { authorization: `Bearer ${d.core.token}` };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const body = JSON.stringify(orderCreated(`o-rate-${i}-${randomUUID().slice(0, 6)}`));
      statuses.push((await raw(d, { method: 'POST', path: '/api/events', body, headers: auth })).status);
    }
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    const { rows } = await d.core.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'events.inject' AND outcome = 'ok'`,
    );
    expect(rows[0]!.n).toBe(3);
  });

  it('cuts off a request whose body trickles in', async () => {
    const url = new URL(d.core.url);
    const socket = net.connect(Number(url.port), url.hostname);
    await new Promise((r) => socket.once('connect', r));
    let closed = false;
    let answer = '';
    socket.on('data', (c) => (answer += c.toString()));
    socket.on('close', () => (closed = true));
    socket.write(
      `POST /api/events HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${d.core.token}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    // One byte every 200 ms would take 200 s; the server's whole-request timeout ends it first.
    for (let i = 0; i < 100 && !closed; i++) {
      await new Promise((r) => setTimeout(r, 200));
      if (!closed) socket.write(' ');
    }
    await waitFor('the connection to close', async () => closed, 10_000, 100);
    expect(closed).toBe(true);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    socket.destroy();
    // A request that never arrived is nobody's action: no audit row (it once read as an outage).
    await new Promise((r) => setTimeout(r, 500));
    const { rows } = await d.core.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE outcome = 'failed'`,
    );
    expect(rows[0]!.n).toBe(0);
  });
});

describe('drill traffic cannot touch live traffic', () => {
  let d: TestDeployment;
  let drillLead: Record<string, string>;
  beforeAll(async () => {
    d = await startDeployment();
    await createOperator(
      d.core.pool,
      { username: 'lead', role: 'drill_lead', password: PASSWORD },
      FAST_HASH,
    );
    drillLead = {
      authorization: `Bearer ${(JSON.parse((await login(d, 'lead')).body) as LoginResult).token}`,
    };
  });
  afterAll(async () => d?.close());

  const post = (body: unknown, headers: Record<string, string>) =>
    raw(d, { method: 'POST', path: '/api/events', body: JSON.stringify(body), headers });

  it('refuses a drill event on a live order, and takes one on a drill order', async () => {
    const owner = { authorization: `Bearer ${d.core.token}` };
    const live = `o-live-${randomUUID().slice(0, 6)}`;
    expect((await post(orderCreated(live), owner)).status).toBe(202);
    await waitFor('the live order', async () => (await d.api(`/api/orders/${live}`)).ok);
    const before = await highWaterMarks(d);
    const cancel = {
      ...orderCreated(live),
      type: 'sct.order.cancelled.v1',
      drillid: 'drill-x',
      data: { reason: 'drill' },
    };
    const res = await post(cancel, drillLead);
    expect(res.status).toBe(409);
    expect(JSON.parse(res.body)).toMatchObject({
      error: 'live_entity_in_drill',
      issues: [{ field: 'subject', rule: 'live_entity_in_drill' }],
    });
    expect(await highWaterMarks(d)).toBe(before);
    const order = (await (await d.api(`/api/orders/${live}`)).json()) as { status: string };
    expect(order.status).toBe('created');
    // A refusal that guards live traffic is audited with the operator, like a 403.
    const audit = await d.core.pool.query<{ operator: string; outcome: string; status: number }>(
      `SELECT actor AS operator, outcome, status FROM audit_log
        WHERE action = 'events.inject' AND status = 409 AND detail->>'error' = 'live_entity_in_drill'`,
    );
    expect(audit.rows).toEqual([{ operator: 'lead', outcome: 'rejected', status: 409 }]);

    const drillOrder = `o-drill-${randomUUID().slice(0, 6)}`;
    expect((await post(orderCreated(drillOrder, { drillid: 'drill-x' }), drillLead)).status).toBe(202);
    await waitFor('the drill order', async () => (await d.api(`/api/orders/${drillOrder}`)).ok);
    const drillCancel = {
      ...orderCreated(drillOrder),
      type: 'sct.order.cancelled.v1',
      drillid: 'drill-x',
      data: { reason: 'drill' },
    };
    expect((await post(drillCancel, drillLead)).status).toBe(202);
  });

  it('refuses a live event that reuses a drill event id (it would be skipped as a duplicate)', async () => {
    const subject = `o-reuse-${randomUUID().slice(0, 6)}`;
    const drillEvent = orderCreated(subject, { drillid: 'drill-y' });
    expect((await post(drillEvent, drillLead)).status).toBe(202);
    await waitFor('the drill order', async () => (await d.api(`/api/orders/${subject}`)).ok);
    const { drillid: _drill, ...liveTwin } = drillEvent;
    const res = await post(liveTwin, { authorization: `Bearer ${d.core.token}` });
    expect(res.status).toBe(409);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'idempotency_conflict' });
    // The same event again (same drill) is a harmless retry.
    expect((await post(drillEvent, drillLead)).status).toBe(202);
  });
});

describe('live stream', () => {
  let d: TestDeployment;
  beforeAll(async () => {
    d = await startDeployment({ workers: false, sessions: { recheckMs: 500 } });
    await createOperator(d.core.pool, { username: 'watcher', role: 'viewer', password: PASSWORD }, FAST_HASH);
  });
  afterAll(async () => d?.close());

  /** Opens /api/live and resolves when the server ends the stream. */
  function openStream(token: string): Promise<void> {
    const url = new URL(d.core.url);
    return new Promise((resolve, reject) => {
      http
        .get(
          {
            host: url.hostname,
            port: Number(url.port),
            path: '/api/live',
            headers: { authorization: `Bearer ${token}` },
          },
          (res) => {
            res.on('data', () => undefined);
            res.on('end', () => resolve());
            res.on('error', reject);
          },
        )
        .on('error', reject);
    });
  }

  it('ends an operator stream at sign-out and when the operator is disabled', async () => {
    for (const end of ['sign-out', 'disable'] as const) {
      const { token } = JSON.parse((await login(d, 'watcher')).body) as LoginResult;
      let ended = false;
      const stream = openStream(token).then(() => (ended = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(ended).toBe(false);
      if (end === 'sign-out') {
        await raw(d, {
          method: 'POST',
          path: '/api/auth/logout',
          headers: { authorization: `Bearer ${token}` },
        });
      } else {
        await updateOperator(d.core.pool, 'watcher', { disabled: true });
      }
      await waitFor(`the stream to end after ${end}`, async () => ended, 10_000, 100);
      await stream;
      await updateOperator(d.core.pool, 'watcher', { disabled: false });
    }
  });
});

describe('sign-in request rate', () => {
  let d: TestDeployment;
  beforeAll(async () => {
    d = await startDeployment({ workers: false, limits: { loginRequestsPerMinute: 6 } });
  });
  afterAll(async () => d?.close());

  it('names the limit and the wait when sign-in requests are too many', async () => {
    const statuses: number[] = [];
    let last: RawResponse | null = null;
    for (let i = 0; i < 8; i++) {
      last = await login(d, `flood-${i}`, 'x');
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 6).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(6)).toEqual([429, 429]);
    expect(JSON.parse(last!.body).message).toMatch(/^too many requests: at most 6 a minute; retry in \d+ s$/);
  });
});
