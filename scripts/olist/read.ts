/**
 * Reads the Olist CSV files (csv-parse, streamed row by row) into what the mapping needs.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CsvError, parse } from 'csv-parse';

/** One row of `olist_orders_dataset.csv` (every value a string; empty = unknown). */
export interface OlistOrderRow {
  order_id: string;
  customer_id: string;
  order_status: string;
  order_purchase_timestamp: string;
  order_approved_at: string;
  order_delivered_carrier_date: string;
  order_delivered_customer_date: string;
  order_estimated_delivery_date: string;
}

/** One row of `olist_order_items_dataset.csv` (the columns the import uses). */
export interface OlistItemRow {
  order_id: string;
  order_item_id: string;
  product_id: string;
  seller_id: string;
}

/** A customer's or seller's place. */
export interface OlistPlace {
  city: string;
  state: string;
}

/** The file names of the public Olist data set. */
export const OLIST_FILES = {
  orders: 'olist_orders_dataset.csv',
  items: 'olist_order_items_dataset.csv',
  customers: 'olist_customers_dataset.csv',
  sellers: 'olist_sellers_dataset.csv',
} as const;

/** Input folder or file problems; the message names the path. */
export class OlistInputError extends Error {
  override name = 'OlistInputError';
}

/**
 * Checks that the folder and the four CSV files the import reads exist.
 * @returns the absolute paths of the files
 * @throws OlistInputError naming the missing path
 */
export function resolveOlistFiles(folder: string): Record<keyof typeof OLIST_FILES, string> {
  const dir = path.resolve(folder);
  if (!existsSync(dir)) throw new OlistInputError(`Olist data folder not found: ${dir}`);
  if (!statSync(dir).isDirectory())
    throw new OlistInputError(`not a folder: ${dir} (pass the folder that holds the Olist CSV files)`);
  const files = Object.fromEntries(
    Object.entries(OLIST_FILES).map(([k, name]) => [k, path.join(dir, name)]),
  ) as Record<keyof typeof OLIST_FILES, string>;
  const missing = Object.values(files).filter((f) => !existsSync(f));
  if (missing.length > 0)
    throw new OlistInputError(
      `Olist CSV file${missing.length > 1 ? 's' : ''} not found: ${missing.join(', ')}`,
    );
  return files;
}

/**
 * Streams the rows of a CSV file with a header line as objects keyed by column name.
 * Handles a UTF-8 byte-order mark and quoted or unquoted values alike.
 *
 * Every way the file can be unusable is an {@link OlistInputError} with one line naming the file:
 * unreadable (permissions, a folder), empty (no header line), a header without a required column
 * or with a duplicate column, and any CSV syntax error (an unclosed quote, a row with more or
 * fewer fields than the header, text after a closing quote, ...), with the line where the
 * offending row starts, its row number and the parser's reason.
 * @throws OlistInputError as above
 */
export async function* readCsvRows<T extends object>(
  file: string,
  requiredColumns: readonly (keyof T & string)[],
): AsyncGenerator<T> {
  // Where the last complete record (header included) ended, updated by the parser itself: it parses
  // a whole chunk before the loop below sees its rows, so the loop cannot know where it failed.
  const at: ParsePosition = { lastLine: 0, lastEmptyLines: 0, records: 0 };
  const source = createReadStream(file);
  const parser = source.pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
      on_record: (record: string[], info: { lines: number; empty_lines: number }) => {
        at.lastLine = info.lines;
        at.lastEmptyLines = info.empty_lines;
        at.records += 1;
        return record;
      },
    }),
  );
  // pipe() does not forward a read error (EACCES, EISDIR): without this the loop would wait forever.
  source.on('error', (err) => parser.destroy(err));
  let header: string[] | null = null;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (header === null) {
        header = record;
        checkHeader(file, header, requiredColumns);
        continue;
      }
      const row: Record<string, string> = {};
      header.forEach((column, i) => (row[column] = record[i]!));
      yield row as T;
    }
  } catch (err) {
    if (err instanceof OlistInputError) throw err;
    throw describeReadError(file, err, at);
  } finally {
    source.destroy();
    parser.destroy();
  }
  if (header === null) throw new OlistInputError(`${file}: the file is empty (expected a header line)`);
}

interface ParsePosition {
  /** Line on which the last complete record ended (1-based; 0 before the first). */
  lastLine: number;
  /** Empty lines skipped up to then. */
  lastEmptyLines: number;
  /** Complete records so far, the header included. */
  records: number;
}

function checkHeader(file: string, header: string[], required: readonly string[]): void {
  const duplicates = [...new Set(header.filter((c, i) => header.indexOf(c) !== i))];
  if (duplicates.length > 0)
    throw new OlistInputError(
      `${file}: line 1 (header): duplicate column${duplicates.length > 1 ? 's' : ''} ${duplicates.join(', ')}`,
    );
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0)
    throw new OlistInputError(
      `${file}: line 1 (header): missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${header.join(', ')})`,
    );
}

/**
 * One line for a failed read: a csv-parse error gets the line where the bad record starts, its
 * row number (1 = the first row after the header) and the parser's reason; a file-system error
 * its reason.
 */
function describeReadError(file: string, err: unknown, at: ParsePosition): OlistInputError {
  const reason = oneLine(err instanceof Error ? err.message : String(err));
  if (err instanceof CsvError) {
    // Empty lines skipped after the last complete record precede the bad one.
    const emptyLines = (err as CsvError & { empty_lines?: unknown }).empty_lines;
    const skipped = typeof emptyLines === 'number' ? Math.max(0, emptyLines - at.lastEmptyLines) : 0;
    const line = at.lastLine + 1 + skipped;
    const where = at.records === 0 ? `line ${line} (header)` : `line ${line} (row ${at.records})`;
    return new OlistInputError(`${file}: ${where}: invalid CSV: ${reason}`, { cause: err });
  }
  return new OlistInputError(`${file}: cannot read the file: ${reason}`, { cause: err });
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

/** Everything the mapping needs, loaded from one Olist folder. */
export interface OlistData {
  /** Order rows in file order (the first `limit` when a limit is given). */
  orders: OlistOrderRow[];
  /** Item rows by order id, in file order, for the loaded orders only. */
  itemsByOrder: Map<string, OlistItemRow[]>;
  customers: Map<string, OlistPlace>;
  sellers: Map<string, OlistPlace>;
}

/**
 * Loads an Olist folder: the orders (up to `limit`, in file order), their items, and the
 * customer and seller places.
 * @throws OlistInputError naming a missing folder, file or column
 */
export async function loadOlistFolder(folder: string, limit?: number): Promise<OlistData> {
  const files = resolveOlistFiles(folder);
  const orders: OlistOrderRow[] = [];
  for await (const row of readCsvRows<OlistOrderRow>(files.orders, [
    'order_id',
    'customer_id',
    'order_status',
    'order_purchase_timestamp',
    'order_approved_at',
    'order_delivered_carrier_date',
    'order_delivered_customer_date',
    'order_estimated_delivery_date',
  ])) {
    if (limit !== undefined && orders.length >= limit) break;
    orders.push(row);
  }
  const wanted = new Set(orders.map((o) => o.order_id));
  const itemsByOrder = new Map<string, OlistItemRow[]>();
  for await (const item of readCsvRows<OlistItemRow>(files.items, [
    'order_id',
    'order_item_id',
    'product_id',
    'seller_id',
  ])) {
    if (!wanted.has(item.order_id)) continue;
    const list = itemsByOrder.get(item.order_id) ?? [];
    list.push(item);
    itemsByOrder.set(item.order_id, list);
  }
  for (const list of itemsByOrder.values())
    list.sort((a, b) => Number(a.order_item_id) - Number(b.order_item_id));
  const customers = new Map<string, OlistPlace>();
  for await (const c of readCsvRows<{ customer_id: string; customer_city: string; customer_state: string }>(
    files.customers,
    ['customer_id', 'customer_city', 'customer_state'],
  )) {
    customers.set(c.customer_id, { city: c.customer_city, state: c.customer_state });
  }
  const sellers = new Map<string, OlistPlace>();
  for await (const s of readCsvRows<{ seller_id: string; seller_city: string; seller_state: string }>(
    files.sellers,
    ['seller_id', 'seller_city', 'seller_state'],
  )) {
    sellers.set(s.seller_id, { city: s.seller_city, state: s.seller_state });
  }
  return { orders, itemsByOrder, customers, sellers };
}
