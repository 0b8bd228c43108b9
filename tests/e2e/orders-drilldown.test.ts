/**
 * End to end in Debian's Chromium against the headless console: a KPI card opens the orders
 * behind it ("Late deliveries" -> the late orders, the same count), the orders view lives in the
 * URL (a filter survives a reload), and the Export button downloads the whole filter as CSV.
 * Screenshots at 1280x720 and 1920x1080 go to test-output/screenshots (git-ignored), or to
 * `SCT_SHOTS_DIR` when set.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderCreated, orderEvent, repoRoot, waitFor } from '../support/harness';
import { startHeadless, type HeadlessConsole } from '../support/headless';

const shots = process.env.SCT_SHOTS_DIR ?? path.join(repoRoot, 'test-output', 'screenshots');
const CHROMIUM = process.env.SCT_CHROMIUM ?? '/usr/bin/chromium';
const run = `DD-${randomUUID().slice(0, 6).toUpperCase()}`;

let consoleApp: HeadlessConsole;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
}

/** The total the orders list shows, once it has one. */
async function listedTotal(): Promise<number> {
  const total = page.getByTestId('orders-total');
  await expect.poll(() => total.getAttribute('data-total')).toMatch(/^\d+$/);
  return Number(await total.getAttribute('data-total'));
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  consoleApp = await startHeadless();
  // 40 orders in May 2024 (São Paulo): every third delivered late, every fifth still open
  // (overdue by now), the rest delivered on time; one drill order delivered late.
  const events: unknown[] = [];
  for (let i = 0; i < 40; i++) {
    const id = `${run}-${String(i).padStart(2, '0')}`;
    const day = 1 + (i % 20);
    const dd = String(day).padStart(2, '0');
    events.push(
      orderCreated(id, {
        time: `2024-05-${dd}T12:00:00Z`,
        promisedDate: `2024-05-${String(day + 4).padStart(2, '0')}`,
      }),
    );
    events.push(orderEvent(id, 'approved', `2024-05-${dd}T14:00:00Z`));
    if (i % 5 === 4) continue;
    const late = i % 3 === 0;
    events.push(
      orderEvent(id, 'delivered', `2024-05-${String(day + (late ? 6 : 2)).padStart(2, '0')}T15:00:00Z`),
    );
  }
  const drillId = `${run}-DRILL`;
  events.push(
    orderCreated(drillId, { drillid: 'drill-1', time: '2024-05-02T12:00:00Z', promisedDate: '2024-05-03' }),
  );
  events.push({ ...orderEvent(drillId, 'delivered', '2024-05-09T12:00:00Z'), drillid: 'drill-1' });
  const res = await consoleApp.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
  expect(res.status).toBe(202);
  await waitFor('seed applied', async () => {
    const k = (await (await consoleApp.api('/api/kpi/summary')).json()) as { deliveredOrders: number };
    return k.deliveredOrders === 32;
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
});

afterAll(async () => {
  await browser?.close();
  await consoleApp?.close();
});

describe('orders behind the KPIs (Chromium, 1280x720)', () => {
  it('opens "Late deliveries" from the dashboard and lists the same number of orders', async () => {
    await page.goto(`${consoleApp.url}/#token=${consoleApp.token}`);
    const card = page.getByTestId('kpi-late');
    await expect.poll(() => card.getAttribute('data-value')).toMatch(/^[1-9]\d*$/);
    const late = Number(await card.getAttribute('data-value'));
    await shot('dashboard-1280x720');
    await card.click();
    await expect.poll(() => page.url()).toContain('punctuality=late');
    expect(page.url()).toContain('traffic=live');
    expect(await listedTotal()).toBe(late);
    await expect.poll(() => page.getByTestId('order-row').count()).toBe(late);
    await shot('orders-late-1280x720');
  });

  it('keeps a filter in the URL: after a reload the same view is shown', async () => {
    // A fresh view of live orders (the drill-down above also set its delivery days).
    await page.goto(`${consoleApp.url}/#/orders?traffic=live`);
    await expect.poll(() => page.getByTestId('orders-total').getAttribute('data-total')).toMatch(/^\d+$/);
    await page.getByTestId('orders-status').locator('summary').click();
    await page.getByTestId('orders-status-approved').check();
    await page.getByTestId('orders-status').locator('summary').click();
    await page.getByTestId('orders-punctuality').selectOption('overdue');
    await expect.poll(() => page.url()).toContain('status=approved');
    // The open ones (every fifth of 40), all past their promised day.
    await expect.poll(() => page.getByTestId('orders-total').getAttribute('data-total')).toBe('8');
    await page.getByTestId('sort-promisedDate').click();
    await expect.poll(() => page.url()).toContain('sort=promisedDate');
    const before = page.url();
    await page.reload();
    await expect.poll(() => page.getByTestId('orders-punctuality').inputValue()).toBe('overdue');
    expect(page.url()).toBe(before);
    expect(await listedTotal()).toBe(8);
    expect(await page.getByTestId('sort-promisedDate').locator('..').getAttribute('aria-sort')).toBe(
      'descending',
    );
    // The sorted column is on screen at 1280x720 (the table scrolls sideways, no column is dropped).
    const header = await page.getByTestId('sort-promisedDate').boundingBox();
    expect(header && header.x + header.width).toBeLessThanOrEqual(1280);
    await shot('orders-filtered-1280x720');
  });

  it('exports every order of the filter as CSV', async () => {
    await page.getByTestId('orders-punctuality').selectOption('');
    await page.getByTestId('orders-status').locator('summary').click();
    await page.getByTestId('orders-status-approved').uncheck();
    await page.getByTestId('orders-status').locator('summary').click();
    await page.getByTestId('orders-traffic').selectOption('all');
    await expect.poll(() => page.getByTestId('orders-total').getAttribute('data-total')).toBe('41');
    const total = await listedTotal();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('orders-export').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^orders-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = await download.path();
    const rows = parse<Record<string, string>>(readFileSync(file, 'utf8'), { columns: true });
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.order_id)).size).toBe(total);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await shot('orders-all-1920x1080');
    await page.goto(`${consoleApp.url}/#/`);
    await expect.poll(() => page.getByTestId('kpi-late').getAttribute('data-value')).toMatch(/^\d+$/);
    await shot('dashboard-1920x1080');
  });

  it('shows real traffic only by default; the drill order needs Traffic "all"', async () => {
    // A new tab: the list's last view is kept per tab, so this is the view a newcomer gets.
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await fresh.goto(`${consoleApp.url}/#token=${consoleApp.token}`);
      await fresh.getByTestId('nav-orders').click();
      const total = fresh.getByTestId('orders-total');
      await expect.poll(() => total.getAttribute('data-total')).toBe('40');
      expect(await fresh.getByTestId('orders-traffic').inputValue()).toBe('live');
      await fresh.getByTestId('orders-traffic').selectOption('all');
      await expect.poll(() => total.getAttribute('data-total')).toBe('41');
      await expect.poll(() => fresh.url()).toContain('traffic=all');
    } finally {
      await fresh.close();
    }
  });

  it('ran without console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
