/**
 * End to end in Debian's Chromium against the headless console (issue 11 items 3, 5, 7 and QA
 * findings): the order detail's lifecycle stepper (site zone named, overdue mark), its event
 * history with each event's source kind, its linked shipments with links to their timelines;
 * a delivered shipment's past exception shown as resolved; times on the shipments list and the
 * exceptions queue with the site zone named; the order-flow chart's points opening the orders
 * behind them (count = figure) with week labels that carry the year; the orders filter bar
 * compact at 1280x720 and nothing cut off at 1024 wide; dead letters that can never pass shown
 * without a re-drive, with the reason. Screenshots at 1280x720 and 1920x1080 (light and dark)
 * go to test-output/screenshots/order-detail (git-ignored), or to SCT_SHOTS_DIR when set.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVENT_SOURCES,
  topicNames,
  type KpiSeries,
  type OrderDetail,
  type ShipmentPage,
} from '../../contracts';
import { loadConfig } from '../../runtime/config';
import { createKafka } from '../../runtime/kafka';
import { orderCreated, orderEvent, publishAsImporter, repoRoot, waitFor } from '../support/harness';
import { startHeadless, type HeadlessConsole } from '../support/headless';

const shots = process.env.SCT_SHOTS_DIR ?? path.join(repoRoot, 'test-output', 'screenshots', 'order-detail');
const CHROMIUM = process.env.SCT_CHROMIUM ?? '/usr/bin/chromium';
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
];

let app: HeadlessConsole;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const run = randomUUID().slice(0, 6).toUpperCase();
const oid = (k: string) => `ORD-${run}-${k}`;
const sid = (k: string) => `SHP-${run}-${k}`;

async function shot(name: string, dark = false): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(shots, `${name}-${size.width}x${size.height}.png`) });
  }
  if (dark) {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(shots, `${name}-dark-1920x1080.png`) });
    await page.emulateMedia({ colorScheme: 'light' });
  }
  await page.setViewportSize(SIZES[0]!);
}

const withSource = <T extends object>(e: T, source: string): T => ({ ...e, source });
const shipmentEvent = (subject: string, kind: string, time: string, data: Record<string, unknown>) => ({
  specversion: '1.0',
  id: randomUUID(),
  source: EVENT_SOURCES.carrier.source,
  type: `sct.shipment.${kind}.v1`,
  subject,
  time,
  data,
});

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  app = await startHeadless();
  const post = async (events: unknown[]) => {
    const res = await app.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
    expect(res.status, await res.clone().text()).toBe(202);
  };
  const console_ = EVENT_SOURCES.console.source;
  const olist = EVENT_SOURCES.olistImport.source;
  // A: delivered through the whole lifecycle, from the console; its shipment had an exception
  // and was delivered after it (carrier events).
  // B: open and past its promise (overdue), imported.
  // Flow: orders created over ~14 weeks across a year boundary (weekly buckets on the dashboard).
  const flow = Array.from({ length: 16 }, (_, i) => {
    const day = new Date(Date.UTC(2024, 10, 4 + i * 7, 14)).toISOString();
    return withSource(orderCreated(oid(`F${i}`), { time: day, promisedDate: '2025-03-01' }), olist);
  });
  // The importers' events go to Kafka directly, as the importers send them (the API refuses
  // their sources); the console's and the drill's through the API.
  const config = { ...loadConfig(), topicPrefix: app.prefix };
  await post([
    withSource(
      orderCreated(oid('A'), { time: '2024-11-04T13:00:00Z', promisedDate: '2024-11-12' }),
      console_,
    ),
    withSource(orderEvent(oid('A'), 'approved', '2024-11-04T13:30:00Z'), console_),
    withSource(orderEvent(oid('A'), 'picked', '2024-11-05T09:10:00Z'), console_),
    withSource(orderEvent(oid('A'), 'packed', '2024-11-05T11:45:00Z'), console_),
    withSource(orderEvent(oid('A'), 'shipped', '2024-11-05T18:00:00Z', { shipmentId: sid('A') }), console_),
    withSource(orderEvent(oid('A'), 'delivered', '2024-11-11T16:20:00Z'), console_),
    { ...orderCreated(oid('D'), { time: '2024-11-07T12:00:00Z', drillid: `drill-${run}` }) },
  ]);
  await publishAsImporter(config, [
    shipmentEvent(sid('A'), 'created', '2024-11-05T18:00:00Z', {
      orderId: oid('A'),
      carrier: 'Correios',
      trackingNumber: `BR${run}A`,
      promisedDate: '2024-11-12',
    }),
    shipmentEvent(sid('A'), 'exception', '2024-11-08T10:00:00Z', {
      reasonCode: 'ADDRESS_INVALID',
      message: 'Street unknown',
    }),
    shipmentEvent(sid('A'), 'delivered', '2024-11-11T16:20:00Z', { message: 'Delivered to the door' }),
    withSource(orderCreated(oid('B'), { time: '2024-11-06T12:00:00Z', promisedDate: '2024-11-20' }), olist),
    withSource(orderEvent(oid('B'), 'approved', '2024-11-06T12:40:00Z'), olist),
    ...flow,
  ]);
  // A dead letter that can never pass: schema-invalid.
  const producer = createKafka(config, 'e2e-dead-letter').producer();
  await producer.connect();
  await producer.send({
    topic: topicNames(app.prefix).orders,
    messages: [{ key: oid('X'), value: JSON.stringify({ ...orderCreated(oid('X')), time: 'last tuesday' }) }],
  });
  await producer.disconnect();
  await waitFor('seed applied', async () => {
    const a = (await (await app.api(`/api/orders/${oid('A')}`)).json()) as OrderDetail;
    const s = (await (await app.api('/api/shipments?pageSize=10')).json()) as ShipmentPage;
    const f = await app.api(`/api/orders/${oid('F15')}`);
    return a.status === 'delivered' && s.items.some((x) => x.status === 'delivered') && f.status === 200;
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
  await page
    .getByTestId('nav-shipments')
    .waitFor()
    .catch(async (err: unknown) => {
      await page.screenshot({ path: path.join(shots, '00-start-failed.png') });
      throw new Error(`console did not start: ${String(err)}; console errors: ${consoleErrors.join(' | ')}`);
    });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const stepStates = async () =>
  page
    .getByTestId('lifecycle-step')
    .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-state')}`));

describe('order detail, times and drill-downs in Chromium', () => {
  it('shows a delivered order as a stepper in the site zone, its sources and its shipment', async () => {
    await page.goto(`${app.url}/#/orders/${oid('A')}`);
    await page.getByTestId('order-stepper').waitFor({ timeout: 20_000 });
    expect(await stepStates()).toEqual([
      'created:done',
      'approved:done',
      'picked:done',
      'packed:done',
      'shipped:done',
      'delivered:done',
    ]);
    // 13:00 UTC is 10:00 in Sao Paulo (UTC-3), and the zone is named.
    expect(await page.getByTestId('lifecycle-step').first().innerText()).toContain('2024-11-04\n10:00');
    expect(await page.getByTestId('stepper-zone').innerText()).toContain(
      'Sao Paulo time (America/Sao_Paulo)',
    );
    const kinds = await page
      .getByTestId('history-source')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(new Set(kinds)).toEqual(new Set(['console']));
    const shipmentRow = page.getByTestId('order-shipment');
    expect(await shipmentRow.getAttribute('data-shipment-id')).toBe(sid('A'));
    expect(await shipmentRow.innerText()).toContain('delivered');
    await shot('01-order-delivered', true);
    await shipmentRow.getByRole('link', { name: sid('A') }).click();
    await page.getByTestId('shipment-detail').waitFor();
    // QA: the header said "Exception" on a delivered shipment.
    const x = page.getByTestId('shipment-exception');
    expect(await x.getAttribute('data-state')).toBe('resolved');
    expect(await x.textContent()).toContain('Last exception (resolved)');
    expect(await page.getByTestId('shipment-zone').innerText()).toContain('America/Sao_Paulo');
    await shot('02-shipment-delivered-after-exception');
  });

  it('marks an open order past its promise as overdue, with skipped and pending steps', async () => {
    await page.goto(`${app.url}/#/orders/${oid('B')}`);
    await page.getByTestId('order-stepper').waitFor({ timeout: 20_000 });
    expect(await stepStates()).toEqual([
      'created:done',
      'approved:done',
      'picked:pending',
      'packed:pending',
      'shipped:pending',
      'delivered:pending',
    ]);
    const flag = page.locator('[data-testid="order-stepper"] [data-testid="punctuality"]');
    expect(await flag.getAttribute('data-state')).toBe('overdue');
    expect(await flag.innerText()).toMatch(/^overdue by \d+ days$/);
    const kinds = await page
      .getByTestId('history-source')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds).toEqual(['import', 'import']);
    expect(await page.getByTestId('order-shipments').innerText()).toContain('No shipment yet');
    await shot('03-order-overdue');
    await page.goto(`${app.url}/#/orders/${oid('D')}`);
    await page.getByTestId('order-stepper').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('history-source').first().getAttribute('data-kind')).toBe('drill');
  });

  it('names the site zone with the times of the shipments list and the exceptions queue', async () => {
    await page.goto(`${app.url}/#/shipments`);
    await expect.poll(async () => page.getByTestId('shipment-row').count(), { timeout: 20_000 }).toBe(1);
    const headings = await page.getByTestId('zone-heading').allInnerTexts();
    expect(headings.length).toBeGreaterThanOrEqual(2);
    for (const h of headings) expect(h).toMatch(/sao paulo/i);
    await shot('04-shipments-zone');
    await page.goto(`${app.url}/#/orders`);
    await page.getByTestId('orders-table').waitFor();
    await expect
      .poll(async () => page.getByTestId('order-row').count(), { timeout: 20_000 })
      .toBeGreaterThan(3);
    expect(await page.getByTestId('zone-note').innerText()).toContain('Sao Paulo time (America/Sao_Paulo)');
    await page.goto(`${app.url}/#/exceptions`);
    await page.getByTestId('exceptions-table').waitFor();
    await shot('04b-exceptions-empty-zone');
  });

  it('keeps the orders filters compact at 1280x720 and nothing cut off at 1024 wide', async () => {
    await page.goto(`${app.url}/#/orders`);
    await expect
      .poll(async () => page.getByTestId('order-row').count(), { timeout: 20_000 })
      .toBeGreaterThan(10);
    await shot('05-orders');
    const toolbar = page.getByRole('search', { name: 'Order filters' });
    const box = (await toolbar.boundingBox())!;
    const rowHeight = (await page.getByTestId('orders-status').boundingBox())!.height;
    // At most about four rows of controls.
    expect(box.height).toBeLessThanOrEqual(rowHeight * 4 + 40);
    // The table shows a useful number of rows.
    const table = (await page.getByTestId('orders-table').boundingBox())!;
    const row = (await page.getByTestId('order-row').first().boundingBox())!;
    expect(Math.floor(table.height / row.height)).toBeGreaterThanOrEqual(10);
    for (const width of [1280, 1024]) {
      await page.setViewportSize({ width, height: 720 });
      await page.waitForTimeout(200);
      const overflow = await page.evaluate(() => {
        const cut: string[] = [];
        const doc = document.documentElement;
        if (doc.scrollWidth > doc.clientWidth + 1) cut.push(`page ${doc.scrollWidth}>${doc.clientWidth}`);
        for (const el of Array.from(document.querySelectorAll<HTMLElement>('[role="search"] *'))) {
          const r = el.getBoundingClientRect();
          if (el.checkVisibility() && r.width > 0 && r.right > doc.clientWidth + 1)
            cut.push(`${el.tagName} ${el.textContent?.slice(0, 20)}`);
        }
        return cut;
      });
      expect(overflow, `at ${width}`).toEqual([]);
    }
    await page.screenshot({ path: path.join(shots, '06-orders-1024x720.png') });
    await page.setViewportSize(SIZES[0]!);
  });

  it('opens the orders behind an order-flow point; week labels carry the year', async () => {
    await page.goto(`${app.url}/#/`);
    await page.getByTestId('chart-daily').waitFor({ timeout: 20_000 });
    const series = (await (await app.api('/api/kpi/daily')).json()) as KpiSeries;
    await page.waitForTimeout(500);
    await shot('07a-dashboard');
    expect(series.bucket).toBe('week');
    expect(await page.getByTestId('chart-daily').getAttribute('data-bucket')).toBe('week');
    const ticks = (
      await page
        .locator('[data-testid="chart-daily"] svg text')
        .evaluateAll((els) => els.map((e) => e.textContent ?? ''))
    ).filter((t) => t.startsWith('wk'));
    expect(ticks.length).toBeGreaterThan(2);
    for (const t of ticks) expect(t).toMatch(/^wk \d{4}-\d{2}-\d{2}$/);
    expect(new Set(ticks.map((t) => t.slice(3, 7)))).toEqual(new Set(['2024', '2025']));
    // Point at a week in the chart, then click its created point.
    const chart = page.locator('[data-testid="chart-daily"] .recharts-wrapper').first();
    const cb = (await chart.boundingBox())!;
    await page.mouse.move(cb.x + cb.width * 0.5, cb.y + cb.height * 0.5);
    const links = page.getByTestId('flow-links');
    await expect.poll(async () => links.getAttribute('data-start')).toBeTruthy();
    await shot('07-dashboard-flow', true);
    const dot = page.getByTestId('flow-dot-created');
    await dot.waitFor();
    await dot.click();
    await page.getByTestId('orders-table').waitFor();
    // The orders of the clicked week: as many as the chart's figure of that week.
    const from = /[?&]from=(\d{4}-\d{2}-\d{2})/.exec(decodeURIComponent(page.url()))?.[1];
    const point = series.points.find((p) => p.start === from) ?? series.points[0]!;
    expect(point.created).toBeGreaterThan(0);
    await expect
      .poll(async () => page.getByTestId('orders-total').getAttribute('data-total'), { timeout: 20_000 })
      .toBe(String(point.created));
    // The same through the keyboard-reachable link.
    await page.goBack();
    await page.getByTestId('flow-link-shipped').waitFor({ timeout: 20_000 });
    const delivered = page.getByTestId('flow-link-created');
    const n = await delivered.getAttribute('data-count');
    await delivered.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => page.getByTestId('orders-total').getAttribute('data-total'), { timeout: 20_000 })
      .toBe(n);
  });

  it('does not offer a re-drive of a dead letter that can never pass, and says why', async () => {
    await page.goto(`${app.url}/#/dead-letters`);
    await page.getByTestId('dead-letter-row').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('dead-letter-redrive').count()).toBe(0);
    const note = page.getByTestId('dead-letter-no-redrive').first();
    expect(await note.innerText()).toMatch(/Re-drive not offered: it can never pass\.[\s\S]*time/);
    expect(await page.getByTestId('dead-letter-select').first().isDisabled()).toBe(true);
    await shot('08-dead-letters-no-redrive');
  });

  it('ran without console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
