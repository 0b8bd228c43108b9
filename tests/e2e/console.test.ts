/**
 * End to end in Debian's Chromium against the real headless console (API + workers + built UI on
 * the local Kafka, PostgreSQL and Redis): dashboard, orders list and order detail with their
 * punctuality flags and history, shipment timeline, an injected event appearing live, field-level
 * errors. Screenshots of each page go to test-output/screenshots (git-ignored) for a person to
 * look at.
 */
import { WORKER_NAMES } from '../../contracts';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterPage, OrderDetail } from '../../contracts';
import { createKafka } from '../../runtime/kafka';
import { loadConfig } from '../../runtime/config';
import { orderCreated, orderEvent, repoRoot, waitFor } from '../support/harness';
import { startHeadless, type HeadlessConsole } from '../support/headless';

const shots = process.env.SCT_SHOTS_DIR ?? path.join(repoRoot, 'test-output', 'screenshots');
const CHROMIUM = process.env.SCT_CHROMIUM ?? '/usr/bin/chromium';

let consoleApp: HeadlessConsole;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const orderId = `E2E-${randomUUID().slice(0, 8).toUpperCase()}`;
const shipmentId = `shp-${orderId}`;
const poisonOrderId = `E2E-POISON-${randomUUID().slice(0, 6)}`;

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  consoleApp = await startHeadless();
  // Seed: a few delivered orders (one late), one open, with a shipment timeline.
  const events: unknown[] = [];
  for (let i = 0; i < 6; i++) {
    const id = i === 0 ? orderId : `E2E-${i}-${randomUUID().slice(0, 6)}`;
    const day = 10 + i;
    events.push(orderCreated(id, { time: `2024-05-${day}T12:00:00Z`, promisedDate: `2024-05-${day + 4}` }));
    events.push(orderEvent(id, 'approved', `2024-05-${day}T14:00:00Z`));
    events.push(orderEvent(id, 'shipped', `2024-05-${day + 1}T10:00:00Z`));
    if (i < 5) events.push(orderEvent(id, 'delivered', `2024-05-${day + (i === 4 ? 6 : 3)}T15:00:00Z`));
  }
  const s = { specversion: '1.0', source: 'e2e', subject: shipmentId };
  events.push(
    {
      ...s,
      id: randomUUID(),
      type: 'sct.shipment.created.v1',
      time: '2024-05-11T10:00:00Z',
      data: {
        orderId,
        carrier: 'UPS',
        trackingNumber: '1Z999AA10123456784',
        origin: 'Campinas, SP',
        destination: 'Curitiba, PR',
        promisedDate: '2024-05-14',
      },
    },
    {
      ...s,
      id: randomUUID(),
      type: 'sct.shipment.checkpoint.v1',
      time: '2024-05-11T18:00:00Z',
      data: { status: 'in_transit', location: 'São Paulo hub', message: 'Departed facility' },
    },
    {
      ...s,
      id: randomUUID(),
      type: 'sct.shipment.exception.v1',
      time: '2024-05-12T09:00:00Z',
      data: { reasonCode: 'WEATHER_DELAY', message: 'Severe weather' },
    },
    {
      ...s,
      id: randomUUID(),
      type: 'sct.shipment.checkpoint.v1',
      time: '2024-05-13T07:00:00Z',
      data: { status: 'out_for_delivery', location: 'Curitiba' },
    },
    {
      ...s,
      id: randomUUID(),
      type: 'sct.shipment.delivered.v1',
      time: '2024-05-13T15:00:00Z',
      data: { signedBy: 'R. Lima' },
    },
  );
  const res = await consoleApp.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
  expect(res.status).toBe(202);
  await waitFor('seed applied', async () => {
    const r = await consoleApp.api('/api/kpi/summary?from=2024-05-01&to=2024-05-31');
    const k = (await r.json()) as { deliveredOrders: number };
    return k.deliveredOrders === 5;
  });
  // A poison message straight into the orders topic (a valid CloudEvent but for one rule: quantity 0).
  const producer = createKafka(loadConfig(), 'sct-e2e-poison').producer();
  await producer.connect();
  const poison = orderCreated(poisonOrderId, { time: '2024-05-21T09:30:00Z', quantity: 0 });
  await producer.send({
    topic: `${consoleApp.prefix}.orders`,
    messages: [
      {
        key: poisonOrderId,
        value: JSON.stringify(poison),
        headers: { ce_id: poison.id, ce_type: poison.type },
      },
    ],
  });
  await producer.disconnect();
  await waitFor('poison parked by both groups', async () => {
    const r = await consoleApp.api('/api/dead-letters');
    const p = (await r.json()) as DeadLetterPage;
    return p.items.some((l) => l.eventId === poison.id && l.groups.length === 2);
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
});

afterAll(async () => {
  await browser?.close();
  await consoleApp?.close();
});

describe('console in Chromium', () => {
  it('shows the KPI dashboard with charts', async () => {
    await page.goto(`${consoleApp.url}/#token=${consoleApp.token}`);
    await page.getByTestId('kpi-otd').waitFor();
    await page.getByTestId('chart-daily').waitFor();
    await page.getByTestId('chart-status').waitFor();
    expect(page.url()).not.toContain('token='); // the token leaves the address bar
    // 4 of 5 delivered on time -> 80 %.
    await expect
      .poll(async () => page.getByTestId('kpi-otd').innerText(), { timeout: 20_000 })
      .toContain('80');
    await expect.poll(async () => page.getByTestId('kpi-late').innerText()).toContain('1');
    await page.waitForTimeout(500); // let chart animations settle for the screenshot
    await shot('01-dashboard');
  });

  it('lists orders and opens one with its history', async () => {
    await page.getByTestId('nav-orders').click();
    await page.getByTestId('orders-table').waitFor();
    await expect
      .poll(async () => page.getByTestId('order-row').count(), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(6);
    // Punctuality as the API judged it (site time): one delivered two days late, one open past its day.
    const flag = (state: string) => page.locator(`[data-testid="order-row"] [data-state="${state}"]`);
    // Compact in the list (the promised column fits at 1280 px), the sentence in its tooltip.
    expect(await flag('late').first().textContent()).toBe('late 2 d');
    expect(await flag('late').first().getAttribute('title')).toMatch(/^late by 2 days: /);
    expect(await flag('overdue').count()).toBeGreaterThanOrEqual(1);
    await shot('02-orders');
    await page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`).click();
    await page.getByTestId('order-detail').waitFor();
    await expect.poll(async () => page.getByTestId('history-entry').count()).toBe(4);
    expect(await page.getByTestId('punctuality').textContent()).toBe('on time');
    await shot('03-order-detail');
  });

  it('opens the shipment timeline, newest first', async () => {
    await page.getByTestId('shipment-link').click();
    await page.getByTestId('shipment-timeline').waitFor();
    await expect.poll(async () => page.getByTestId('timeline-entry').count()).toBe(5);
    const text = await page.getByTestId('shipment-timeline').innerText();
    expect(text.indexOf('Severe weather')).toBeLessThan(text.indexOf('Departed facility'));
    await shot('04-shipment-timeline');
  });

  it('shows field-level errors, then injects an event that appears without reload', async () => {
    await page.getByTestId('nav-inject').click();
    await page.getByTestId('inject-form').waitFor();
    await page.getByTestId('inject-type').selectOption('sct.order.cancelled.v1');
    await page.getByTestId('inject-subject').fill('bad id with spaces');
    await page.getByTestId('inject-submit').click();
    await page.locator('[data-testid="field-error"][data-field="subject"]').first().waitFor();
    await page.locator('[data-testid="field-error"][data-field="data.reason"]').first().waitFor();
    await shot('05-inject-errors');

    // A valid event for an order nobody created: the API refuses it (409 order_exists) and the
    // form shows why under the order id, with what to send first (QA: it made a phantom order).
    const nobody = `E2E-NONE-${randomUUID().slice(0, 6)}`;
    await page.getByTestId('inject-subject').fill(nobody);
    await page.locator('[data-field="data.reason"]').locator('visible=true').first().fill('Duplicate order');
    await page.getByTestId('inject-submit').click();
    const refused = page.locator('[data-testid="field-error"][data-field="subject"]').first();
    await expect
      .poll(async () => (await refused.textContent())?.toLowerCase(), { timeout: 15_000 })
      .toContain(`no order ${nobody.toLowerCase()}; send sct.order.created.v1 first`);
    for (const size of [
      { width: 1280, height: 720 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size);
      await shot(`05b-inject-no-order-${size.width}x${size.height}`);
    }
    await page.setViewportSize({ width: 1440, height: 900 }); // the suite's size
    expect((await consoleApp.api(`/api/orders/${nobody}`)).status).toBe(404);
    // Chromium logs the refused request itself ("status of 409"): expected here, not an app error.
    for (let i = consoleErrors.length - 1; i >= 0; i--)
      if (/status of 409/.test(consoleErrors[i]!)) consoleErrors.splice(i, 1);

    const open = `E2E-OPEN-${randomUUID().slice(0, 6)}`;
    await consoleApp.api('/api/events', {
      method: 'POST',
      body: JSON.stringify(orderCreated(open, { time: '2024-05-20T12:00:00Z' })),
    });
    await waitFor(
      'open order visible',
      async () => (await consoleApp.api(`/api/orders/${open}`)).status === 200,
    );
    await page.getByTestId('inject-subject').fill(open);
    await page
      .locator('[data-field="data.reason"]')
      .locator('visible=true')
      .first()
      .fill('Customer changed their mind');
    await page.getByTestId('inject-submit').click();
    await page.getByTestId('inject-result').waitFor();
    await shot('06-inject-result');

    // Open the order page, then watch new events appear there without a reload (live push).
    await page.getByTestId('inject-entity-link').click();
    await page.getByTestId('order-detail').waitFor();
    await expect.poll(async () => page.getByTestId('history-entry').count(), { timeout: 20_000 }).toBe(2);
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    const late = orderEvent(open, 'approved', '2024-05-20T13:00:00Z'); // arrives after the cancel
    expect((await consoleApp.api('/api/events', { method: 'POST', body: JSON.stringify(late) })).status).toBe(
      202,
    );
    await expect.poll(async () => page.getByTestId('history-entry').count(), { timeout: 20_000 }).toBe(3);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    const detail = (await (await consoleApp.api(`/api/orders/${open}`)).json()) as OrderDetail;
    expect(detail.status).toBe('cancelled'); // a late event never moves the status backwards
    await shot('07-order-live-update');
  });

  it('lists the dead letter with its reason, and says why a schema-invalid one is not offered for re-drive', async () => {
    await page.getByTestId('nav-dead-letters').click();
    await page.getByTestId('dead-letters-table').waitFor();
    await expect.poll(async () => page.getByTestId('nav-dead-letters-count').innerText()).toBe('1');
    const row = page.getByTestId('dead-letter-row').first();
    await row.waitFor();
    expect(await page.getByTestId('dead-letter-row').count()).toBe(1); // one row for two groups
    expect(await row.getAttribute('data-offset')).toMatch(/^\d+$/);
    expect(await row.getByTestId('dead-letter-status').getAttribute('data-status')).toBe('open');
    const text = await row.innerText();
    expect(text).toContain('order.created');
    expect(text).toContain('data.lines.0.quantity: too_small');
    expect(text).toContain('order-processor');
    expect(text).toContain('analytics-aggregator');
    await row.getByTestId('dead-letter-payload').click();
    await page.getByTestId('dead-letter-details').waitFor();
    expect(await page.getByTestId('dead-letter-details').innerText()).toContain(poisonOrderId);
    // A schema-invalid event can never pass: re-drive is not offered, and the row says why.
    expect(await row.getByTestId('dead-letter-select').isDisabled()).toBe(true);
    expect(await row.getByTestId('dead-letter-no-redrive').innerText()).toContain('can never pass');
    await shot('08-dead-letters');
  });

  it('shows the pipeline: services, running workers with partition lag, drift check', async () => {
    await page.getByTestId('nav-pipeline').click();
    await page.getByTestId('pipeline').waitFor();
    await expect.poll(async () => page.getByTestId('pipeline-service').count(), { timeout: 20_000 }).toBe(3);
    const workers = page.getByTestId('pipeline-worker');
    await expect.poll(async () => workers.count(), { timeout: 20_000 }).toBe(3);
    for (const name of WORKER_NAMES) {
      const card = page.locator(`[data-testid="pipeline-worker"][data-worker="${name}"]`);
      await expect.poll(async () => card.getAttribute('data-state'), { timeout: 20_000 }).toBe('running');
      await expect
        .poll(async () => card.getByTestId('pipeline-partition').count(), { timeout: 20_000 })
        .toBeGreaterThan(0);
    }
    expect(await page.getByTestId('pipeline-partition').first().getAttribute('data-lag')).toMatch(/^\d+$/);
    await page.getByTestId('drift-none').waitFor(); // a fresh deployment: no drift check yet
    await shot('09-pipeline');
  });

  it('signs in from the token link opened in a tab that shows the sign-in screen, without a reload', async () => {
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-screen').waitFor();
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await page.evaluate((token) => (window.location.hash = `token=${token}`), consoleApp.token);
    await page.getByTestId('kpi-otd').waitFor();
    expect(page.url()).not.toContain('token=');
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  });

  it('ran without console errors or CSP violations', () => {
    expect(consoleErrors.filter((e) => !e.includes('favicon'))).toEqual([]);
  });
});
