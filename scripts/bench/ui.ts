/**
 * The console measured in Chromium (playwright-core, Debian's Chromium, headless) against a
 * deployment holding the data: first paint of the orders page, filter changes answered and
 * rendered, scroll frames in the virtualized orders table and deep jumps, the CSV export rate of
 * every row, and the dashboard while events arrive at a steady rate (frames, event-loop lag,
 * KPI refetches and live notifications per second, how far the last update trails the last
 * event). Page-side code: ui-page.ts. Optionally saves screenshots of the orders page (top, deep,
 * filtered, loading, error) at 1280x720 and 1920x1080.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { SupplyChainEvent } from '../../contracts';
import type { Deployment } from './deployment';
import { distribution, nowMs, sleep, type Distribution } from './stats';
import { PAGE_FUNCTIONS, type DashboardSamples, type FrameSamples, type PageFunctions } from './ui-page';

/** sessionStorage key of the console token (renderer/src/api/token.ts). */
const TOKEN_KEY = 'sct.console-token';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];
const VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

export interface UiOptions {
  /** Chromium executable (`SCT_CHROMIUM` or /usr/bin/chromium). */
  chromium: string;
  /** Template of the `order.created` events of the dashboard burst. */
  template: SupplyChainEvent;
  burstSeconds: number;
  burstRate: number;
  /** Folder for the screenshots; none taken when undefined. */
  shotsDir?: string;
  tag: string;
  log: (line: string) => void;
}

/** Summary of frame recordings (ms). */
export interface FrameFigures {
  frames: number;
  /**
   * Main-thread CPU time per frame (ms; Chromium's `ThreadTime` metric over the recording):
   * unlike the wall-clock figures, it does not grow when other processes take the cores.
   */
  cpuPerFrameMs: number;
  work: Distribution;
  delta: Distribution;
  /** Frames whose rAF delta exceeded 1.5 frames (a frame was dropped). */
  droppedFrames: number;
  longAnimationFrames: number;
}

export interface UiResult {
  /** Orders in the unfiltered list. */
  orders: number;
  firstPaint: { contentfulMs: Distribution; rowsMs: Distribution };
  filterMs: Distribution;
  /** The `GET /api/orders` request of each filter change (resource timing). */
  filterApiMs: Distribution;
  scroll: FrameFigures & { pendingFrames: number; pxPerFrame: number };
  jumpMs: Distribution;
  export: { rows: number; bytes: number; seconds: number; rowsPerSecond: number; resourceMs: number | null };
  dashboard: {
    offeredPerSecond: number;
    acceptedEvents: number;
    failedRequests: number;
    seconds: number;
    frames: FrameFigures;
    cpuShare: number;
    lagMs: Distribution;
    kpiRequestsPerSecond: number;
    notificationsPerSecond: number;
    commitsPerSecond: number;
    /** Longest time the live indicator's last-update time stood still during the burst (ms). */
    longestStallMs: number;
    /** How long after the last accepted event the dashboard's last update came (ms). */
    trailingMs: number;
  };
  screenshots: string[];
}

function frameFigures(s: FrameSamples, cpuMs: number): FrameFigures {
  const budget = 1000 / 60;
  return {
    frames: s.work.length,
    cpuPerFrameMs: cpuMs / Math.max(1, s.work.length),
    work: distribution(s.work),
    delta: distribution(s.delta),
    droppedFrames: s.delta.filter((d) => d > budget * 1.5).length,
    longAnimationFrames: s.longFrames,
  };
}

/**
 * The page's main-thread CPU time so far (ms), from Chromium's performance metrics (`ThreadTime`)
 * through a DevTools session.
 */
async function mainThreadCpu(page: Page): Promise<() => Promise<number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find((m) => m.name === 'ThreadTime')?.value ?? Number.NaN) * 1000;
  };
}

/** Runs a page function installed by {@link install}. */
async function call<K extends keyof PageFunctions>(
  page: Page,
  name: K,
  args: Parameters<PageFunctions[K]>[0],
): Promise<Awaited<ReturnType<PageFunctions[K]>>> {
  return page.evaluate(
    ([n, a]) =>
      (globalThis as unknown as Record<string, Record<string, (x: unknown) => unknown>>).__sctBench![n]!(a),
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<PageFunctions[K]>>>;
}

/**
 * Installs the page functions (and the first-rows watch used for first paint) in every page of
 * the context. `__name` is the helper the TypeScript loader adds around named functions.
 */
async function install(context: BrowserContext): Promise<void> {
  const fns = Object.entries(PAGE_FUNCTIONS)
    .map(([k, f]) => `${JSON.stringify(k)}: (${f.toString()})`)
    .join(',\n');
  await context.addInitScript(`
    globalThis.__name = globalThis.__name || ((f) => f);
    globalThis.__sctBench = {${fns}};
    globalThis.__sctFirstRows = null;
    new MutationObserver((_, obs) => {
      if (document.querySelector('[data-testid="order-row"]')) {
        obs.disconnect();
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => (globalThis.__sctFirstRows = performance.now());
          ch.port2.postMessage(0);
        });
      }
    }).observe(document, { subtree: true, childList: true });
  `);
}

/** The number in the orders list's total once it has one. */
async function listedTotal(page: Page): Promise<number> {
  await page.waitForFunction(
    () =>
      /^\d+$/.test(document.querySelector('[data-testid="orders-total"]')?.getAttribute('data-total') ?? ''),
    undefined,
    { timeout: 60_000 },
  );
  return Number(await page.getByTestId('orders-total').getAttribute('data-total'));
}

/** First paint of the orders page in fresh tabs: first contentful paint and first rows painted (ms since navigation). */
async function measureFirstPaint(browser: Browser, dep: Deployment, loads: number) {
  const fcp: number[] = [];
  const rows: number[] = [];
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ viewport: VIEWPORTS[0] });
    await install(context);
    const page = await context.newPage();
    await page.goto(`${dep.url}/#token=${dep.token}&route=/orders`);
    await page.waitForFunction(
      () => (globalThis as unknown as { __sctFirstRows: number | null }).__sctFirstRows !== null,
      undefined,
      {
        timeout: 60_000,
      },
    );
    const r = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      rows: (globalThis as unknown as { __sctFirstRows: number }).__sctFirstRows,
    }));
    fcp.push(r.fcp);
    rows.push(r.rows);
    await context.close();
  }
  return { contentfulMs: distribution(fcp), rowsMs: distribution(rows) };
}

/** `YYYY-MM-DD` of `start` plus `days`. */
function dayPlus(start: string, days: number): string {
  return new Date(Date.parse(`${start}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Publishes new orders open-loop at `rate` events/s (20 ms ticks) for `seconds`. */
async function burst(
  dep: Deployment,
  template: SupplyChainEvent,
  rate: number,
  seconds: number,
  tag: string,
) {
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const ticks = Math.round((seconds * 1000) / tickMs);
  let accepted = 0;
  let failed = 0;
  let lastAcceptedAt = 0;
  const inFlight = new Set<Promise<void>>();
  const start = nowMs();
  for (let k = 0; k < ticks; k++) {
    const wait = start + k * tickMs - nowMs();
    if (wait > 0) await sleep(wait);
    const events = Array.from({ length: perTick }, (_, j) => ({
      ...template,
      id: randomUUID(),
      subject: `ui-${tag}-${k}-${j}`,
      time: new Date().toISOString(),
    }));
    const p = dep
      .api('/api/events/batch', { method: 'POST', body: JSON.stringify({ events }) })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status === 202) {
          accepted += events.length;
          lastAcceptedAt = Date.now();
        } else failed += 1;
      })
      .catch(() => {
        failed += 1;
      });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  const offeredSeconds = (nowMs() - start) / 1000;
  await Promise.all([...inFlight]);
  return {
    accepted,
    failed,
    lastAcceptedAt,
    offeredPerSecond: (ticks * perTick) / offeredSeconds,
    seconds: offeredSeconds,
  };
}

/** The orders page's screenshots: top, deep, filtered, loading, error, at both sizes. */
async function screenshots(browser: Browser, dep: Deployment, dir: string, total: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const viewport of VIEWPORTS) {
    const size = `${viewport.width}x${viewport.height}`;
    const context = await browser.newContext({ viewport });
    await install(context);
    const page = await context.newPage();
    const shot = async (name: string) => {
      const file = path.join(dir, `orders-${name}-${size}.png`);
      await page.screenshot({ path: file });
      files.push(file);
    };
    await page.goto(`${dep.url}/#token=${dep.token}&route=/orders`);
    await listedTotal(page);
    await call(page, 'ordersSettled', { timeoutMs: 30_000 });
    await shot(`${Math.round(total / 1000)}k-top`);
    await call(page, 'timeJump', { fraction: 0.62, timeoutMs: 30_000 });
    await shot('deep');
    await page.evaluate(
      () => (window.location.hash = '#/orders?status=delivered&punctuality=late&sort=promisedDate&order=asc'),
    );
    await call(page, 'ordersSettled', { timeoutMs: 30_000 });
    await shot('filtered');
    // Loading: the list's answer held back; error: the API answering 503.
    await page.route('**/api/orders?*', async (route) => {
      await sleep(4_000);
      await route.continue().catch(() => undefined);
    });
    await page.evaluate(() => (window.location.hash = '#/orders?status=shipped&sort=customerId'));
    await page.reload();
    await page.getByText('Loading orders').waitFor({ timeout: 10_000 });
    await shot('loading');
    await page.unroute('**/api/orders?*');
    await page.route('**/api/orders?*', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({
          error: 'service_unavailable',
          message: 'PostgreSQL at 127.0.0.1:5432 is not answering: start it (npm run stack:up)',
        }),
      }),
    );
    await page.evaluate(() => (window.location.hash = '#/orders?status=cancelled&sort=warehouseId'));
    await page.reload();
    await page.getByText('Orders could not be loaded').waitFor({ timeout: 30_000 });
    await shot('error');
    await context.close();
  }
  return files;
}

/**
 * Measures the console in Chromium against `dep` (which holds the data already).
 * @throws when a page does not show what it should in time
 */
export async function runUi(dep: Deployment, opts: UiOptions): Promise<UiResult> {
  const browser = await chromium.launch({ executablePath: opts.chromium, args: CHROMIUM_ARGS });
  try {
    const firstPaint = await measureFirstPaint(browser, dep, 5);
    opts.log(
      `   first paint of the orders page: contentful p50 ${firstPaint.contentfulMs.p50.toFixed(0)} ms, rows p50 ${firstPaint.rowsMs.p50.toFixed(0)} ms`,
    );
    const context = await browser.newContext({ viewport: VIEWPORTS[0] });
    await install(context);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${dep.url}/#token=${dep.token}&route=/orders`);
    const orders = await listedTotal(page);
    await call(page, 'ordersSettled', { timeoutMs: 30_000 });

    // Filter changes: a new created-from day each time (never answered from the cache).
    const filterMs: number[] = [];
    const filterApiMs: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await call(page, 'timeFilterChange', {
        testId: 'orders-from',
        value: dayPlus('2016-12-01', i * 9),
        event: 'input',
        timeoutMs: 30_000,
      });
      filterMs.push(r.ms);
      if (Number.isFinite(r.apiMs)) filterApiMs.push(r.apiMs);
    }
    const filter = distribution(filterMs);
    const filterApi = distribution(filterApiMs);
    opts.log(
      `   filter change to rendered: p50 ${filter.p50.toFixed(0)} ms, p95 ${filter.p95.toFixed(0)} ms (${filter.count}); ` +
        `of which the API request p50 ${filterApi.p50.toFixed(0)} ms, p95 ${filterApi.p95.toFixed(0)} ms`,
    );
    await page.getByRole('button', { name: 'Clear' }).click();
    await call(page, 'ordersSettled', { timeoutMs: 30_000 });

    // Scrolling: 120 px (about 3.5 rows) per frame for 6 s, then jumps deep into the list.
    const pxPerFrame = 120;
    const cpu = await mainThreadCpu(page);
    const scrollCpu0 = await cpu();
    const scrollSamples = await call(page, 'recordScroll', { pxPerFrame, ms: 6_000 });
    const scroll = {
      ...frameFigures(scrollSamples, (await cpu()) - scrollCpu0),
      pendingFrames: scrollSamples.pendingFrames,
      pxPerFrame,
    };
    opts.log(
      `   scroll: frame work p95 ${scroll.work.p95.toFixed(1)} ms (main-thread CPU ${scroll.cpuPerFrameMs.toFixed(1)} ms per frame), rAF delta p95 ${scroll.delta.p95.toFixed(1)} ms, ${scroll.droppedFrames} dropped of ${scroll.frames}, ${scroll.pendingFrames} frames with rows loading`,
    );
    const jumps: number[] = [];
    for (const fraction of [0.25, 0.5, 0.75, 0.999, 0.1, 0.9, 0.4, 0.6]) {
      jumps.push((await call(page, 'timeJump', { fraction, timeoutMs: 30_000 })).ms);
    }
    const jumpMs = distribution(jumps);
    opts.log(
      `   jump deep (scroll bar dragged): rows painted p50 ${jumpMs.p50.toFixed(0)} ms, p95 ${jumpMs.p95.toFixed(0)} ms`,
    );

    // Export of every row.
    const ex = await call(page, 'timeExport', {
      path: '/api/orders/export.csv?sort=createdAt&order=desc&includeDrills=true',
      tokenKey: TOKEN_KEY,
    });
    if (ex.rows !== orders) throw new Error(`the export held ${ex.rows} rows, the list ${orders}`);
    const exportFigures = {
      rows: ex.rows,
      bytes: ex.bytes,
      seconds: ex.ms / 1000,
      rowsPerSecond: ex.rows / (ex.ms / 1000),
      resourceMs: ex.resourceMs,
    };
    opts.log(
      `   CSV export: ${ex.rows} rows, ${(ex.bytes / 1e6).toFixed(1)} MB in ${exportFigures.seconds.toFixed(2)} s (${Math.round(exportFigures.rowsPerSecond)} rows/s)`,
    );

    // The dashboard while events arrive.
    await page.evaluate(() => (window.location.hash = '#/'));
    await page.waitForFunction(
      () =>
        /^\d+$/.test(document.querySelector('[data-testid="kpi-late"]')?.getAttribute('data-value') ?? ''),
      undefined,
      { timeout: 60_000 },
    );
    await sleep(1_000);
    const dashCpu0 = await cpu();
    await call(page, 'startDashboardRecorder', undefined);
    const sent = await burst(dep, opts.template, opts.burstRate, opts.burstSeconds, opts.tag);
    // Let the last notifications arrive: until the last update is after the last event and 2 s pass quietly.
    const settleUntil = Date.now() + 15_000;
    let lastSeen = 0;
    let quietSince = Date.now();
    while (Date.now() < settleUntil) {
      const last = Number(await page.getByTestId('live-indicator').getAttribute('data-last-change'));
      if (last !== lastSeen) {
        lastSeen = last;
        quietSince = Date.now();
      } else if (last >= sent.lastAcceptedAt && Date.now() - quietSince > 2_000) break;
      await sleep(100);
    }
    const dash: DashboardSamples = await call(page, 'stopDashboardRecorder', undefined);
    const dashCpuMs = (await cpu()) - dashCpu0;
    const seconds = dash.ms / 1000;
    const changes = dash.live.length > 0 ? dash.live[dash.live.length - 1]![1] - dash.live[0]![1] : 0;
    // Longest stand-still of the last-update time while events were arriving.
    const burstMs = sent.seconds * 1000;
    let longestStallMs = 0;
    let since = 0;
    let prev = dash.live[0]?.[2] ?? 0;
    for (const [t, , last] of dash.live) {
      if (t > burstMs) break;
      if (last !== prev) {
        prev = last;
        since = t;
      }
      longestStallMs = Math.max(longestStallMs, t - since);
    }
    const dashboard = {
      offeredPerSecond: sent.offeredPerSecond,
      acceptedEvents: sent.accepted,
      failedRequests: sent.failed,
      seconds,
      frames: frameFigures(dash, dashCpuMs),
      /** Main-thread CPU share of one core while recording (0..1). */
      cpuShare: dashCpuMs / dash.ms,
      lagMs: distribution(dash.lag),
      kpiRequestsPerSecond: dash.kpiRequests / seconds,
      notificationsPerSecond: changes / seconds,
      commitsPerSecond: dash.commits / seconds,
      longestStallMs,
      trailingMs: lastSeen - sent.lastAcceptedAt,
    };
    opts.log(
      `   dashboard at ${Math.round(sent.offeredPerSecond)} events/s offered (${sent.accepted} accepted): frame work p95 ${dashboard.frames.work.p95.toFixed(1)} ms, main thread ${(dashboard.cpuShare * 100).toFixed(0)}% of a core, ` +
        `input lag p95 ${dashboard.lagMs.p95.toFixed(0)} ms, ${dashboard.kpiRequestsPerSecond.toFixed(1)} KPI requests/s, ` +
        `${dashboard.notificationsPerSecond.toFixed(1)} notifications/s, ${dashboard.commitsPerSecond.toFixed(1)} DOM commits/s, ` +
        `last update stood still at most ${longestStallMs.toFixed(0)} ms, trails the last event by ${dashboard.trailingMs} ms`,
    );
    await context.close();
    if (pageErrors.length > 0) throw new Error(`the console threw: ${pageErrors.slice(0, 3).join('; ')}`);

    const shots = opts.shotsDir ? await screenshots(browser, dep, opts.shotsDir, orders) : [];
    return {
      orders,
      firstPaint,
      filterMs: filter,
      filterApiMs: filterApi,
      scroll,
      jumpMs,
      export: exportFigures,
      dashboard,
      screenshots: shots,
    };
  } finally {
    await browser.close();
  }
}
