/**
 * CSV export of the orders filter (`GET /api/orders/export.csv`): every matching order, in the
 * filter's sort order, read through a PostgreSQL cursor in batches and written as RFC 4180 CSV
 * (server/api/csv-export.ts: one snapshot, memory at one batch, paced by the client).
 */
import type { Readable } from 'node:stream';
import type { OrderExportQuery, OrderRow, OrderSummary } from '../../contracts';
import type { Pool } from '../../runtime/db';
import { needsSiteTodays, ORDER_FILTER_FROM, orderFilterSql, siteTodays } from './order-filter';
import { orderSummaryColumns, withPunctuality } from './queries';
import { csvStream, cursorBatches, type CsvCell } from './csv-export';

/** The CSV columns, in order: header name and the cell of an order. */
const CSV_COLUMNS: readonly (readonly [string, (o: OrderRow) => CsvCell])[] = [
  ['order_id', (o) => o.orderId],
  ['status', (o) => o.status],
  ['punctuality', (o) => o.punctuality?.state ?? null],
  ['punctuality_days', (o) => o.punctuality?.days ?? null],
  ['customer_id', (o) => o.customerId],
  ['warehouse_id', (o) => o.warehouseId],
  ['site_time_zone', (o) => o.siteTimeZone],
  ['promised_date', (o) => o.promisedDate],
  ['created_at', (o) => o.createdAt],
  ['approved_at', (o) => o.approvedAt],
  ['shipped_at', (o) => o.shippedAt],
  ['delivered_at', (o) => o.deliveredAt],
  ['cancelled_at', (o) => o.cancelledAt],
  ['cancel_reason', (o) => o.cancelReason],
  ['shipment_id', (o) => o.shipmentId],
  ['last_event_time', (o) => o.lastEventTime],
  ['event_count', (o) => o.eventCount],
  ['is_drill', (o) => o.isDrill],
  ['drill_id', (o) => o.drillId],
];

/** The header row of the export. */
export const ORDER_CSV_HEADER: readonly string[] = CSV_COLUMNS.map(([name]) => name);

/**
 * Every order matching the filter, batch by batch, through a server-side cursor (csv-export.ts).
 * @param now the instant punctuality is judged at
 * @throws the pool's errors (PostgreSQL unavailable, statement timeout)
 */
export async function* exportOrderBatches(
  pool: Pool,
  q: OrderExportQuery,
  now = new Date(),
): AsyncGenerator<OrderRow[]> {
  const todays = needsSiteTodays(q) ? await siteTodays(pool, now) : null;
  const { where, params, orderBy } = orderFilterSql(q, todays);
  const sql = `SELECT ${orderSummaryColumns('o')} FROM ${ORDER_FILTER_FROM} WHERE ${where} ORDER BY ${orderBy}`;
  for await (const rows of cursorBatches<OrderSummary>(pool, sql, params))
    yield rows.map((o) => withPunctuality(o, now));
}

/**
 * The CSV text stream of a filter: the header row, then one row per order. Cells are plain text
 * (instants RFC 3339 UTC, days `YYYY-MM-DD`, empty for null).
 */
export function orderCsvStream(pool: Pool, q: OrderExportQuery, now = new Date()): Readable {
  return csvStream(exportOrderBatches(pool, q, now), CSV_COLUMNS);
}
