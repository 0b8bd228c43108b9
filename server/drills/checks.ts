/**
 * Expected-outcome checks of a drill run (contracts/drills.ts DRILL_METRICS): the figures of the
 * drill's own entities read from the read models (drill traffic included, only this drill's id),
 * the real KPI figures (drills excluded, runtime/kpi-query.ts, the dashboard's own query), and the
 * pure evaluation of both against the scenario's expected figures.
 */
import {
  EXCEPTION_SHIPMENT_STATUSES,
  OPEN_ORDER_STATUSES,
  REAL_KPIS_CHECK_ID,
  type DrillCheckResult,
  type DrillMetric,
  type ExpectedOutcome,
} from '../../contracts';
import type { Pool } from '../../runtime/db';
import { queryKpiSummary } from '../../runtime/kpi-query';

/** Every metric of one drill, counted over the entities carrying its drill id. */
export type DrillMetrics = Record<DrillMetric, number>;

/**
 * Reads the drill's figures in one statement (one snapshot).
 * - orders: `orders.drill_id`; KPI facts joined on those orders (the on-time verdict of the analytics worker);
 * - shipments: `shipments.drill_id`; `eta_past_promise` compares the ETA's day in the order's site
 *   time zone (UTC when unknown) with the shipment's promised day.
 */
export async function readDrillMetrics(pool: Pool, drillId: string): Promise<DrillMetrics> {
  const { rows } = await pool.query<DrillMetrics>(
    `WITH o AS (SELECT order_id, status, site_time_zone FROM orders WHERE drill_id = $1),
          f AS (SELECT f.delivered_day, f.on_time FROM order_facts f JOIN o USING (order_id)),
          s AS (SELECT s.status, s.eta, s.promised_date, o2.site_time_zone
                  FROM shipments s LEFT JOIN orders o2 ON o2.order_id = s.order_id
                 WHERE s.drill_id = $1)
     SELECT (SELECT count(*)::int FROM o) AS orders_created,
            (SELECT count(*)::int FROM o WHERE status = ANY($2::text[])) AS open_orders,
            (SELECT count(*)::int FROM o WHERE status = 'cancelled') AS orders_cancelled,
            (SELECT count(*)::int FROM f WHERE delivered_day IS NOT NULL) AS orders_delivered,
            (SELECT count(*)::int FROM f WHERE delivered_day IS NOT NULL AND NOT coalesce(on_time, false)) AS late_deliveries,
            (SELECT count(*)::int FROM f WHERE delivered_day IS NOT NULL AND on_time) AS on_time_deliveries,
            (SELECT count(*)::int FROM s) AS shipments_created,
            (SELECT count(*)::int FROM s WHERE status = 'delivered') AS shipments_delivered,
            (SELECT count(*)::int FROM s WHERE status = ANY($3::text[])) AS open_exceptions,
            (SELECT count(*)::int FROM s WHERE status = 'failed_attempt') AS failed_attempts,
            (SELECT count(*)::int FROM s
              WHERE eta IS NOT NULL AND promised_date IS NOT NULL
                AND (eta AT TIME ZONE coalesce(site_time_zone, 'UTC'))::date > promised_date) AS eta_past_promise`,
    [drillId, OPEN_ORDER_STATUSES, EXCEPTION_SHIPMENT_STATUSES],
  );
  return rows[0]!;
}

/** The real KPI figures a drill must not move (drills excluded; all days). */
export type RealKpis = Record<(typeof REAL_KPI_FIGURES)[number], number>;

/** Which real KPI figures the "real KPIs unchanged" check compares. */
export const REAL_KPI_FIGURES = [
  'createdOrders',
  'deliveredOrders',
  'onTimeOrders',
  'lateOrders',
  'otifOrders',
  'backlog',
  'openExceptions',
] as const;

/** Reads the real KPI figures with the dashboard's query (drill traffic excluded). */
export async function readRealKpis(pool: Pool): Promise<RealKpis> {
  const s = await queryKpiSummary(pool, { includeDrills: false });
  return Object.fromEntries(REAL_KPI_FIGURES.map((k) => [k, s[k]])) as RealKpis;
}

/**
 * Counts the drill's entities that the read models hold as real traffic (`is_drill` false): a
 * drill event that reached a real entity or lost its mark. Must be 0.
 */
export async function readDrillLeaks(pool: Pool, drillId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT ((SELECT count(*) FROM orders WHERE drill_id = $1 AND NOT is_drill)
           + (SELECT count(*) FROM shipments WHERE drill_id = $1 AND NOT is_drill)
           + (SELECT count(*) FROM order_facts f JOIN orders o USING (order_id)
               WHERE o.drill_id = $1 AND NOT f.is_drill))::int AS n`,
    [drillId],
  );
  return rows[0]!.n;
}

/** Real (non-drill) events the workers applied since `since` (they may move real KPIs legitimately). */
export async function readRealEventsSince(pool: Pool, since: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT ((SELECT count(*) FROM order_events WHERE drill_id IS NULL AND recorded_at >= $1)
           + (SELECT count(*) FROM shipment_checkpoints WHERE drill_id IS NULL AND recorded_at >= $1))::int AS n`,
    [since],
  );
  return rows[0]!.n;
}

/** What {@link evaluateChecks} compares. */
export interface CheckInputs {
  expected: ExpectedOutcome[];
  metrics: DrillMetrics;
  realBefore: RealKpis | null;
  realAfter: RealKpis;
  /** Drill entities held as real traffic ({@link readDrillLeaks}). */
  leaks: number;
  /** Real events applied during the run ({@link readRealEventsSince}). */
  realEventsDuringRun: number;
}

/**
 * Evaluates every scenario check (pass when |actual - expected| <= tolerance) and the
 * `real_kpis_unchanged` check. The real check passes when no drill entity counts as real traffic
 * and the real figures are equal before and after; when real events were applied during the run
 * (live traffic goes on during a drill), their changes are not the drill's: the check then
 * passes on the isolation count alone and says so.
 * Pure: no I/O, no clock.
 */
export function evaluateChecks(input: CheckInputs): DrillCheckResult[] {
  const results: DrillCheckResult[] = input.expected.map((e) => {
    const actual = input.metrics[e.metric as DrillMetric] ?? 0;
    return {
      checkId: e.checkId,
      label: e.label,
      metric: e.metric,
      expected: e.expected,
      actual,
      tolerance: e.tolerance,
      passed: Math.abs(actual - e.expected) <= e.tolerance,
    };
  });
  const figures: NonNullable<DrillCheckResult['figures']> = {};
  const changed: string[] = [];
  for (const k of REAL_KPI_FIGURES) {
    const before = input.realBefore ? input.realBefore[k] : null;
    const after = input.realAfter[k];
    figures[k] = { before, after };
    if (before !== null && before !== after) changed.push(`${k} ${before} -> ${after}`);
  }
  figures.drillEntitiesCountedAsReal = { before: 0, after: input.leaks };
  const unchanged = input.realBefore !== null && changed.length === 0;
  const explained = changed.length > 0 && input.realEventsDuringRun > 0;
  const passed = input.leaks === 0 && (unchanged || explained);
  const detail =
    input.leaks > 0
      ? `${input.leaks} drill entities are counted as real traffic`
      : input.realBefore === null
        ? 'no real KPI figures were recorded at the start'
        : unchanged
          ? 'real KPIs (drills excluded) are equal before and after the run'
          : explained
            ? `real KPIs moved (${changed.join(', ')}) with ${input.realEventsDuringRun} real events applied during the run; no drill entity counts as real`
            : `real KPIs moved without real traffic: ${changed.join(', ')}`;
  results.push({
    checkId: REAL_KPIS_CHECK_ID,
    label: 'Real KPIs do not move (drill traffic excluded)',
    metric: 'real_kpis',
    expected: 0,
    actual: input.leaks + (unchanged || explained ? 0 : Math.max(1, changed.length)),
    tolerance: 0,
    passed,
    figures,
    detail,
  });
  return results;
}
