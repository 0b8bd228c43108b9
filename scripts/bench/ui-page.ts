/// <reference lib="dom" />
/**
 * The benchmark's measurements that run inside the console's page in Chromium. They are
 * installed in the page as `globalThis.__sctBench` (see {@link PAGE_FUNCTIONS}, ui.ts), so each
 * function is self-contained: no imports, no module variables; one may call another through
 * `__sctBench`. Times come from the page's performance API (`performance.now()`, ms, page clock).
 *
 * A frame's work is measured as the time from the frame's `requestAnimationFrame` timestamp (the
 * start of the frame's rendering update, before scroll events and rAF callbacks run) to a message
 * posted from the rAF callback (delivered once the frame's style, layout and paint on the main
 * thread are done): the main-thread time the frame needed, to compare with the 16.7 ms budget of a
 * 60 Hz display. The rAF-to-rAF delta is recorded too (a frame over budget shows as a delta of 33 ms
 * or more).
 */

/** Per-frame figures of a recording (ms). */
export interface FrameSamples {
  work: number[];
  delta: number[];
  /** Frames during which a row of the orders table was still waiting for its window. */
  pendingFrames: number;
  /** long-animation-frame entries (frames > 50 ms) seen by a PerformanceObserver. */
  longFrames: number;
}

/**
 * Waits until the orders table shows rows of the current filter (not the previous one while a
 * new filter loads) and no window is loading, then until the next frame is painted.
 * @returns performance.now() after that paint (ms)
 */
export async function ordersSettled(args: { timeoutMs: number; notView?: string }): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const table = document.querySelector<HTMLElement>('[data-testid="orders-table"]');
    const ok =
      table &&
      table.dataset.shown === 'current' &&
      table.dataset.loading === 'false' &&
      (args.notView === undefined || table.dataset.view !== args.notView) &&
      document.querySelector('[data-testid="orders-total"]')?.getAttribute('data-total') !== '';
    if (ok) break;
    if (performance.now() - t0 > args.timeoutMs) throw new Error('the orders table did not settle in time');
    await new Promise((r) => setTimeout(r, 2));
  }
  await new Promise<void>((resolve) =>
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => resolve();
      ch.port2.postMessage(0);
    }),
  );
  return performance.now();
}

/**
 * Changes one filter control of the orders list the way an operator does (`input` for a date,
 * `change` for a select) and measures until the answer is rendered and painted.
 * @returns ms from the event to the painted answer (`ms`), and of that the `GET /api/orders`
 *   request's duration in the resource timing (`apiMs`; NaN when none was made)
 */
export async function timeFilterChange(args: {
  testId: string;
  value: string;
  event: 'input' | 'change';
  timeoutMs: number;
}): Promise<{ ms: number; apiMs: number }> {
  const el = document.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-testid="${args.testId}"]`);
  if (!el) throw new Error(`no control ${args.testId}`);
  const table = document.querySelector<HTMLElement>('[data-testid="orders-table"]');
  const before = table?.dataset.view;
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')!.set!;
  const t0 = performance.now();
  setter.call(el, args.value);
  el.dispatchEvent(new Event(args.event, { bubbles: true }));
  // wait for the view to change, then for its rows
  const deadline = t0 + args.timeoutMs;
  while (table?.dataset.view === before) {
    if (performance.now() > deadline) throw new Error(`${args.testId}=${args.value} changed no view`);
    await new Promise((r) => setTimeout(r, 1));
  }
  const done = await (
    globalThis as unknown as { __sctBench: { ordersSettled: typeof ordersSettled } }
  ).__sctBench.ordersSettled({ timeoutMs: args.timeoutMs });
  const request = performance
    .getEntriesByType('resource')
    .filter((e) => e.name.includes('/api/orders?') && e.startTime >= t0)
    .pop() as PerformanceResourceTiming | undefined;
  return { ms: done - t0, apiMs: request ? request.responseEnd - request.startTime : Number.NaN };
}

/**
 * Scrolls the orders table by `pxPerFrame` every frame for `ms`, recording each frame's work
 * and rAF delta, the frames with rows still loading, and long animation frames.
 */
export async function recordScroll(args: { pxPerFrame: number; ms: number }): Promise<FrameSamples> {
  const box = document.querySelector<HTMLElement>('[data-testid="orders-scroll"]');
  if (!box) throw new Error('no orders table');
  let longFrames = 0;
  let observer: PerformanceObserver | null = null;
  try {
    observer = new PerformanceObserver((list) => (longFrames += list.getEntries().length));
    observer.observe({ type: 'long-animation-frame', buffered: false });
  } catch {
    observer = null; // not supported: only the rAF figures
  }
  const work: number[] = [];
  const delta: number[] = [];
  let pendingFrames = 0;
  await new Promise<void>((resolve) => {
    const start = performance.now();
    let last = 0;
    const frame = (ts: number) => {
      if (last > 0) delta.push(ts - last);
      last = ts;
      if (document.querySelector('[data-testid="order-row-pending"]')) pendingFrames += 1;
      box.scrollTop += args.pxPerFrame;
      const ch = new MessageChannel();
      ch.port1.onmessage = () => work.push(performance.now() - ts);
      ch.port2.postMessage(0);
      if (performance.now() - start < args.ms) requestAnimationFrame(frame);
      else setTimeout(resolve, 50);
    };
    requestAnimationFrame(frame);
  });
  observer?.disconnect();
  return { work, delta, pendingFrames, longFrames };
}

/**
 * Scrolls the orders table to a fraction of its height (the scroll bar dragged there) and
 * measures until every row on screen is filled.
 * @returns ms from the jump to the painted rows, and the first row index shown
 */
export async function timeJump(args: {
  fraction: number;
  timeoutMs: number;
}): Promise<{ ms: number; row: number }> {
  const box = document.querySelector<HTMLElement>('[data-testid="orders-scroll"]');
  if (!box) throw new Error('no orders table');
  const t0 = performance.now();
  box.scrollTop = Math.floor((box.scrollHeight - box.clientHeight) * args.fraction);
  await new Promise((r) => requestAnimationFrame(r));
  for (;;) {
    const filled =
      document.querySelector('[data-testid="order-row-pending"]') === null &&
      document.querySelector('[data-testid="order-row"]') !== null;
    if (filled) break;
    if (performance.now() - t0 > args.timeoutMs) throw new Error('rows did not load after a jump');
    await new Promise((r) => setTimeout(r, 2));
  }
  await new Promise<void>((resolve) =>
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => resolve();
      ch.port2.postMessage(0);
    }),
  );
  const first = document.querySelector('[data-testid="order-row"]')?.getAttribute('aria-rowindex');
  return { ms: performance.now() - t0, row: Number(first ?? 0) };
}

/**
 * Fetches the CSV export of every order the way the Export button does (bearer token of the
 * session) and reads it to the end, counting rows.
 * @returns rows (without the header), bytes, ms (performance API), and the resource timing's duration
 */
export async function timeExport(args: { path: string; tokenKey: string }): Promise<{
  rows: number;
  bytes: number;
  ms: number;
  resourceMs: number | null;
}> {
  const token = sessionStorage.getItem(args.tokenKey);
  const t0 = performance.now();
  const res = await fetch(args.path, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok || !res.body) throw new Error(`export answered ${res.status}`);
  const reader = res.body.getReader();
  let newlines = 0;
  let bytes = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) newlines += 1;
  }
  const ms = performance.now() - t0;
  const entry = performance
    .getEntriesByType('resource')
    .filter((e) => e.name.includes('/api/orders/export.csv'))
    .pop() as PerformanceResourceTiming | undefined;
  return {
    rows: Math.max(0, newlines - 1),
    bytes,
    ms,
    resourceMs: entry ? entry.responseEnd - entry.startTime : null,
  };
}

/** What the dashboard recorder gathered (see {@link startDashboardRecorder}). */
export interface DashboardSamples extends FrameSamples {
  /** Event-loop lag probes: how late a 50 ms timer fired (ms): the delay an input would see. */
  lag: number[];
  /** KPI requests (`/api/kpi/*`) the console made while recording. */
  kpiRequests: number;
  /** Orders-list requests while recording (0 on the dashboard). */
  listRequests: number;
  /** DOM mutation batches on the dashboard (each a React commit that changed something). */
  commits: number;
  /** Live-indicator samples every 250 ms: [page time ms, change count, last change epoch ms]. */
  live: [number, number, number][];
  ms: number;
}

/** Starts recording the dashboard (frames, lag, requests, commits, live indicator) until {@link stopDashboardRecorder}. */
export function startDashboardRecorder(): void {
  const state = {
    work: [] as number[],
    delta: [] as number[],
    lag: [] as number[],
    longFrames: 0,
    kpiRequests: 0,
    listRequests: 0,
    commits: 0,
    live: [] as [number, number, number][],
    running: true,
    t0: performance.now(),
    stops: [] as (() => void)[],
  };
  (globalThis as unknown as { __sctDash: typeof state }).__sctDash = state;
  let last = 0;
  const frame = (ts: number) => {
    if (!state.running) return;
    if (last > 0) state.delta.push(ts - last);
    last = ts;
    const ch = new MessageChannel();
    ch.port1.onmessage = () => state.work.push(performance.now() - ts);
    ch.port2.postMessage(0);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const probe = () => {
    if (!state.running) return;
    const due = performance.now() + 50;
    setTimeout(() => {
      state.lag.push(Math.max(0, performance.now() - due));
      probe();
    }, 50);
  };
  probe();
  const resources = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.name.includes('/api/kpi/')) state.kpiRequests += 1;
      else if (e.name.includes('/api/orders?')) state.listRequests += 1;
    }
  });
  resources.observe({ type: 'resource', buffered: false });
  state.stops.push(() => resources.disconnect());
  try {
    const loaf = new PerformanceObserver((list) => (state.longFrames += list.getEntries().length));
    loaf.observe({ type: 'long-animation-frame', buffered: false });
    state.stops.push(() => loaf.disconnect());
  } catch {
    // not supported
  }
  const root = document.querySelector('[data-testid="dashboard"]') ?? document.body;
  const mutations = new MutationObserver(() => (state.commits += 1));
  mutations.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  state.stops.push(() => mutations.disconnect());
  const timer = setInterval(() => {
    const live = document.querySelector('[data-testid="live-indicator"]');
    state.live.push([
      performance.now() - state.t0,
      Number(live?.getAttribute('data-changes') ?? 0),
      Number(live?.getAttribute('data-last-change') ?? 0),
    ]);
  }, 250);
  state.stops.push(() => clearInterval(timer));
}

/** Stops the dashboard recorder and returns what it gathered. */
export function stopDashboardRecorder(): DashboardSamples {
  const state = (
    globalThis as unknown as {
      __sctDash: DashboardSamples & { running: boolean; t0: number; stops: (() => void)[] };
    }
  ).__sctDash;
  state.running = false;
  for (const stop of state.stops) stop();
  return {
    work: state.work,
    delta: state.delta,
    lag: state.lag,
    pendingFrames: 0,
    longFrames: state.longFrames,
    kpiRequests: state.kpiRequests,
    listRequests: state.listRequests,
    commits: state.commits,
    live: state.live,
    ms: performance.now() - state.t0,
  };
}

/** Every page function by name: installed into the page by the UI phase (ui.ts). */
export const PAGE_FUNCTIONS = {
  ordersSettled,
  timeFilterChange,
  recordScroll,
  timeJump,
  timeExport,
  startDashboardRecorder,
  stopDashboardRecorder,
};
export type PageFunctions = typeof PAGE_FUNCTIONS;
