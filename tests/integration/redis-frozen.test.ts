/**
 * A frozen Redis (SIGSTOP: the connection stays open, nothing answers) must neither hang the API
 * nor stall the workers. The test runs its OWN redis-server on a free port (never the shared one),
 * points a whole deployment (API and workers) at it, freezes it, and checks: the default KPI
 * summary and a lookup answer from PostgreSQL within a second; events injected while frozen are
 * applied and visible; health shows Redis degraded; after SIGCONT the cache is rebuilt (the lookup
 * key of an entity updated while frozen holds its new state).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntitySummary, OrderDetail, StackHealth } from '../../contracts';
import { orderCreated, orderEvent, startDeployment, waitFor, type TestDeployment } from '../support/harness';

let server: ChildProcess | undefined;
let frozen = false;
let d: TestDeployment | undefined;
let probe: Redis | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function freeze(on: boolean): void {
  server!.kill(on ? 'SIGSTOP' : 'SIGCONT');
  frozen = on;
}

beforeAll(async () => {
  const port = await freePort();
  server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}/0`;
  probe = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
  probe.on('error', () => undefined);
  await waitFor('own redis-server answers', async () => (await probe!.ping()) === 'PONG', 10_000);
  d = await startDeployment({ env: { REDIS_URL: url } });
});

afterAll(async () => {
  if (frozen) freeze(false);
  await d?.close();
  probe?.disconnect();
  server?.kill('SIGKILL');
});

/** GET with a 15 s cap; returns status, body and milliseconds. */
async function timed(path: string): Promise<{ status: number; body: unknown; ms: number }> {
  const t0 = performance.now();
  const res = await d!.api(path, { signal: AbortSignal.timeout(15_000) });
  const body: unknown = await res.json();
  return { status: res.status, body, ms: Math.round(performance.now() - t0) };
}

async function inject(event: object): Promise<void> {
  const res = await d!.api('/api/events', { method: 'POST', body: JSON.stringify(event) });
  expect(res.status).toBe(202);
}

async function orderStatus(id: string): Promise<string | null> {
  const r = await d!.api(`/api/orders/${id}`);
  return r.status === 200 ? ((await r.json()) as OrderDetail).status : null;
}

describe('Redis frozen (SIGSTOP)', () => {
  it('reads fall back to PostgreSQL, events keep being applied, health says degraded, the cache is rebuilt on thaw', async () => {
    const prefix = d!.config.topicPrefix;
    const id = `o-frz-${randomUUID().slice(0, 8)}`;
    await inject(orderCreated(id));
    await waitFor('order cached', async () => probe!.exists(`${prefix}:order:${id}`), 30_000);
    await waitFor('KPI snapshot cached', async () => probe!.exists(`${prefix}:kpi:snapshot`), 30_000);

    freeze(true);
    // Reads: from PostgreSQL, within a bounded time (the first ones pay the command timeout).
    const reads: number[] = [];
    for (let i = 0; i < 3; i++) {
      const kpi = await timed('/api/kpi/summary');
      const lookup = await timed(`/api/lookup/${id}`);
      expect(kpi.status).toBe(200);
      expect(lookup.status).toBe(200);
      expect((lookup.body as EntitySummary).kind).toBe('order');
      console.log(`frozen Redis: GET /api/kpi/summary ${kpi.ms} ms, GET /api/lookup/:id ${lookup.ms} ms`);
      reads.push(kpi.ms, lookup.ms);
    }
    expect(Math.max(...reads)).toBeLessThan(1_000);

    // Writes: three events applied one after another while Redis stays frozen.
    const steps = [
      orderEvent(id, 'approved', '2024-03-01T13:00:00Z'),
      orderEvent(id, 'picked', '2024-03-01T14:00:00Z'),
      orderEvent(id, 'packed', '2024-03-01T15:00:00Z'),
    ];
    for (const [i, event] of steps.entries()) {
      const want = ['approved', 'picked', 'packed'][i]!;
      const t0 = performance.now();
      await inject(event);
      await waitFor(
        `order ${want} while Redis is frozen`,
        async () => (await orderStatus(id)) === want,
        20_000,
        50,
      );
      console.log(`frozen Redis: ${want} applied and visible in ${Math.round(performance.now() - t0)} ms`);
    }

    const health = await waitFor(
      'health shows Redis degraded',
      async () => {
        const h = (await (
          await d!.api('/api/health', { signal: AbortSignal.timeout(15_000) })
        ).json()) as StackHealth;
        const redis = h.services.find((s) => s.name === 'redis')!;
        return redis.state === ('degraded' as string) ? redis : null;
      },
      15_000,
      500,
    );
    console.log(`frozen Redis: health ${health.state} (${health.detail})`);

    const thawed = performance.now();
    freeze(false);
    const cached = await waitFor(
      'lookup key rebuilt with the state applied while frozen',
      async () => {
        const text = await probe!.get(`${prefix}:order:${id}`);
        const s = text ? (JSON.parse(text) as EntitySummary) : null;
        return s?.kind === 'order' && s.order.status === 'packed' ? s : null;
      },
      30_000,
      50,
    );
    expect(cached.kind).toBe('order');
    console.log(`thawed Redis: cache rebuilt in ${Math.round(performance.now() - thawed)} ms`);
    await waitFor(
      'health shows Redis up again',
      async () =>
        ((await (await d!.api('/api/health')).json()) as StackHealth).services.find((s) => s.name === 'redis')
          ?.state === 'up',
      15_000,
      500,
    );
  });
});
