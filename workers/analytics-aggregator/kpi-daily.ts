/**
 * Incremental maintenance of `kpi_daily` (analytics-aggregator): the daily counts are the sum of
 * each order's contribution (DESIGN.md "KPIs"), so a batch only adds, per touched order, its new
 * contribution minus its old one. Replaces a full recomputation of the view: the counts are exact
 * in the same transaction as the facts they come from.
 *
 * An order contributes, in its site time zone's calendar days:
 * - `created` 1 on its created day; `shipped` 1 on its shipped day;
 * - `delivered` 1 on its delivered day (delivered orders only), and `on_time` or `late` 1 there.
 * Each under its `is_drill` flag, so drill and live traffic stay apart.
 */
import type { PoolClient } from '../../runtime/db';
import type { UpsertSpec } from '../consumer-framework/rows';
import type { FactRow } from './fact-state';

/** The columns of a fact that decide its `kpi_daily` contribution (a snapshot, not the live row). */
export type KpiContributionSource = Pick<
  FactRow,
  'created_day' | 'shipped_day' | 'delivered_day' | 'on_time' | 'is_drill'
>;

/** One `kpi_daily` row change: counts to add (negative to remove) on `day` (YYYY-MM-DD, site time). */
export interface KpiDailyDelta {
  day: string;
  is_drill: boolean;
  created: number;
  shipped: number;
  delivered: number;
  on_time: number;
  late: number;
}

/** Copies the contribution columns (facts are mutated by the fold). */
export function contributionOf(f: FactRow): KpiContributionSource {
  return {
    created_day: f.created_day,
    shipped_day: f.shipped_day,
    delivered_day: f.delivered_day,
    on_time: f.on_time,
    is_drill: f.is_drill,
  };
}

/**
 * Sums `after - before` over the given orders into one delta per (day, is_drill), sorted by day
 * then drill flag (a fixed lock order: concurrent batches never deadlock on `kpi_daily` rows),
 * leaving out rows whose every count nets to zero.
 * @param changes per order: its contribution before the batch (undefined when new) and after
 */
export function kpiDailyDeltas(
  changes: { before: KpiContributionSource | undefined; after: KpiContributionSource | undefined }[],
): KpiDailyDelta[] {
  const deltas = new Map<string, KpiDailyDelta>();
  const add = (day: string | null, isDrill: boolean, column: keyof KpiDailyDelta, sign: 1 | -1) => {
    if (day === null) return;
    const key = `${day}|${isDrill}`;
    let d = deltas.get(key);
    if (!d) {
      d = { day, is_drill: isDrill, created: 0, shipped: 0, delivered: 0, on_time: 0, late: 0 };
      deltas.set(key, d);
    }
    (d[column] as number) += sign;
  };
  const contribute = (f: KpiContributionSource, sign: 1 | -1) => {
    add(f.created_day, f.is_drill, 'created', sign);
    add(f.shipped_day, f.is_drill, 'shipped', sign);
    if (f.delivered_day !== null) {
      add(f.delivered_day, f.is_drill, 'delivered', sign);
      add(f.delivered_day, f.is_drill, f.on_time ? 'on_time' : 'late', sign);
    }
  };
  for (const { before, after } of changes) {
    if (before) contribute(before, -1);
    if (after) contribute(after, 1); // none: the order was removed (a drill's purge)
  }
  return [...deltas.values()]
    .filter((d) => d.created !== 0 || d.shipped !== 0 || d.delivered !== 0 || d.on_time !== 0 || d.late !== 0)
    .sort((a, b) => (a.day === b.day ? Number(a.is_drill) - Number(b.is_drill) : a.day < b.day ? -1 : 1));
}

/** True when a delta lowers some count (its row exists: the count was added before). */
function lowers(d: KpiDailyDelta): boolean {
  return d.created < 0 || d.shipped < 0 || d.delivered < 0 || d.on_time < 0 || d.late < 0;
}

/**
 * The deltas that only raise counts as an upsert that adds them to the stored counts (rows locked
 * in the deltas' order), for {@link upsertRows} in the batch transaction. Deltas that lower a
 * count go through {@link lowerKpiDays}: PostgreSQL checks `kpi_daily`'s non-negative counts on
 * the row an upsert proposes to insert, before it finds the conflict, so a negative delta cannot
 * be upserted.
 */
export function kpiDailyUpsert(deltas: KpiDailyDelta[]): UpsertSpec {
  return {
    table: 'kpi_daily',
    keyColumns: ['day', 'is_drill'],
    rows: deltas.filter((d) => !lowers(d)).map((d) => ({ ...d })),
    touchUpdatedAt: false,
    onConflict: 'add',
  };
}

/**
 * Adds the deltas that lower some count (an order's day moved, or a drill's purge took it back)
 * to their existing rows, in the deltas' order. A round trip only when there are such deltas.
 */
export async function lowerKpiDays(client: PoolClient, deltas: KpiDailyDelta[]): Promise<void> {
  const lowered = deltas.filter(lowers);
  if (lowered.length === 0) return;
  await client.query(
    `UPDATE kpi_daily k SET created = k.created + x.created, shipped = k.shipped + x.shipped,
            delivered = k.delivered + x.delivered, on_time = k.on_time + x.on_time, late = k.late + x.late
       FROM json_populate_recordset(NULL::kpi_daily, $1::json) x
      WHERE k.day = x.day AND k.is_drill = x.is_drill`,
    [JSON.stringify(lowered)],
  );
}

/**
 * After the deltas were added: removes the touched rows whose counts all reached zero, so the
 * table holds exactly the days the facts have, however the events were batched. A round trip
 * only when some count went down.
 */
export async function removeEmptyKpiDays(client: PoolClient, deltas: KpiDailyDelta[]): Promise<void> {
  const lowered = deltas.filter(lowers);
  if (lowered.length === 0) return;
  await client.query(
    `DELETE FROM kpi_daily k USING json_populate_recordset(NULL::kpi_daily, $1::json) x
      WHERE k.day = x.day AND k.is_drill = x.is_drill
        AND k.created = 0 AND k.shipped = 0 AND k.delivered = 0 AND k.on_time = 0 AND k.late = 0`,
    [JSON.stringify(lowered)],
  );
}
