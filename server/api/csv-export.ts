/**
 * Streamed CSV exports (`text/csv` routes of contracts/routes.ts): rows are read through a
 * PostgreSQL cursor in batches, in one snapshot (a REPEATABLE READ, READ ONLY transaction), and
 * written as RFC 4180 CSV by csv-stringify (quoting, embedded commas, quotes and newlines; cells a
 * spreadsheet would run as a formula are escaped). Memory stays at one batch whatever the number
 * of rows; the client's back-pressure paces the reads. Used by the orders and audit exports.
 */
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Pool } from '../../runtime/db';

/** Rows fetched from the cursor per round trip. */
export const EXPORT_BATCH_ROWS = 1_000;

/** A CSV cell: text, a number, a boolean (`true`/`false`) or null (empty). */
export type CsvCell = string | number | boolean | null;

/**
 * Every row of `sql` (a SELECT with `$n` parameters), batch by batch, through a server-side
 * cursor. The pool client is released when the generator finishes, fails or is closed early (the
 * client went away).
 * @throws the pool's errors (PostgreSQL unavailable, statement timeout)
 */
export async function* cursorBatches<R extends object>(
  pool: Pool,
  sql: string,
  params: unknown[],
): AsyncGenerator<R[]> {
  const client = await pool.connect();
  let failed = false;
  let committed = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    await client.query(`DECLARE csv_export NO SCROLL CURSOR FOR ${sql}`, params);
    for (;;) {
      const { rows } = await client.query<R>(`FETCH ${EXPORT_BATCH_ROWS} FROM csv_export`);
      if (rows.length === 0) break;
      yield rows;
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
 * csv-stringify's `escape_formulas` prefixes a cell starting with `=`, `+`, `-`, `@`, tab or CR
 * with `'`; spreadsheets also trim leading white space before reading a formula, so a cell such
 * as `" @SUM(A1)"` (QA) is prefixed too (OWASP CSV injection).
 */
export function escapeSpacedFormula(value: string): string {
  return /^\s+[=+\-@]/.test(value) ? `'${value}` : value;
}

/**
 * The CSV text stream of `batches`: the header row, then one row per record, each cell computed
 * by its column. Cells are plain text (empty for null, booleans `true`/`false`).
 */
export function csvStream<R>(
  batches: AsyncIterable<R[]>,
  columns: readonly (readonly [string, (row: R) => CsvCell])[],
): Readable {
  const records = Readable.from(
    (async function* () {
      for await (const batch of batches) for (const row of batch) yield columns.map(([, cell]) => cell(row));
    })(),
  );
  const csv = stringify({
    header: true,
    columns: columns.map(([name]) => name),
    escape_formulas: true,
    cast: { boolean: (v) => (v ? 'true' : 'false'), string: escapeSpacedFormula },
  });
  records.on('error', (err) => csv.destroy(err));
  csv.on('close', () => records.destroy());
  return records.pipe(csv);
}
