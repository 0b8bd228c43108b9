/**
 * Rebuilds a worker's Redis entries from PostgreSQL. Workers call it whenever their Redis
 * connection becomes ready (start-up and every reconnect): entries written while Redis was down,
 * or lost between a commit and a crash, are made current again. Pages by primary key so memory
 * stays flat (5,000 rows per page, one pipeline per page).
 */
import type { EntitySummary } from '../../contracts';
import type { Pool } from '../../runtime/db';
import { ENTITY_TTL_S, redisKeys, type RedisClient } from '../../runtime/redis';

/**
 * @param selectPage SQL selecting one page: `$1` = last key of the previous page ('' first), `$2` = page size; ordered by key
 * @param keyOf primary key of a row
 * @param toSummary row -> cached summary
 * @returns number of entries written
 */
export async function rebuildEntityCache<Row>(
  pool: Pool,
  redis: RedisClient,
  prefix: string,
  selectPage: string,
  keyOf: (row: Row) => string,
  toSummary: (row: Row) => EntitySummary,
  pageSize = 5_000,
): Promise<number> {
  const keys = redisKeys(prefix);
  let after = '';
  let written = 0;
  for (;;) {
    const { rows } = await pool.query<Row & object>(selectPage, [after, pageSize]);
    if (rows.length === 0) return written;
    const pipeline = redis.pipeline();
    for (const row of rows) {
      const summary = toSummary(row);
      const id = summary.kind === 'order' ? summary.order.orderId : summary.shipment.shipmentId;
      pipeline.set(keys.entity(summary.kind, id), JSON.stringify(summary), 'EX', ENTITY_TTL_S);
    }
    await pipeline.exec();
    written += rows.length;
    after = keyOf(rows[rows.length - 1]!);
  }
}
