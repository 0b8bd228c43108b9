/**
 * Compares what the pipeline wrote to PostgreSQL with the pure replay of the same stream
 * ({@link expectedState}): orders (status, event count, delivered and approved instants), the
 * order history row count, shipments (status, delivered instant) and the KPI summary counted
 * independently from the expected facts. Used by the fault suite and the broker-restart test.
 */
import type { KpiSummary } from '../../contracts';
import type { Pool } from '../../runtime/db';
import { queryKpiSummary } from '../../runtime/kpi-query';
import type { ExpectedState } from './stream';

/**
 * Every difference between the database and `expected`, one line each (`order <id>`,
 * `kpi onTimeOrders: 3, expected 4`, ...); empty when they agree exactly. Live traffic only
 * (drills excluded from the KPI).
 */
export async function mismatchesWithReplay(pool: Pool, expected: ExpectedState): Promise<string[]> {
  const mismatches: string[] = [];
  const orders = await pool.query<{
    order_id: string;
    status: string;
    event_count: number;
    delivered_at: string | null;
    approved_at: string | null;
  }>('SELECT order_id, status, event_count, delivered_at, approved_at FROM orders');
  if (orders.rows.length !== expected.orders.size)
    mismatches.push(`orders: ${orders.rows.length} rows, expected ${expected.orders.size}`);
  for (const row of orders.rows) {
    const e = expected.orders.get(row.order_id)?.row;
    if (
      !e ||
      e.status !== row.status ||
      e.event_count !== row.event_count ||
      e.delivered_at !== row.delivered_at ||
      e.approved_at !== row.approved_at
    )
      mismatches.push(`order ${row.order_id}`);
  }
  const events = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM order_events');
  const expectedOrderEvents = [...expected.orders.values()].reduce((s, o) => s + o.row.event_count, 0);
  if (events.rows[0]!.n !== expectedOrderEvents)
    mismatches.push(`order_events: ${events.rows[0]!.n}, expected ${expectedOrderEvents}`);
  const shipments = await pool.query<{ shipment_id: string; status: string; delivered_at: string | null }>(
    'SELECT shipment_id, status, delivered_at FROM shipments',
  );
  if (shipments.rows.length !== expected.shipments.size)
    mismatches.push(`shipments: ${shipments.rows.length}, expected ${expected.shipments.size}`);
  for (const row of shipments.rows) {
    const e = expected.shipments.get(row.shipment_id);
    if (!e || e.status !== row.status || e.delivered_at !== row.delivered_at)
      mismatches.push(`shipment ${row.shipment_id}`);
  }
  const kpi = await queryKpiSummary(pool, { includeDrills: false });
  const facts = [...expected.facts.values()];
  const delivered = facts.filter((f) => f.delivered_day !== null);
  const expectedKpi: Partial<KpiSummary> = {
    createdOrders: facts.length,
    deliveredOrders: delivered.length,
    onTimeOrders: delivered.filter((f) => f.on_time).length,
    otifOrders: delivered.filter((f) => f.on_time && f.in_full).length,
    backlog: facts.filter((f) => !['delivered', 'cancelled'].includes(f.status)).length,
  };
  for (const [k, v] of Object.entries(expectedKpi))
    if (kpi[k as keyof KpiSummary] !== v)
      mismatches.push(`kpi ${k}: ${String(kpi[k as keyof KpiSummary])}, expected ${String(v)}`);
  return mismatches;
}
