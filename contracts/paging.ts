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
