/**
 * End to end in Debian's Chromium against the headless console: the Shipments screen (filters in
 * the URL hash, links to order and shipment, empty, loading and error states), the Exceptions
 * queue (oldest first, reason, carrier message, link to the order), and the shipment timeline of
 * an imported AfterShip shipment (days newest first, zone named, carrier messages). Screenshots
 * at 1280x720 and 1920x1080 go to test-output/screenshots/shipments (git-ignored), or to
 * SCT_SHOTS_DIR when set.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShipmentPage } from '../../contracts';
import { importTrackings, loadAfterShipInputs } from '../../scripts/tracking';
import { loadConfig } from '../../runtime/config';
import { orderCreated, publishAsImporter, repoRoot, waitFor } from '../support/harness';
import { startHeadless, type HeadlessConsole } from '../support/headless';

const shots = process.env.SCT_SHOTS_DIR ?? path.join(repoRoot, 'test-output', 'screenshots', 'shipments');
const CHROMIUM = process.env.SCT_CHROMIUM ?? '/usr/bin/chromium';
const fixtures = path.resolve(repoRoot, '..', 'shared', 'data', 'tracking', 'aftership');
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

let app: HeadlessConsole;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const run = randomUUID().slice(0, 6).toUpperCase();
const sid = (k: string) => `SHP-${run}-${k}`;
const oid = (k: string) => `ORD-${run}-${k}`;
const WILD = 'aftership:ups:1ZTEST975432319487';

async function shot(name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(shots, `${name}-${size.width}x${size.height}.png`) });
  }
  await page.setViewportSize(SIZES[0]!);
}

const ev = (subject: string, kind: string, time: string, data: Record<string, unknown>) => ({
  specversion: '1.0',
  id: randomUUID(),
  source: 'e2e',
  type: `sct.shipment.${kind}.v1`,
  subject,
  time,
  data,
});

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  // A configured site zone unlike the machine's: times with no site of their own use it.
  app = await startHeadless({ env: { SCT_SITE_TZ: 'Asia/Tokyo' } });
  const post = async (events: unknown[]) => {
    const res = await app.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
    expect(res.status).toBe(202);
  };
  const created = (k: string, promisedDate: string) =>
    ev(sid(k), 'created', '2024-05-10T12:00:00Z', {
      orderId: oid(k),
      carrier: 'UPS',
      trackingNumber: `1Z${run}${k}`,
      origin: 'Campinas, SP',
      destination: 'Curitiba, PR',
      promisedDate,
    });
  await post([
    ...['a', 'b', 'c'].map((k) =>
      orderCreated(oid(k), { time: '2024-05-10T10:00:00Z', promisedDate: '2024-05-14' }),
    ),
    created('a', '2024-05-14'),
    ev(sid('a'), 'checkpoint', '2024-05-11T10:00:00Z', {
      status: 'in_transit',
      message: 'Departed facility',
    }),
    created('b', '2024-05-14'),
    ev(sid('b'), 'exception', '2024-05-12T09:00:00Z', {
      reasonCode: 'ADDRESS_INVALID',
      message: 'Street unknown',
    }),
    created('c', '2024-05-14'),
    ev(sid('c'), 'checkpoint', '2024-05-13T18:00:00Z', { status: 'failed_attempt', message: 'Notice left' }),
  ]);
  await importTrackings({
    trackings: await loadAfterShipInputs([fixtures]),
    zone: 'America/New_York',
    // The tracking importer publishes to Kafka (the API refuses its source), as `npm run import:tracking` does.
    publish: (events) => publishAsImporter({ ...loadConfig(), topicPrefix: app.prefix }, events),
  });
  await waitFor('seed applied', async () => {
    const r = await app.api('/api/shipments?pageSize=100');
    const p = (await r.json()) as ShipmentPage;
    return p.total === 9 && p.items.some((s) => s.shipmentId === WILD && s.status === 'delivered');
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: SIZES[0] });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(`${app.url}/#token=${app.token}`);
  await page.getByTestId('nav-shipments').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('shipments and exceptions in Chromium', () => {
  it('lists shipments and keeps the filters in the URL', async () => {
    await page.getByTestId('nav-shipments').click();
    await page.getByTestId('shipments-table').waitFor();
    await expect.poll(async () => page.getByTestId('shipment-row').count(), { timeout: 20_000 }).toBe(9);
    expect(
      await page.locator('[data-testid="shipment-row"] [data-testid="late-flag"]').count(),
    ).toBeGreaterThan(0);
    await shot('01-shipments');
    await page.getByTestId('shipments-exception').selectOption('true');
    await expect.poll(() => page.url()).toContain('exception=true');
    await expect.poll(async () => page.getByTestId('shipment-row').count()).toBe(2);
    // The filtered view survives a reload (it is in the hash).
    await page.reload();
    await expect.poll(async () => page.getByTestId('shipment-row').count(), { timeout: 20_000 }).toBe(2);
    expect(await page.getByTestId('shipments-exception').inputValue()).toBe('true');
    await shot('02-shipments-filtered');
  });

  it('searches, shows the empty state, and links to the order', async () => {
    await page.goto(`${app.url}/#/shipments?q=${oid('a')}`);
    await expect.poll(async () => page.getByTestId('shipment-row').count(), { timeout: 20_000 }).toBe(1);
    await page.goto(`${app.url}/#/shipments?q=NOTHING-MATCHES`);
    await page.getByText('No shipment matches these filters.').waitFor();
    await shot('03-shipments-empty');
  });

  it('shows the loading and error states', async () => {
    await page.route('**/api/shipments?*', async (route) => {
      await new Promise((r) => setTimeout(r, 1_500));
      await route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: '{"error":"internal","message":"boom"}',
      });
    });
    await page.goto(`${app.url}/#/shipments?carrier=NOBODY`);
    await page.reload(); // a fresh console: nothing cached to show while the answer is pending
    await page.getByText('Loading shipments…').waitFor();
    await shot('04-shipments-loading');
    await page.getByText('The shipments could not be loaded').waitFor({ timeout: 20_000 });
    await shot('05-shipments-error');
    await page.unroute('**/api/shipments?*');
  });

  it('shows the exceptions queue oldest first and opens the order behind one', async () => {
    await page.goto(`${app.url}/#/exceptions`);
    await page.getByTestId('exceptions-table').waitFor();
    await expect.poll(async () => page.getByTestId('exception-row').count(), { timeout: 20_000 }).toBe(2);
    const ids = await page
      .getByTestId('exception-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-shipment-id')));
    expect(ids).toEqual([sid('b'), sid('c')]);
    expect(await page.getByTestId('exception-reason').first().innerText()).toBe('ADDRESS_INVALID');
    expect(await page.getByTestId('exception-message').first().innerText()).toContain('Street unknown');
    await shot('06-exceptions');
    await page.getByTestId('exception-order').first().click();
    await page.getByTestId('order-detail').waitFor();
    expect(page.url()).toContain(`#/orders/${oid('b')}`);
  });

  it('records what happened next to an exception from the queue: the inject form, filled in', async () => {
    await page.goto(`${app.url}/#/exceptions`);
    await expect.poll(async () => page.getByTestId('exception-row').count(), { timeout: 20_000 }).toBe(2);
    await page.getByTestId('exception-act').first().click();
    await page.getByTestId('inject-form').waitFor();
    expect(await page.getByTestId('inject-type').inputValue()).toBe('sct.shipment.checkpoint.v1');
    expect(await page.getByTestId('inject-subject').inputValue()).toBe(sid('b'));
  });

  it('shows an imported carrier timeline by day, newest first, with the zone named', async () => {
    await page.goto(`${app.url}/#/shipments/${encodeURIComponent(WILD)}`);
    await page.getByTestId('shipment-timeline').waitFor({ timeout: 20_000 });
    const days = await page
      .getByTestId('timeline-day')
      .evaluateAll((d) => d.map((x) => x.getAttribute('data-day')));
    expect(days.length).toBeGreaterThan(5);
    expect([...days].sort().reverse()).toEqual(days);
    expect(await page.getByTestId('timeline-zone').innerText()).toContain(
      'times in Asia/Tokyo (no site known: the configured site zone)',
    );
    expect(await page.getByTestId('shipment-timeline').innerText()).toContain(
      'THE STREET NUMBER IS INCORRECT',
    );
    await shot('07-shipment-timeline');
  });

  it('ran without console errors', () => {
    // The deliberate 500 above logs one failed request.
    expect(consoleErrors.filter((e) => !e.includes('500'))).toEqual([]);
  });
});
