/**
 * Paging, one shape for every list the API answers (orders, shipments, exceptions, dead letters,
 * audit): `page` is 1-based, `pageSize` at most 500 rows, `total` the rows matching the query.
 */
import { z } from 'zod';

/** The query fields of a paged list, spread into its query schema: `?page=2&pageSize=100`. */
export const pageQueryFields = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
};

/**
 * How many rows a list counts exactly when its filter has no kept count (orders: anything but
 * status, created days and traffic; shipments: any filter): past it the answer's `total` is this
 * lower bound with `totalCapped: true` ("10,000+"), so no total costs more than this many rows
 * whatever the table's size. 10,000 keeps the supervisor's usual lists exact (late, at risk, open
 * exceptions, a week's orders; 1,340 late orders on the Olist import) and bounds the count at
 * 1,000,000 orders.
 */
export const LIST_TOTAL_CAP = 10_000;

/** The answer of a paged list of `item`: `{items, total, page, pageSize}`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    /** Rows matching the query. */
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}

/**
 * Keyset (cursor) paging of the orders list: the position after one row, `[sort key, order id]`
 * as JSON text. The sort key is the row's value of the sort column as the server writes it
 * (instants `YYYY-MM-DDTHH:mm:ss.ffffffZ` in UTC, days `YYYY-MM-DD`, counts and text as they
 * are; null when the row has none). Clients pass `nextCursor` back unchanged as `after`.
 */
export interface OrderCursor {
  key: string | null;
  id: string;
}

/** The cursor text of a position. */
export function encodeOrderCursor(c: OrderCursor): string {
  return JSON.stringify([c.key, c.id]);
}

/** The position of a cursor text; null when the text is not a cursor. */
export function decodeOrderCursor(text: string): OrderCursor | null {
  try {
    const v: unknown = JSON.parse(text);
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      (v[0] === null || typeof v[0] === 'string') &&
      typeof v[1] === 'string' &&
      v[1].length > 0
    )
      return { key: v[0] as string | null, id: v[1] };
  } catch {
    // not JSON: not a cursor
  }
  return null;
}
