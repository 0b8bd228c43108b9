/**
 * Links from the dashboard's KPI figures and chart bars to the orders behind them: the
 * drill-down filter of contracts/kpi-drilldown.ts as an orders-list URL (`#/orders?...`), whose
 * total equals the figure; open exceptions (a count of shipments) open the shipments list.
 */
import {
  kpiBarFilter,
  kpiExceptionsFilter,
  kpiFigureFilter,
  type KpiFigure,
  type KpiScope,
  type KpiSeriesMeasure,
} from '../../../contracts/kpi-drilldown';
import type { KpiBucket } from '../../../contracts/site-time';
import { hrefs } from '../router/hash';
import { ordersFilterOf, ordersFilterSearch } from '../state/filters';

/** The orders list link of a KPI summary figure over its range. */
export function kpiFigureHref(figure: KpiFigure, scope: KpiScope): string {
  return hrefs.orders(ordersFilterSearch(ordersFilterOf(kpiFigureFilter(figure, scope)), true));
}

/** The orders list link of one bar of the KPI series (its bucket, clipped to the series' range). */
export function kpiBarHref(
  measure: KpiSeriesMeasure,
  bucket: { start: string; size: KpiBucket },
  series: { from: string | null; to: string | null },
  includeDrills: boolean,
  warehouse: string | null = null,
): string {
  return hrefs.orders(
    ordersFilterSearch(ordersFilterOf(kpiBarFilter(measure, bucket, series, includeDrills, warehouse)), true),
  );
}

/** The shipments list link of the open-exceptions figure (its total equals the figure). */
export function kpiExceptionsHref(scope: KpiScope): string {
  const f = kpiExceptionsFilter(scope);
  return hrefs.shipments({
    exception: true,
    ...(f.includeDrills ? { traffic: 'all' as const } : {}),
    ...(f.warehouse ? { warehouse: f.warehouse } : {}),
  });
}
