/**
 * The orders filter as SQL: the WHERE clause and ORDER BY of the orders list and its CSV export
 * (contracts/api.ts `orderListQuerySchema`), over `orders o LEFT JOIN order_facts f`. What only the
 * KPI facts hold (shipped and delivered day, on time, in full) is read from `order_facts`, the
 * table runtime/kpi-query.ts counts, so a KPI's drill-down filter (contracts/kpi-drilldown.ts)
 * selects exactly the orders the KPI counted. Every value is a parameter; columns come from fixed
 * maps, never from input text.
 *
 * "Today" in each site's zone (for `at_risk` / `overdue`) is computed here with
 * contracts/site-time.ts `siteDay`, per zone present in the table, and handed to SQL as a
 * zone -> day list: the site-time rule is not written again in SQL.
 */
import { siteDay, type OrderCursor, type OrderExportQuery, type OrderSortColumn } from '../../contracts';
import type { Pool } from '../../runtime/db';

/** `FROM` of every orders filter query (the facts join is removed by the planner when unused). */
export const ORDER_FILTER_FROM = 'orders o LEFT JOIN order_facts f ON f.order_id = o.order_id';

const SORT_COLUMNS: Record<OrderSortColumn, string> = {
  orderId: 'o.order_id',
  status: 'o.status',
  customerId: 'o.customer_id',
  warehouseId: 'o.warehouse_id',
  createdAt: 'o.created_at',
  promisedDate: 'o.promised_date',
  deliveredAt: 'o.delivered_at',
  lastEventTime: 'o.last_event_time',
  eventCount: 'o.event_count',
};

/** A filter as SQL: `where` uses `$1..$n` of `params`. */
export interface OrderFilterSql {
  where: string;
  params: unknown[];
  orderBy: string;
}

/** Site "today" per time zone: zones and days, index-aligned. */
export interface SiteTodays {
  zones: string[];
  days: string[];
}

/**
 * Today's site day in every time zone the orders table holds (a loose index scan over
 * `orders_site_time_zone`: one index probe per distinct zone, whatever the table's size). Zones
 * this runtime does not know are left out (their orders get no punctuality, so no filter selects them).
 * @param now the instant "today" is taken at
 */
export async function siteTodays(pool: Pool, now: Date): Promise<SiteTodays> {
  const { rows } = await pool.query<{ zone: string }>(
    `WITH RECURSIVE z(zone) AS (
       (SELECT site_time_zone FROM orders WHERE site_time_zone IS NOT NULL ORDER BY site_time_zone LIMIT 1)
       UNION ALL
       SELECT (SELECT site_time_zone FROM orders WHERE site_time_zone > z.zone ORDER BY site_time_zone LIMIT 1)
         FROM z WHERE z.zone IS NOT NULL)
     SELECT zone FROM z WHERE zone IS NOT NULL`,
  );
  const todays: SiteTodays = { zones: [], days: [] };
  for (const { zone } of rows) {
    try {
      const day = siteDay(now.toISOString(), zone);
      todays.zones.push(zone);
      todays.days.push(day);
    } catch {
      // unknown zone: no punctuality, nothing to compare
    }
  }
  return todays;
}

/** Whether a filter needs {@link siteTodays} (only the open-order punctuality filters do). */
export function needsSiteTodays(q: Pick<OrderExportQuery, 'punctuality'>): boolean {
  return q.punctuality === 'at_risk' || q.punctuality === 'overdue';
}

/**
 * The WHERE clause and ORDER BY of a filter (ties broken by order id in the same direction).
 * @param todays required when {@link needsSiteTodays}; otherwise ignored
 */
export function orderFilterSql(q: OrderExportQuery, todays: SiteTodays | null): OrderFilterSql {
  const params: unknown[] = [];
  const p = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const and: string[] = [];
  // One status as an equality: an index on (status, sort column) then yields the list's order
  // (PostgreSQL 15 cannot read an index in order across the elements of `= ANY(array)`).
  if (q.status?.length === 1) and.push(`o.status = ${p(q.status[0])}::text`);
  else if (q.status) and.push(`o.status = ANY(${p(q.status)}::text[])`);
  const dayRange = (column: string, from: string | undefined, to: string | undefined) => {
    if (from) and.push(`${column} >= ${p(from)}::date`);
    if (to) and.push(`${column} <= ${p(to)}::date`);
  };
  dayRange('o.created_day', q.from, q.to);
  dayRange('o.promised_date', q.promisedFrom, q.promisedTo);
  dayRange('f.shipped_day', q.shippedFrom, q.shippedTo);
  dayRange('f.delivered_day', q.deliveredFrom, q.deliveredTo);
  switch (q.punctuality) {
    case 'on_time':
      and.push('f.delivered_day IS NOT NULL AND f.on_time IS TRUE');
      break;
    case 'late':
      // As the KPI counts it: delivered minus on time (a delivery without a verdict is late).
      and.push('f.delivered_day IS NOT NULL AND f.on_time IS NOT TRUE');
      break;
    case 'at_risk':
    case 'overdue': {
      if (!todays) throw new Error('orderFilterSql: the at_risk/overdue filters need the site todays');
      const cmp = q.punctuality === 'overdue' ? '<' : '<=';
      // contracts/site-time.ts `punctuality`: open = no delivery and not cancelled.
      and.push(
        `o.delivered_at IS NULL AND o.status <> 'cancelled' AND o.promised_date ${cmp}
           (SELECT z.today FROM unnest(${p(todays.zones)}::text[], ${p(todays.days)}::date[]) AS z(zone, today)
             WHERE z.zone = o.site_time_zone)`,
      );
      break;
    }
    default:
      break;
  }
  if (q.inFull !== undefined) and.push(q.inFull ? 'f.in_full IS TRUE' : 'f.in_full IS FALSE');
  // orders.open_exceptions: the order's shipments in an exception status now, kept by triggers
  // (db/migrations/1732960003950_order-open-exceptions.sql); `> 0` is the predicate of the partial
  // index that answers the default order.
  if (q.openException === true) and.push('o.open_exceptions > 0');
  else if (q.openException === false) and.push('o.open_exceptions = 0');
  if (q.warehouse) and.push(`o.warehouse_id = ${p(q.warehouse)}`);
  if (q.customer) and.push(`o.customer_id = ${p(q.customer)}`);
  if (q.q) {
    const prefix = p(`${escapeLike(q.q)}%`);
    // One indexed prefix lookup per id column, united (an OR over the columns of `orders` would
    // be a filter on every row: 0.2 s at 100,000 orders, growing with the table).
    and.push(
      `o.order_id IN (SELECT x.order_id FROM orders x WHERE x.order_id LIKE ${prefix}
        UNION ALL SELECT x.order_id FROM orders x WHERE x.customer_id LIKE ${prefix}
        UNION ALL SELECT x.order_id FROM orders x WHERE x.shipment_id LIKE ${prefix}
        UNION ALL SELECT s.order_id FROM shipments s WHERE s.shipment_id LIKE ${prefix}
        UNION ALL SELECT s.order_id FROM shipments s WHERE s.tracking_number LIKE ${prefix})`,
    );
  }
  if (!q.includeDrills) and.push('NOT o.is_drill');
  if (q.drillsOnly) and.push('o.is_drill');
  const direction = q.order === 'asc' ? 'ASC' : 'DESC';
  const nulls = q.order === 'asc' ? 'NULLS FIRST' : 'NULLS LAST';
  const column = SORT_COLUMNS[q.sort];
  const orderBy =
    q.sort === 'orderId'
      ? `o.order_id ${direction}`
      : `${column} ${direction} ${nulls}, o.order_id ${direction}`;
  return { where: and.length > 0 ? and.join('\n   AND ') : 'true', params, orderBy };
}

/** SQL type of each sort column (the cursor's key is cast to it). */
const SORT_TYPES: Record<OrderSortColumn, string> = {
  orderId: 'text',
  status: 'text',
  customerId: 'text',
  warehouseId: 'text',
  createdAt: 'timestamptz',
  promisedDate: 'date',
  deliveredAt: 'timestamptz',
  lastEventTime: 'timestamptz',
  eventCount: 'int',
};

/**
 * The sort column's value of a row as a cursor key (contracts/paging.ts `OrderCursor`): instants
 * in UTC with microseconds, so the key casts back to exactly the stored value.
 */
export function orderSortKeySql(sort: OrderSortColumn): string {
  const column = SORT_COLUMNS[sort];
  return SORT_TYPES[sort] === 'timestamptz'
    ? `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
    : `${column}::text`;
}

/**
 * The keyset conditions "after this row" in the sort order of {@link orderFilterSql}
 * (`column dir NULLS LAST|FIRST, order_id dir`), appending their values to `params`: one or two
 * alternatives, each answered by a sort index as a range (the cost of a page does not depend on
 * its depth). Two when the rest of the order crosses the null group of the sort column (last
 * when descending, first when ascending): an OR of both would make the index scan a filter over
 * every earlier row, so the caller reads each alternative's page and merges them.
 */
export function orderKeysetSql(
  q: Pick<OrderExportQuery, 'sort' | 'order'>,
  cursor: OrderCursor,
  params: unknown[],
): string[] {
  const p = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const id = p(cursor.id);
  const desc = q.order !== 'asc';
  const cmp = desc ? '<' : '>';
  if (q.sort === 'orderId') return [`o.order_id ${cmp} ${id}`];
  const column = SORT_COLUMNS[q.sort];
  if (cursor.key === null) {
    const rest = `${column} IS NULL AND o.order_id ${cmp} ${id}`;
    return desc ? [rest] : [rest, `${column} IS NOT NULL`];
  }
  const after = `(${column}, o.order_id) ${cmp} (${p(cursor.key)}::${SORT_TYPES[q.sort]}, ${id})`;
  return desc ? [after, `${column} IS NULL`] : [after];
}

/** The sort column of a filter's ORDER BY (for merging keyset pages). */
export function orderSortColumnSql(sort: OrderSortColumn): string {
  return SORT_COLUMNS[sort];
}

/** Escapes LIKE wildcards so an id prefix matches literally (backslash is LIKE's default escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
