/**
 * CSV export of the orders filter (`GET /api/orders/export.csv`): every matching order, in the
 * filter's sort order, read through a PostgreSQL cursor in batches (one snapshot: a REPEATABLE
 * READ, READ ONLY transaction) and written as RFC 4180 CSV by csv-stringify (quoting, embedded
 * commas, quotes and newlines; cells that a spreadsheet would run as a formula are escaped). Memory
 * stays at one batch whatever the number of rows; the client's back-pressure paces the reads.
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { OrderExportQuery, OrderRow, OrderSummary } from '../../contracts';
import type { Pool } from '../../runtime/db';
import { needsSiteTodays, ORDER_FILTER_FROM, orderFilterSql, siteTodays } from './order-filter';
import { orderSummaryColumns, withPunctuality } from './queries';

/** Rows fetched from the cursor per round trip. */
export const EXPORT_BATCH_ROWS = 1_000;

/** The CSV columns, in order: header name and the cell of an order. */
const CSV_COLUMNS: readonly [string, (o: OrderRow) => string | number | boolean | null][] = [
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
 * Every order matching the filter, batch by batch, through a server-side cursor. The pool client
 * is released when the generator finishes, fails or is closed early (the client went away).
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
  const client = await pool.connect();
  let failed = false;
  let committed = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    await client.query(
      `DECLARE orders_export NO SCROLL CURSOR FOR
         SELECT ${orderSummaryColumns('o')} FROM ${ORDER_FILTER_FROM} WHERE ${where} ORDER BY ${orderBy}`,
      params,
    );
    for (;;) {
      const { rows } = await client.query<OrderSummary>(`FETCH ${EXPORT_BATCH_ROWS} FROM orders_export`);
      if (rows.length === 0) break;
      yield rows.map((o) => withPunctuality(o, now));
      if (rows.length < EXPORT_BATCH_ROWS) break;
    }
    await client.query('COMMIT');
    committed = true;
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // Failed: the connection may be mid-statement, so it is discarded. Closed early (the client
    // went away): the transaction and its cursor end before the connection goes back.
    if (failed) client.release(true);
    else {
      if (!committed) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }
}

/**
 * The CSV text stream of a filter: the header row, then one row per order. Cells are plain text
 * (instants RFC 3339 UTC, days `YYYY-MM-DD`, empty for null).
 */
export function orderCsvStream(pool: Pool, q: OrderExportQuery, now = new Date()): Readable {
  const batches = exportOrderBatches(pool, q, now);
  const records = Readable.from(
    (async function* () {
      for await (const batch of batches) for (const o of batch) yield CSV_COLUMNS.map(([, cell]) => cell(o));
    })(),
  );
  const csv = stringify({
    header: true,
    columns: [...ORDER_CSV_HEADER],
    escape_formulas: true,
    cast: { boolean: (v) => (v ? 'true' : 'false') },
  });
  records.on('error', (err) => csv.destroy(err));
  csv.on('close', () => records.destroy());
  return records.pipe(csv);
}
