/**
 * End to end in Debian's Chromium against the headless console: the orders table holds every
 * matching order (not one page): scrolled to the bottom it shows the last of 650 orders, with the
 * rows fetched in windows as they come on screen (not all at once); the order opened from deep in
 * the list stays in the URL with its row, and a reload scrolls back to it. Screenshots at
 * 1280x720 and 1920x1080 go to test-output/screenshots (git-ignored), or to `SCT_SHOTS_DIR`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderCreated, repoRoot, waitFor } from '../support/harness';
import { startHeadless, type HeadlessConsole } from '../support/headless';

const shots = process.env.SCT_SHOTS_DIR ?? path.join(repoRoot, 'test-output', 'screenshots');
const CHROMIUM = process.env.SCT_CHROMIUM ?? '/usr/bin/chromium';
const run = `SC-${randomUUID().slice(0, 6).toUpperCase()}`;
const ORDERS = 650;

let consoleApp: HeadlessConsole;
let browser: Browser;
let page: Page;
const listRequests: string[] = [];

/** The ids shown, in row order. */
function shownIds(): Promise<string[]> {
  return page.getByTestId('order-row').evaluateAll((rows) =>
    rows
      .map((r) => [Number(r.getAttribute('aria-rowindex')), r.getAttribute('data-order-id') ?? ''] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, id]) => id),
  );
}

/**
 * The footer's row ("Row N of M") and the first row on screen under the sticky header (at least
 * half of it showing; its aria-rowindex), read in one go.
 */
function footerAndFirstShown(): Promise<{ footer: number | null; first: number | null }> {
  return page.getByTestId('orders-scroll').evaluate((box) => {
    const headerBottom = box.getBoundingClientRect().top + 34;
    const shown = Array.from(box.querySelectorAll('[aria-rowindex]'))
      // On screen: at least half of the row shows under the header.
      .filter(
        (r) => r.getAttribute('role') === 'row' && r.getBoundingClientRect().bottom - headerBottom >= 17,
      )
      .map((r) => Number(r.getAttribute('aria-rowindex')))
      .filter((n) => n > 0);
    const text = document.querySelector('[data-testid="orders-position"]')?.textContent ?? '';
    const m = /Row ([\d,]+) of/.exec(text);
    return {
      footer: m ? Number(m[1]!.replace(/,/g, '')) : null,
      first: shown.length > 0 ? Math.min(...shown) : null,
    };
  });
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  consoleApp = await startHeadless();
  // 650 orders created a minute apart: sorted by order id ascending, row n is `<run>-<n>`.
  const events = Array.from({ length: ORDERS }, (_, i) =>
    orderCreated(`${run}-${String(i).padStart(4, '0')}`, {
      time: new Date(Date.UTC(2024, 4, 1, 8) + i * 60_000).toISOString(),
      promisedDate: '2024-06-01',
    }),
  );
  const res = await consoleApp.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
  expect(res.status).toBe(202);
  await waitFor('orders applied', async () => {
    const page1 = (await (await consoleApp.api(`/api/orders?q=${run}&pageSize=1`)).json()) as {
      total: number;
    };
    return page1.total === ORDERS;
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/orders') listRequests.push(r.url());
  });
});

afterAll(async () => {
  await browser?.close();
  await consoleApp?.close();
});

describe('orders table with more rows than a window (Chromium)', () => {
  it('scrolls through every order, fetching windows as they come on screen', async () => {
    await page.goto(
      `${consoleApp.url}/#token=${consoleApp.token}&route=/orders?q=${run}%26sort=orderId%26order=asc`,
    );
    await expect
      .poll(() => page.getByTestId('orders-total').getAttribute('data-total'), { timeout: 30_000 })
      .toBe(String(ORDERS));
    expect((await shownIds())[0]).toBe(`${run}-0000`);
    const before = listRequests.length;
    expect(before).toBeLessThanOrEqual(3); // window 0 (and the next, fetched ahead), not all 650 rows
    await page.getByTestId('orders-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect
      .poll(async () => (await shownIds()).at(-1))
      .toBe(`${run}-${String(ORDERS - 1).padStart(4, '0')}`);
    await expect.poll(() => page.getByTestId('order-row-pending').count(), { timeout: 30_000 }).toBe(0);
    expect(await page.getByTestId('orders-table').getAttribute('aria-rowcount')).toBe(String(ORDERS));
    expect(listRequests.length).toBeGreaterThan(before); // the deep window was fetched on demand
    await page.screenshot({ path: path.join(shots, 'orders-scrolled-bottom-1280x720.png') });
  });

  it('keeps the order opened deep in the list in the URL and scrolls back to it after a reload', async () => {
    await page.getByTestId('orders-scroll').evaluate((el) => (el.scrollTop = 430 * 34));
    const target = `${run}-0440`;
    const row = page.locator(`[data-testid="order-row"][data-order-id="${target}"]`);
    await row.waitFor();
    await row.click(); // opens the order; the list's URL now names it and its row
    await expect.poll(() => page.url(), { timeout: 15_000 }).toContain(`#/orders/${target}`);
    await page.goBack();
    await expect.poll(() => page.url(), { timeout: 15_000 }).toContain(`selected=${target}`);
    expect(page.url()).toContain('row=440');
    // Back scrolls the list to the opened row; the footer names the first row on screen then
    // (QA: it said "Row 1 of 650" under row 440).
    await row.waitFor();
    expect(await row.isVisible()).toBe(true);
    await expect
      .poll(
        async () => {
          const { footer, first } = await footerAndFirstShown();
          return first !== null && first > 400 && footer === first;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    await page.screenshot({ path: path.join(shots, 'orders-back-footer-1280x720.png') });
    // At 1920x1080 centering the row stops the scroll a pixel short of a row boundary: the
    // footer named the row of which that pixel showed.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await row.click();
    await expect.poll(() => page.url(), { timeout: 15_000 }).toContain(`#/orders/${target}`);
    await page.goBack();
    await row.waitFor();
    await expect
      .poll(
        async () => {
          const { footer, first } = await footerAndFirstShown();
          return `footer ${footer}, first ${first}`;
        },
        { timeout: 10_000 },
      )
      .toMatch(/^footer (\d+), first \1$/);
    await page.screenshot({ path: path.join(shots, 'orders-back-footer-1920x1080.png') });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.reload();
    await expect
      .poll(() => page.getByTestId('orders-total').getAttribute('data-total'), { timeout: 30_000 })
      .toBe(String(ORDERS));
    await expect(row.waitFor({ timeout: 15_000 })).resolves.toBeUndefined();
    expect(await row.getAttribute('aria-selected')).toBe('true');
    expect(await row.isVisible()).toBe(true);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: path.join(shots, 'orders-selected-deep-1920x1080.png') });
  });
});
