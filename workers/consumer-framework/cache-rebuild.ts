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

/**
 * Deletes cached summaries of one kind whose entity is no longer in PostgreSQL (a drill's purge
 * whose cache removal was lost while Redis was down): SCANs `<prefix>:<kind>:*` in pages of
 * about 1,000 keys and asks PostgreSQL which of their ids exist.
 * @param existingSql SELECT of the ids (`id`, text) that exist among `$1` (text[])
 * @returns number of entries deleted
 */
export async function removeOrphanEntries(
  pool: Pool,
  redis: RedisClient,
  prefix: string,
  kind: EntitySummary['kind'],
  existingSql: string,
): Promise<number> {
  const keyPrefix = redisKeys(prefix).entity(kind, '');
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length === 0) continue;
    const ids = keys.map((k) => k.slice(keyPrefix.length));
    const { rows } = await pool.query<{ id: string }>(existingSql, [ids]);
    const existing = new Set(rows.map((r) => r.id));
    const orphans = keys.filter((_, i) => !existing.has(ids[i]!));
    if (orphans.length > 0) removed += await redis.del(...orphans);
  } while (cursor !== '0');
  return removed;
}
