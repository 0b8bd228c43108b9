/**
 * KPI drill-down: the orders filter behind each KPI figure, so a figure of `GET /api/kpi/summary`
 * or a bar of `GET /api/kpi/daily` opens exactly the orders it counts (the list's total equals the
 * figure). runtime/kpi-query.ts counts the analytics-aggregator's facts (`order_facts`,
 * `kpi_daily`); the orders filter reads the same facts for what only they hold (delivered and
 * shipped day, on time, in full), so the two agree by construction:
 * - delivered / on time / late / OTIF: delivered day in the range (+ on time / not on time /
 *   on time and in full);
 * - created, orders by status, backlog: created day in the range (+ status);
 * - open exceptions: the figure counts shipments (a carrier feed's shipment may have no known
 *   order), so it opens the shipments list, not the orders ({@link kpiExceptionsFilter});
 * - a series bar: its measure over its bucket's days, clipped to the series' range.
 * Drill traffic follows the KPI query: excluded unless `includeDrills`.
 */
import type { OrderExportQuery, ShipmentListQuery } from './api';
import { OPEN_ORDER_STATUSES, type OrderStatus } from './order-status';
import { addDays, nextBucketStart, type KpiBucket } from './site-time';

/** The orders filter of a drill-down: an orders list / export query without sort and page. */
export type OrderFilter = Partial<Omit<OrderExportQuery, 'sort' | 'order'>>;

/** A figure of the KPI summary that counts orders. */
export type KpiFigure =
  'created' | 'delivered' | 'onTime' | 'late' | 'otif' | 'backlog' | { status: OrderStatus };

/** A measure of the KPI series (one bar of a bucket). */
export type KpiSeriesMeasure = 'created' | 'shipped' | 'delivered' | 'onTime' | 'late';

/** The KPI query a figure was computed for (site days, inclusive; open ends = all data). */
export interface KpiScope {
  from?: string | null | undefined;
  to?: string | null | undefined;
  includeDrills: boolean;
  /** The site (warehouse) the KPIs were limited to; absent or null = every site. */
  warehouse?: string | null | undefined;
}

function range(
  start: 'from' | 'shippedFrom' | 'deliveredFrom',
  end: 'to' | 'shippedTo' | 'deliveredTo',
  from: string | null | undefined,
  to: string | null | undefined,
): OrderFilter {
  return { ...(from ? { [start]: from } : {}), ...(to ? { [end]: to } : {}) };
}

/** The first calendar day (contracts/events.ts `calendarDateSchema`): "any day". */
const FIRST_DAY = '0001-01-01';

/** The orders filter whose total equals a KPI summary figure for the scope. */
export function kpiFigureFilter(figure: KpiFigure, scope: KpiScope): OrderFilter {
  const base: OrderFilter = {
    includeDrills: scope.includeDrills,
    ...(scope.warehouse ? { warehouse: scope.warehouse } : {}),
  };
  const created = range('from', 'to', scope.from, scope.to);
  const delivered = range('deliveredFrom', 'deliveredTo', scope.from, scope.to);
  if (typeof figure === 'object') return { ...base, ...created, status: [figure.status] };
  switch (figure) {
    case 'created':
      return { ...base, ...created };
    case 'backlog':
      return { ...base, ...created, status: [...OPEN_ORDER_STATUSES] };
    case 'delivered':
      // An open start still asks for a delivery day: the first one a calendar day can have.
      return { ...base, deliveredFrom: FIRST_DAY, ...delivered };
    case 'onTime':
      return { ...base, ...delivered, punctuality: 'on_time' };
    case 'late':
      return { ...base, ...delivered, punctuality: 'late' };
    case 'otif':
      return { ...base, ...delivered, punctuality: 'on_time', inFull: true };
  }
}

/** The shipments filter behind the open-exceptions figure. */
export type ShipmentFilter = Partial<Pick<ShipmentListQuery, 'exception' | 'includeDrills' | 'warehouse'>>;

/**
 * The shipments-list filter whose total equals the summary's `openExceptions` for the scope:
 * shipments now in an exception status (whatever the day range, as the figure), drill traffic as
 * the KPI query, the site's shipments when the KPIs are limited to one (QA: the orders drill-down
 * missed a shipment with no known order, so the list said 1 where the card said 2).
 */
export function kpiExceptionsFilter(scope: KpiScope): ShipmentFilter {
  return {
    exception: true,
    includeDrills: scope.includeDrills,
    ...(scope.warehouse ? { warehouse: scope.warehouse } : {}),
  };
}

/**
 * The orders filter whose total equals one bar of the KPI series: the measure over the days of
 * the bucket starting at `start`, clipped to the series' own `from`/`to` (its first and last
 * buckets may be partial).
 */
export function kpiBarFilter(
  measure: KpiSeriesMeasure,
  bucket: { start: string; size: KpiBucket },
  series: { from: string | null; to: string | null },
  includeDrills: boolean,
  warehouse: string | null = null,
): OrderFilter {
  const last = addDays(nextBucketStart(bucket.start, bucket.size), -1);
  const from = series.from && series.from > bucket.start ? series.from : bucket.start;
  const to = series.to && series.to < last ? series.to : last;
  const scope = { from, to, includeDrills, warehouse };
  if (measure === 'created') return kpiFigureFilter('created', scope);
  if (measure === 'shipped')
    return {
      includeDrills,
      ...(warehouse ? { warehouse } : {}),
      ...range('shippedFrom', 'shippedTo', from, to),
    };
  return kpiFigureFilter(measure, scope);
}
