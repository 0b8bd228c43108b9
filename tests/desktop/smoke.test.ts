/**
 * Desktop smoke test (`npm run test:desktop`, never `npm test`): the real Electron app, started by
 * Playwright's Electron support against the local stack with its own database, topic prefix and
 * user-data folder. The window opens, shows the dashboard (or the connection screen when a service
 * cannot be reached), and an event injected through the window's own API connection (the preload
 * bridge) comes back on the order's page of the API: through Kafka, a worker running as a
 * utility process, and PostgreSQL.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiConnection } from '../../contracts';
import { loadConfig } from '../../runtime/config';
import { orderCreated, repoRoot, waitFor } from '../support/harness';

const id = randomBytes(4).toString('hex');
const base = loadConfig(process.env);
const dbUrl = new URL(base.databaseUrl);
dbUrl.pathname = `/sct_test_desktop_${id}`;
const userData = mkdtempSync(path.join(tmpdir(), 'sct-desktop-'));
let app: ElectronApplication;
let page: Page;

beforeAll(async () => {
  const executablePath = process.env.SCT_ELECTRON;
  if (!executablePath) throw new Error('SCT_ELECTRON is not set: run `npm run test:desktop`');
  app = await electron.launch({
    executablePath,
    args: [repoRoot, `--user-data-dir=${userData}`, '--no-sandbox', '--disable-gpu'],
    env: {
      ...process.env,
      KAFKA_BROKERS: base.kafkaBrokers.join(','),
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: base.redisUrl,
      SCT_TOPIC_PREFIX: `d${id}`,
      SCT_LOG_LEVEL: 'warn',
    },
  });
  page = await app.firstWindow();
});

afterAll(async () => {
  await app?.close().catch(() => undefined);
  rmSync(userData, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: base.databaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "sct_test_desktop_${id}" WITH (FORCE)`);
  await admin.end();
});

describe('desktop app', () => {
  it('opens its window on the dashboard or the connection screen', async () => {
    await page.waitForLoadState('domcontentloaded');
    expect(await page.title()).toBe('Supply Chain Event Tracker');
    await page
      .getByRole('heading', { name: /dashboard|connection/i })
      .first()
      .waitFor({ timeout: 60_000 });
  });

  it('round-trips an injected event through Kafka, a worker and the read model', async () => {
    const orderId = `desk-${id}`;
    const event = orderCreated(orderId, { id: randomUUID() });
    const status = await page.evaluate(async (e) => {
      const bridge = (window as unknown as { sctDesktop: { getApiConnection(): Promise<ApiConnection> } })
        .sctDesktop;
      const c = await bridge.getApiConnection();
      const res = await fetch(`${c.baseUrl}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(e),
      });
      return res.status;
    }, event);
    expect(status).toBe(202);
    const order = await waitFor(
      `order ${orderId} in the read model`,
      () =>
        page.evaluate(async (oid) => {
          const bridge = (window as unknown as { sctDesktop: { getApiConnection(): Promise<ApiConnection> } })
            .sctDesktop;
          const c = await bridge.getApiConnection();
          const res = await fetch(`${c.baseUrl}/api/orders/${encodeURIComponent(oid)}`, {
            headers: { authorization: `Bearer ${c.token}` },
          });
          return res.ok ? ((await res.json()) as { orderId: string; status: string }) : null;
        }, orderId),
      120_000,
      500,
    );
    expect(order).toMatchObject({ orderId, status: 'created' });
  });
});
