/**
 * The `ui` phase's figures (the console in Chromium, scripts/bench/ui.ts) as table rows, and its
 * targets of issue 11: filter change to rendered p95 < 150 ms, scroll frames p95 < 16.7 ms (a
 * 60 Hz frame), the dashboard keeping up with the event rate.
 */
import type { Options } from './options';
import type { Metric, Target } from './report';
import type { Results } from './results';

/** One 60 Hz frame (ms). */
export const FRAME_BUDGET_MS = 1000 / 60;

/**
 * Rows and targets of the `ui` phase (none when it was not asked for). A figure that could not be
 * measured is `value: null` (its target `holds: null`).
 * The dashboard keeps up when no event request failed, its last update never stood still for more
 * than 2 s while events arrived, trails the last event by at most 2 s, and its frames stay in budget.
 */
export function evaluateUi(r: Results, opts: Options): { metrics: Metric[]; targets: Target[] } {
  if (!opts.phases.has('ui')) return { metrics: [], targets: [] };
  const u = r.ui;
  const v = (x: number | undefined | null) =>
    x === undefined || x === null || !Number.isFinite(x) ? null : x;
  const n = u ? u.orders.toLocaleString('en-US') : '?';
  const rate = opts.latencyRate;
  const metrics: Metric[] = [
    {
      key: 'ui_orders',
      metric: 'ui: orders in the list (Chromium, headless console)',
      value: v(u?.orders),
      unit: 'orders',
    },
    {
      key: 'ui_first_paint',
      metric: 'ui: orders page first contentful paint, p50 of 5 fresh tabs',
      value: v(u?.firstPaint.contentfulMs.p50),
      unit: 'ms',
    },
    {
      key: 'ui_first_rows',
      metric: 'ui: orders page first rows painted, p50 of 5',
      value: v(u?.firstPaint.rowsMs.p50),
      unit: 'ms',
    },
    {
      key: 'ui_filter_p95',
      metric: `ui: filter change answered and rendered, p95 (${n} orders)`,
      value: v(u?.filterMs.p95),
      unit: 'ms',
    },
    {
      key: 'ui_scroll_work_p95',
      metric: 'ui: scroll frame work (rAF to painted), p95',
      value: v(u?.scroll.work.p95),
      unit: 'ms',
    },
    {
      key: 'ui_scroll_delta_p95',
      metric: '  scroll rAF-to-rAF interval, p95',
      value: v(u?.scroll.delta.p95),
      unit: 'ms',
    },
    {
      key: 'ui_scroll_dropped',
      metric: '  frames dropped while scrolling (interval > 1.5 frames)',
      value: v(u?.scroll.droppedFrames),
      unit: 'frames',
    },
    {
      key: 'ui_scroll_pending',
      metric: '  frames with a row still loading (of the frames above)',
      value: v(u?.scroll.pendingFrames),
      unit: 'frames',
    },
    {
      key: 'ui_jump_p95',
      metric: 'ui: jump deep (scroll bar dragged), rows painted, p95',
      value: v(u?.jumpMs.p95),
      unit: 'ms',
    },
    {
      key: 'ui_export_rate',
      metric: `ui: CSV export of every row (${u?.export.rows.toLocaleString('en-US') ?? '?'} rows)`,
      value: v(u?.export.rowsPerSecond),
      unit: 'rows/s',
    },
    {
      key: 'ui_dash_frame_p95',
      metric: `ui: dashboard frame work under ${rate} events/s, p95`,
      value: v(u?.dashboard.frames.work.p95),
      unit: 'ms',
    },
    {
      key: 'ui_dash_lag_p95',
      metric: '  event-loop lag (input delay), p95',
      value: v(u?.dashboard.lagMs.p95),
      unit: 'ms',
    },
    {
      key: 'ui_dash_kpi_rps',
      metric: '  KPI refetches (coalesced)',
      value: v(u?.dashboard.kpiRequestsPerSecond),
      unit: 'req/s',
    },
    {
      key: 'ui_dash_notifications',
      metric: '  live notifications received',
      value: v(u?.dashboard.notificationsPerSecond),
      unit: '/s',
    },
    {
      key: 'ui_dash_stall',
      metric: '  longest stand-still of the last-update time',
      value: v(u?.dashboard.longestStallMs),
      unit: 'ms',
    },
    {
      key: 'ui_dash_trailing',
      metric: '  last update after the last event',
      value: v(u?.dashboard.trailingMs),
      unit: 'ms',
    },
  ];
  const target = (
    name: string,
    rule: string,
    value: number | null,
    holds: (x: number) => boolean,
    shown: (x: number) => string,
  ): Target => ({
    name,
    rule,
    measured: value === null ? 'n/a' : shown(value),
    holds: value === null ? null : holds(value),
  });
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const d = u?.dashboard;
  const keepsUp =
    d && Number.isFinite(d.longestStallMs) && Number.isFinite(d.trailingMs)
      ? Math.max(d.longestStallMs, d.trailingMs, d.failedRequests > 0 ? Infinity : 0)
      : null;
  const targets: Target[] = [
    target(
      'filter to render',
      'filter change answered and rendered p95 < 150 ms',
      v(u?.filterMs.p95),
      (x) => x < 150,
      ms,
    ),
    target(
      'scroll frames',
      `scroll frame work p95 < ${FRAME_BUDGET_MS.toFixed(1)} ms`,
      v(u?.scroll.work.p95),
      (x) => x < FRAME_BUDGET_MS,
      ms,
    ),
    target(
      'dashboard under load',
      `at ${rate} events/s: last update never still > 2 s, trails the last event <= 2 s, no request refused`,
      keepsUp,
      (x) => x <= 2_000,
      (x) => (Number.isFinite(x) ? `worst ${x.toFixed(0)} ms` : 'requests refused'),
    ),
    target(
      'dashboard frames',
      `dashboard frame work p95 < ${FRAME_BUDGET_MS.toFixed(1)} ms under load`,
      v(d?.frames.work.p95),
      (x) => x < FRAME_BUDGET_MS,
      ms,
    ),
  ];
  return { metrics, targets };
}
