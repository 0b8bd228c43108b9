/**
 * Batched row writes: one statement per table per batch, rows passed as ONE JSON parameter and
 * expanded with `json_populate_recordset` (parameterized; the measured batched-upsert path of
 * DESIGN.md). Table and column names come from code, never from input.
 */
import type { PoolClient } from '../../runtime/db';

/**
 * Inserts or updates rows of `table` keyed by `keyColumns`. Every row must have the same keys.
 * Columns missing from the rows keep their defaults on insert and are untouched on update;
 * `touchUpdatedAt` also sets the table's `updated_at` column on update.
 */
export async function upsertRows(
  client: PoolClient,
  table: string,
  keyColumns: string[],
  rows: Record<string, unknown>[],
  touchUpdatedAt = true,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const updates = columns.filter((c) => !keyColumns.includes(c)).map((c) => `${c} = EXCLUDED.${c}`);
  if (touchUpdatedAt) updates.push('updated_at = now()');
  const updateClause = updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
  await client.query(
    `INSERT INTO ${table} (${columns.join(', ')})
     SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${table}, $1::json)
     ON CONFLICT (${keyColumns.join(', ')}) ${updateClause}`,
    [JSON.stringify(rows)],
  );
}

/**
 * Inserts rows whose `keyColumn` is not in `table` yet (history tables keyed by event id) and
 * returns the keys that were inserted. A key repeated within `rows` is inserted once (first row).
 * This is the idempotency check of a projection that claims events in its own history table.
 */
export async function insertNewRows(
  client: PoolClient,
  table: string,
  keyColumn: string,
  rows: Record<string, unknown>[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const columns = Object.keys(rows[0]!);
  const { rows: inserted } = await client.query<{ key: string }>(
    `INSERT INTO ${table} (${columns.join(', ')})
     SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${table}, $1::json)
     ON CONFLICT DO NOTHING RETURNING ${keyColumn}::text AS key`,
    [JSON.stringify(rows)],
  );
  return new Set(inserted.map((r) => r.key));
}
