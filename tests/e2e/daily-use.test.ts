/**
 * End to end in Debian's Chromium: the console's daily use and the dashboard's range.
 * - the dashboard's default range and presets fit the data when one order carries today's time,
 *   the site picker limits the KPIs, the cards compare with the previous range;
 * - keyboard shortcuts (`?` help, `g o` / `g d` / `g p`, `/` search, `i` inject);
 * - light and dark themes following the system, with a choice kept in localStorage;
 * - the header search opening an order from the start of its id, or listing the matches;
 * - at 1280x720 no table is wider than its container and every control has a name; the
 *   exceptions queue (long carriers, tracking numbers, reasons, two site zones) and the orders
 *   table fit without a sideways scroll; with the "N queued" and Kafka-down badges in the header
 *   the page title stays whole and no header control is cut or covered.
 * Screenshots at 1280x720 and 1920x1080 go to test-output/screenshots/daily-use (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteDay, type KpiSummary } from '../../contracts';
import { orderCreated, orderEvent, repoRoot, waitFor } from '../support/harness';
import { startHeadless, type HeadlessConsole } from '../support/headless';

const shots = path.join(repoRoot, 'test-output', 'screenshots', 'daily-use');
const CHROMIUM = process.env.SCT_CHROMIUM ?? '/usr/bin/chromium';
const tag = randomUUID().slice(0, 6).toUpperCase();
const prefix = `DU${tag}`;
const uniqueOrder = `ONE${tag}-X`;

let consoleApp: HeadlessConsole;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

async function shotBoth(name: string): Promise<void> {
  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(300); // charts re-measure their container
    await page.screenshot({ path: path.join(shots, `${name}-${w}x${h}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  consoleApp = await startHeadless();
  const events: unknown[] = [];
  // May 2024 at two sites; one order two days late.
  for (let i = 0; i < 8; i++) {
    const id = `${prefix}-${i}`;
    const day = 10 + i;
    const created = orderCreated(id, {
      time: `2024-05-${day}T12:00:00Z`,
      promisedDate: `2024-05-${day + 4}`,
    });
    if (i % 2 === 1) created.data = { ...created.data, warehouseId: 'w-2', siteTimeZone: 'Asia/Tokyo' };
    events.push(created, orderEvent(id, 'approved', `2024-05-${day}T14:00:00Z`));
    if (i < 6) events.push(orderEvent(id, 'shipped', `2024-05-${day + 1}T10:00:00Z`));
    if (i < 5) events.push(orderEvent(id, 'delivered', `2024-05-${day + (i === 4 ? 6 : 3)}T15:00:00Z`));
  }
  events.push(orderCreated(uniqueOrder, { time: '2024-05-12T08:00:00Z', promisedDate: '2024-05-20' }));
  // One stray order with today's time: it must not move the default range or the presets.
  events.push(
    orderCreated(`${prefix}-TODAY`, { time: new Date().toISOString(), promisedDate: '2030-01-01' }),
  );
  // Three open exceptions with long carrier names, tracking numbers, reasons and messages, at
  // two sites and one without an order (UTC): each time names its zone.
  const reasons = [
    'RECIPIENT_UNAVAILABLE',
    'ADDRESS_INCOMPLETE_APARTMENT_NUMBER',
    'CUSTOMS_HOLD_DOCUMENTS_MISSING',
  ];
  reasons.forEach((reasonCode, i) => {
    const shipment = (type: string, time: string, data: Record<string, unknown>) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: 'test',
      type: `sct.shipment.${type}.v1`,
      subject: `SX${tag}-LONG-SHIPMENT-ID-${i}`,
      time,
      data,
    });
    events.push(
      shipment('created', '2024-05-11T09:00:00Z', {
        ...(i < 2 ? { orderId: `${prefix}-${i}` } : {}),
        carrier: 'Deutsche Post DHL Group International Express',
        trackingNumber: `JJD000${tag}12345678901234567`,
        promisedDate: '2024-05-15',
      }),
      shipment('exception', `2024-05-1${2 + i}T10:00:00Z`, {
        reasonCode,
        message: 'Recipient not at home; second attempt scheduled for the next working day, card left',
      }),
    );
  });
  const res = await consoleApp.api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
  expect(res.status).toBe(202);
  await waitFor('seed applied', async () => {
    const r = await consoleApp.api('/api/kpi/summary');
    const k = (await r.json()) as KpiSummary;
    // The site list and filter read the orders read model: wait for the order-processor too.
    const w2 = (await (
      await consoleApp.api('/api/kpi/summary?from=2024-05-01&to=2024-05-31&warehouse=w-2')
    ).json()) as KpiSummary;
    const exceptions = (await (await consoleApp.api('/api/exceptions?page=1&pageSize=50')).json()) as {
      total: number;
    };
    return (
      k.deliveredOrders === 5 &&
      k.createdOrders === 10 &&
      k.mainTo !== null &&
      w2.deliveredOrders === 2 &&
      exceptions.total === 3
    );
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 720 }, colorScheme: 'dark' });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(`${consoleApp.url}/#token=${consoleApp.token}`);
  await page.getByTestId('kpi-otd').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await consoleApp?.close();
});

describe('dashboard range and site', () => {
  it('defaults to where the data is, says so, and leaves the stray day out', async () => {
    const note = page.getByTestId('kpi-range-note');
    await expect.poll(async () => note.innerText(), { timeout: 20_000 }).toMatch(/2024-05-10 → 2024-05-20/);
    expect(await page.getByTestId('kpi-outside-note').innerText()).toContain('1 day');
    expect(await page.getByTestId('kpi-to').inputValue()).toBe('2024-05-20');
    await expect.poll(async () => page.getByTestId('kpi-delivered').getAttribute('data-value')).toBe('5');
    await page.waitForTimeout(300);
    await shotBoth('01-dashboard-default');
  });

  it('"Last 30 d" ends on the data’s last day; 30 days before it hold no data, so no "▲ 5 vs previous"', async () => {
    await page.getByRole('button', { name: 'Last 30 d' }).click();
    await expect.poll(async () => page.getByTestId('kpi-from').inputValue()).toBe('2024-04-21');
    expect(await page.getByTestId('kpi-to').inputValue()).toBe('2024-05-20');
    await expect
      .poll(async () => page.getByTestId('kpi-no-previous').innerText())
      .toContain('no comparison: no data in 2024-03-22 → 2024-04-20');
    expect(await page.getByTestId('kpi-delivered-delta').count()).toBe(0);
    await page.getByRole('button', { name: 'All data' }).click();
    await expect.poll(async () => page.getByTestId('kpi-to').inputValue()).toBe('2024-05-20');
  });

  it('"Today" shows the site day now; "Include it" widens the range to the day left out', async () => {
    const all = (await (await consoleApp.api('/api/kpi/summary')).json()) as KpiSummary;
    // "Today" is the site day now in the console's site zone (its title names it); the stray
    // order's own day (all.dataTo, in its site's zone) differs from it for hours around midnight.
    const title = (await page.getByTestId('kpi-today').getAttribute('title')) ?? '';
    const today = siteDay(new Date().toISOString(), /\(([^()]+)\)$/.exec(title)![1]!);
    await page.getByTestId('kpi-today').click();
    await expect.poll(async () => page.getByTestId('kpi-from').inputValue()).toBe(today);
    expect(await page.getByTestId('kpi-to').inputValue()).toBe(today);
    await expect
      .poll(async () => page.getByTestId('kpi-range-note').innerText())
      .toContain(`${today} → ${today}`);
    await page.getByRole('button', { name: 'All data' }).click();
    await page.getByTestId('kpi-include-outside').click();
    await expect.poll(async () => page.getByTestId('kpi-from').inputValue()).toBe(all.dataFrom);
    expect(await page.getByTestId('kpi-to').inputValue()).toBe(all.dataTo);
    expect(await page.getByTestId('kpi-outside-note').count()).toBe(0);
    await shotBoth('01b-dashboard-include-stray-day');
    await page.getByRole('button', { name: 'All data' }).click();
    await expect.poll(async () => page.getByTestId('kpi-to').inputValue()).toBe('2024-05-20');
  });

  it('limits the KPIs to one site', async () => {
    await page.getByTestId('kpi-site').fill('w-2');
    // w-2 holds the odd orders: 1 and 3 delivered on time.
    await expect.poll(async () => page.getByTestId('kpi-delivered').getAttribute('data-value')).toBe('2');
    // The view is in the URL: a reload (or the link sent to someone) shows the same site.
    await expect.poll(() => page.url()).toContain('site=w-2');
    await page.reload();
    await expect.poll(async () => page.getByTestId('kpi-delivered').getAttribute('data-value')).toBe('2');
    expect(await page.getByTestId('kpi-site').inputValue()).toBe('w-2');
    expect(await page.getByTestId('kpi-range-note').innerText()).toContain('site w-2');
    await shotBoth('02-dashboard-site');
    await page.getByTestId('kpi-site').fill('');
    await expect.poll(async () => page.getByTestId('kpi-delivered').getAttribute('data-value')).toBe('5');
  });

  it('draws every status as a labelled horizontal bar, small counts included', async () => {
    // Non-zero counts are written at the end of their bar: created 1, approved 2, shipped 1, delivered 5.
    const labels = await page
      .locator('[data-testid="chart-status"] .recharts-label-list text')
      .allTextContents();
    expect(labels).toEqual(['1', '2', '1', '5']);
    const names = await page
      .locator('[data-testid="chart-status"] .recharts-yAxis-tick-labels text')
      .allTextContents();
    expect(names).toHaveLength(7); // every status named, none dropped for lack of room
    // Bars with a count of 1 are drawn (at least a few pixels wide).
    const widths = await page
      .locator('[data-testid="chart-status"] .recharts-bar-rectangle path')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(widths.filter((w) => w >= 3)).toHaveLength(4);
  });
});

describe('keyboard shortcuts', () => {
  it('opens the help with ? and closes it with Escape', async () => {
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcut-help');
    await help.waitFor();
    expect(await help.innerText()).toContain('Go to the orders');
    await shotBoth('03-shortcut-help');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  it('switches pages with g o, g p, g d and i, and focuses the search with /', async () => {
    await page.keyboard.press('g');
    await page.keyboard.press('o');
    await expect.poll(() => page.url()).toContain('#/orders');
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('g');
    await page.keyboard.press('p');
    await expect.poll(() => page.url()).toContain('#/pipeline');
    await page.keyboard.press('i');
    await expect.poll(() => page.url()).toContain('#/inject');
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('g');
    await page.keyboard.press('d');
    await expect.poll(() => page.url()).toMatch(/#\/(dashboard)?$/);
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('global-search');
    expect(await page.getByTestId('lookup-input').inputValue()).toBe(''); // the `/` is not typed
    await page.keyboard.press('Escape');
  });

  it('ignores shortcuts while typing in a field', async () => {
    await page.getByTestId('lookup-input').focus();
    await page.keyboard.type('go');
    expect(page.url()).not.toContain('#/orders');
    await page.getByTestId('lookup-input').fill('');
  });
});

describe('themes', () => {
  it('follows the system, and keeps a manual choice across reloads', async () => {
    const theme = () => page.evaluate(() => document.documentElement.dataset['theme']);
    expect(await theme()).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(theme).toBe('light');
    await shotBoth('04-dashboard-light');
    // system -> light -> dark: a fixed dark choice wins over the light system.
    await page.getByTestId('theme-button').click();
    await page.getByTestId('theme-button').click();
    await expect.poll(theme).toBe('dark');
    await page.reload();
    await page.getByTestId('kpi-otd').waitFor();
    expect(await theme()).toBe('dark');
    expect(await page.evaluate(() => localStorage.getItem('sct.theme'))).toBe('dark');
    await page.getByTestId('theme-button').click(); // back to the system
    await expect.poll(theme).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(theme).toBe('dark');
  });
});

describe('header search', () => {
  it('opens the one order whose id starts with the text', async () => {
    await page.getByTestId('lookup-input').fill(`ONE${tag}`);
    await page.getByTestId('lookup-input').press('Enter');
    await expect.poll(() => page.url()).toContain(`#/orders/${uniqueOrder}`);
    await page.getByTestId('order-detail').waitFor();
  });

  it('lists the orders when several start with it', async () => {
    await page.getByTestId('lookup-input').fill(prefix);
    await page.getByTestId('lookup-input').press('Enter');
    const matches = page.getByTestId('lookup-matches');
    await matches.waitFor();
    expect(await matches.innerText()).toContain('9 orders match');
    await shotBoth('05-search-matches');
    await matches.getByRole('link', { name: `${prefix}-2` }).click();
    await expect.poll(() => page.url()).toContain(`#/orders/${prefix}-2`);
  });
});

describe('1280x720', () => {
  it('shows the order in the site’s zone with the zone named', async () => {
    await page.getByTestId('order-detail').waitFor();
    expect(await page.getByTestId('site-zone').innerText()).toBe('America/Sao_Paulo');
    // Created 2024-05-12T12:00:00Z is 09:00 in São Paulo.
    expect(await page.getByTestId('order-detail').innerText()).toContain('2024-05-12 09:00:00');
    expect(await page.getByTestId('order-history').locator('..').innerText()).toContain('Sao Paulo time');
    await shotBoth('06-order-detail');
  });

  it('has no table wider than its container and no unnamed control on any screen', async () => {
    const screens = [
      '#/',
      `#/orders/${prefix}-2`,
      '#/exceptions',
      '#/orders',
      '#/inject',
      '#/dead-letters',
      '#/pipeline',
      '#/audit',
    ];
    for (const hash of screens) {
      await page.goto(`${consoleApp.url}/${hash}`);
      await page.locator('.screen').first().waitFor();
      if (hash === '#/exceptions')
        await expect.poll(async () => page.getByTestId('exception-row').count(), { timeout: 20_000 }).toBe(3);
      if (hash === '#/orders')
        await expect.poll(async () => page.getByTestId('order-row').count(), { timeout: 20_000 }).toBe(10);
      await page.waitForTimeout(600);
      await page.screenshot({
        path: path.join(shots, `07-screen-${hash.replace(/[^a-z0-9]+/gi, '_')}-1280x720.png`),
      });
      const problems = await page.evaluate(() => {
        const out: string[] = [];
        const scrolls = (el: Element) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
        for (const table of Array.from(document.querySelectorAll('main table'))) {
          let box: Element | null = table.parentElement;
          while (box && !scrolls(box) && !box.matches('.panel, .screen, main')) box = box.parentElement;
          if (!box || scrolls(box)) continue; // scrolls inside its container: not cut off
          const t = table.getBoundingClientRect();
          const b = box.getBoundingClientRect();
          if (t.right > b.right + 1)
            out.push(`table ${table.getAttribute('data-testid') ?? ''} overflows by ${t.right - b.right}px`);
        }
        // The exceptions queue and the orders table show every column at 1280 px: no sideways scroll.
        for (const box of Array.from(
          document.querySelectorAll('.table-scroll:has([data-testid="exceptions-table"]), .otable__scroll'),
        )) {
          if (box.scrollWidth > box.clientWidth + 1)
            out.push(`${box.className} scrolls sideways: ${box.scrollWidth} > ${box.clientWidth}px`);
        }
        for (const el of Array.from(
          document.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href]'),
        )) {
          if (el.closest('[hidden]') || el.getClientRects().length === 0) continue;
          const named =
            el.getAttribute('aria-label') ||
            el.getAttribute('aria-labelledby') ||
            el.getAttribute('title') ||
            (el instanceof HTMLInputElement ||
            el instanceof HTMLSelectElement ||
            el instanceof HTMLTextAreaElement
              ? (el.labels?.length ?? 0) > 0
              : (el.textContent ?? '').trim());
          if (!named) out.push(`unnamed ${el.tagName.toLowerCase()} ${el.outerHTML.slice(0, 80)}`);
        }
        return out;
      });
      expect({ hash, problems }).toEqual({ hash, problems: [] });
    }
  });

  it('keeps the title whole and no header control cut or covered with the queued and Kafka-down badges', async () => {
    // Kafka down and 44 queued injections, as the health check and the outbox would say.
    await page.route('**/api/health', async (route) => {
      const res = await route.fetch();
      const health = (await res.json()) as { services: { name: string; state: string }[] };
      for (const s of health.services) if (s.name === 'kafka') s.state = 'down';
      await route.fulfill({ response: res, json: health });
    });
    await page.route('**/api/outbox', async (route) => {
      const res = await route.fetch();
      const view = (await res.json()) as Record<string, unknown>;
      const pending = Array.from({ length: 44 }, (_, i) => ({
        entryId: `e2e-${i}`,
        queuedAt: '2024-05-20T12:00:00Z',
        operator: 'owner',
        role: 'owner',
        eventCount: 1,
        types: ['sct.order.created.v1'],
        drillIds: [],
        events: [],
        attempts: 1,
        lastError: null,
        lastAttemptAt: null,
      }));
      await route.fulfill({ response: res, json: { ...view, enabled: true, pending, queuedEvents: 44 } });
    });
    try {
      for (const hash of ['#/', '#/exceptions', `#/orders/${prefix}-2`]) {
        await page.goto(`${consoleApp.url}/${hash}`);
        await page.locator('.screen').first().waitFor();
        await page.getByTestId('outbox-badge').waitFor();
        const live = page.getByTestId('live-indicator');
        await expect.poll(async () => live.getAttribute('data-state'), { timeout: 20_000 }).toBe('paused');
        // The whole label stays for screen readers (and the tooltip) when the chip shows it short.
        expect(await live.textContent()).toContain('No new events: Kafka down');
        await page.waitForTimeout(300);
        await page.screenshot({
          path: path.join(shots, `08-header-badges-${hash.replace(/[^a-z0-9]+/gi, '_')}-1280x720.png`),
        });
        const problems = await page.evaluate(() => {
          const out: string[] = [];
          const bar = document.querySelector('.topbar')!;
          const b = bar.getBoundingClientRect();
          const title = bar.querySelector<HTMLElement>('.topbar__title')!;
          // A screen's title whole; a breadcrumb's words whole (its long id may end in an ellipsis).
          const crumb = title.querySelector('.topbar__crumb');
          if (!crumb && title.scrollWidth > title.clientWidth + 1)
            out.push(`title "${title.textContent}" cut: ${title.scrollWidth} > ${title.clientWidth}px`);
          const words = Array.from(title.children).slice(0, 3);
          for (const w of words)
            if (w.getBoundingClientRect().right > title.getBoundingClientRect().right + 1)
              out.push(`title word "${w.textContent}" cut`);
          // The search box shows its whole placeholder.
          const input = bar.querySelector<HTMLInputElement>('[data-testid="lookup-input"]')!;
          const cs = getComputedStyle(input);
          const ctx = document.createElement('canvas').getContext('2d')!;
          ctx.font = cs.font;
          const needed =
            ctx.measureText(input.placeholder).width +
            parseFloat(cs.paddingLeft) +
            parseFloat(cs.paddingRight);
          if (needed > input.clientWidth + 1)
            out.push(
              `placeholder "${input.placeholder}" cut: ${Math.round(needed)} > ${input.clientWidth}px`,
            );
          // The operator's summary whole, beside a screen's title.
          const summary = bar.querySelector<HTMLElement>('[data-testid="signed-in-summary"]');
          if (!crumb && summary && summary.scrollWidth > summary.clientWidth + 1)
            out.push(
              `operator "${summary.textContent}" cut: ${summary.scrollWidth} > ${summary.clientWidth}px`,
            );
          // Every control inside the header, none over the next.
          const boxes = Array.from(bar.children)
            .filter((el) => !el.classList.contains('toolbar__spacer') && el.getClientRects().length > 0)
            .map((el) => ({ name: el.className, r: el.getBoundingClientRect() }));
          boxes.forEach(({ name, r }, i) => {
            if (r.left < b.left - 1 || r.right > b.right + 1) out.push(`${name} outside the header`);
            const next = boxes[i + 1];
            if (next && r.right > next.r.left + 1) out.push(`${name} covers ${next.name}`);
          });
          return out;
        });
        expect({ hash, problems }).toEqual({ hash, problems: [] });
      }
    } finally {
      await page.unroute('**/api/health');
      await page.unroute('**/api/outbox');
    }
  });

  it('reaches the header search and the theme button with Tab', async () => {
    await page.goto(`${consoleApp.url}/#/`);
    await page.getByTestId('kpi-otd').waitFor();
    const seen: string[] = [];
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? ''));
    }
    expect(seen).toContain('lookup-input');
    expect(seen).toContain('theme-button');
    expect(seen).toContain('kpi-from');
    expect(seen).toContain('kpi-site');
  });

  it('ran without console errors', () => {
    // The header search asks for the exact id first: its 404 (then the prefix search) is expected.
    expect(consoleErrors.filter((e) => !e.includes('favicon') && !e.includes('status of 404'))).toEqual([]);
  });
});
