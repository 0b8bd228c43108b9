/**
 * Batched row writes: one statement per batch (a data-modifying CTE per extra table), each table's
 * rows passed as ONE JSON parameter and expanded with `json_populate_recordset` (parameterized;
 * the measured batched-upsert path of DESIGN.md). Table and column names come from code, never
 * from input.
 */
import type { PoolClient } from '../../runtime/db';

/** Rows to insert or update in one table, keyed by `keyColumns`. */
export interface UpsertSpec {
  table: string;
  keyColumns: string[];
  rows: Record<string, unknown>[];
  /** Also set the table's `updated_at` column on update (default true). */
  touchUpdatedAt?: boolean;
  /**
   * What to do with a row whose key exists: replace the given columns (default), or add the
   * given numeric columns to the stored values (counters).
   */
  onConflict?: 'replace' | 'add';
}

/**
 * Inserts or updates rows of one or more tables in ONE statement (one round trip: a
 * data-modifying CTE per extra table). Every row of a table must have the same keys. Columns
 * missing from the rows keep their defaults on insert and are untouched on update. Rows are
 * written in the given order (lock order for hot rows).
 */
export async function upsertRows(client: PoolClient, ...specs: UpsertSpec[]): Promise<void> {
  const writes = specs.filter((spec) => spec.rows.length > 0);
  if (writes.length === 0) return;
  const [first, ...rest] = writes.map((spec, i) => upsertSql(spec, i + 1));
  const sql =
    rest.length === 0 ? first! : `WITH ${rest.map((q, i) => `w${i} AS (${q})`).join(', ')} ${first!}`;
  await client.query(
    sql,
    writes.map((spec) => JSON.stringify(spec.rows)),
  );
}

/** The upsert of one table whose rows are the JSON parameter `$param`, in the rows' order. */
function upsertSql(spec: UpsertSpec, param: number): string {
  const { table, keyColumns, rows } = spec;
  const columns = Object.keys(rows[0]!);
  const updates = columns
    .filter((c) => !keyColumns.includes(c))
    .map((c) => (spec.onConflict === 'add' ? `${c} = t.${c} + EXCLUDED.${c}` : `${c} = EXCLUDED.${c}`));
  if (spec.touchUpdatedAt ?? true) updates.push('updated_at = now()');
  const updateClause = updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
  return `INSERT INTO ${table} AS t (${columns.join(', ')})
     SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${table}, $${param}::json) WITH ORDINALITY
      ORDER BY ordinality
     ON CONFLICT (${keyColumns.join(', ')}) ${updateClause}`;
}

/**
 * The idempotency check of a projection that keeps a history keyed by event id, and the load of
 * the state it folds, in ONE statement (one round trip): inserts the history `rows` whose
 * `keyColumn` is not in `table` yet (a key repeated within `rows` once, first row) and runs
 * `loadSql` (a SELECT whose parameters start at $2) in the same snapshot.
 * @returns the keys that were inserted, and the loaded rows
 */
export async function claimAndLoad<Row extends object>(
  client: PoolClient,
  history: { table: string; keyColumn: string; rows: Record<string, unknown>[] },
  loadSql: string,
  loadParams: unknown[],
): Promise<{ inserted: Set<string>; loaded: Row[] }> {
  const { table, keyColumn, rows } = history;
  const columns = Object.keys(rows[0] ?? { [keyColumn]: null });
  // FULL JOIN ... ON false: one row carries the inserted keys, every other row one loaded row.
  const result = await client.query<Row & { claimed_keys: string[] | null }>(
    `WITH claimed AS (
       INSERT INTO ${table} (${columns.join(', ')})
       SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${table}, $1::json)
       ON CONFLICT DO NOTHING RETURNING ${keyColumn}::text AS key),
     loaded AS (${loadSql})
     SELECT c.claimed_keys, l.* FROM (SELECT coalesce(array_agg(key), '{}') AS claimed_keys FROM claimed) c
       FULL JOIN loaded l ON false`,
    [JSON.stringify(rows), ...loadParams],
  );
  let inserted = new Set<string>();
  const loaded: Row[] = [];
  for (const { claimed_keys, ...row } of result.rows) {
    if (claimed_keys !== null) inserted = new Set(claimed_keys);
    else loaded.push(row as unknown as Row);
  }
  return { inserted, loaded };
}
