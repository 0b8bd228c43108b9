/**
 * The fast path to a large data set (issue 11 item 8): copies of the orders already materialized
 * in the read models, written by SQL inside the database with the rules of scripts/scale/rekey.ts
 * (ids get `-c<k>`, instants move `k * shiftDays` site days earlier in wall-clock time of the
 * order's site zone, days move as many days). About 1,000,000 orders from the Olist sample and
 * nine copies in minutes instead of the hour the pipeline would need.
 *
 * What it writes, per copy and per chunk of source orders, in ONE transaction: `orders`,
 * `order_lines`, `order_events`, `shipments`, `shipment_checkpoints`, `order_facts`, and the
 * copies' contributions added to `kpi_daily` (from the facts the same statement inserted), so the
 * KPIs stay equal to a recount of the facts and each KPI's drill-down still lists its orders.
 * Idempotent: a copy that exists is skipped row by row (`ON CONFLICT DO NOTHING`) and adds nothing
 * to `kpi_daily`.
 *
 * What it does NOT exercise or write: Kafka, the workers and their folds (the rows are copies of
 * what the workers wrote for the source orders), `applied_events`, consumer offsets, the Redis
 * entity cache and KPI snapshot (the API reads PostgreSQL when the cache misses; the dashboard's
 * snapshot is refreshed by the aggregator's next batch). A replay of the topics does not reproduce
 * the copies. Copied history rows keep the source event's Kafka partition and offset; their event
 * ids are `md5(<source event id>-c<k>)` as a UUID, not the pipeline's UUID v5 (rekey.ts).
 *
 * Sources: orders that are not drill traffic and not copies themselves (ids not ending in
 * `-c<digits>`).
 */
import type { Pool } from '../../runtime/db';
import { withTransaction } from '../../runtime/db';
import { DEFAULT_SHIFT_DAYS } from './rekey';

/** Source orders per transaction (one copy of this many orders and their rows). */
export const DEFAULT_CHUNK_ORDERS = 25_000;

export interface BulkCopyOptions {
  /** Copies 1..copies are made (existing ones are skipped). */
  copies: number;
  /** Site days between two copies (default 7). */
  shiftDays?: number;
  /** Source orders per transaction (default {@link DEFAULT_CHUNK_ORDERS}). */
  chunkOrders?: number;
  /** After each committed transaction. */
  onProgress?: (p: BulkCopyProgress) => void;
}

export interface BulkCopyProgress {
  copy: number;
  copies: number;
  /** Orders inserted so far (all copies). */
  ordersInserted: number;
  /** Source orders x copies: what a complete run inserts on an empty target. */
  ordersPlanned: number;
}

export interface BulkCopySummary {
  sourceOrders: number;
  copies: number;
  shiftDays: number;
  /** Rows inserted per table (copies that already existed are not counted). */
  inserted: Record<'orders' | 'orderLines' | 'orderEvents' | 'shipments' | 'checkpoints' | 'facts', number>;
  /** Orders in the table afterwards. */
  ordersAfter: number;
  seconds: number;
  /** Seconds of the final ANALYZE (planner statistics for the larger tables). */
  analyzeSeconds: number;
}

/** Source orders: not drill traffic, not a copy. `$1`, `$2`: exclusive lower, inclusive upper id. */
const SOURCE = `SELECT order_id FROM orders
   WHERE NOT is_drill AND order_id !~ '-c[0-9]+$' AND ($1::text IS NULL OR order_id > $1) AND order_id <= $2`;

/** `$3` suffix (`-c<k>`), `$4` days (negative: earlier). Wall-clock shift in zone `zone`. */
const shift = (col: string, zone: string) =>
  `((${col} AT TIME ZONE ${zone}) + $4::int * interval '1 day') AT TIME ZONE ${zone}`;
const ZONE = `coalesce(o.site_time_zone, 'UTC')`;

/** Re-keys the ids in an event's data and shifts its promised date (rekey.ts ID_FIELDS, DAY_FIELDS). */
const DATA = `e.data
  || CASE WHEN e.data ? 'orderId' THEN jsonb_build_object('orderId', (e.data->>'orderId') || $3) ELSE '{}' END
  || CASE WHEN e.data ? 'shipmentId' THEN jsonb_build_object('shipmentId', (e.data->>'shipmentId') || $3) ELSE '{}' END
  || CASE WHEN e.data ? 'customerId' THEN jsonb_build_object('customerId', (e.data->>'customerId') || $3) ELSE '{}' END
  || CASE WHEN e.data ? 'trackingNumber' THEN jsonb_build_object('trackingNumber', (e.data->>'trackingNumber') || $3) ELSE '{}' END
  || CASE WHEN e.data ? 'promisedDate' THEN jsonb_build_object('promisedDate', ((e.data->>'promisedDate')::date + $4::int)::text) ELSE '{}' END`;

/** The statements of one (copy, chunk) transaction, in order; each takes $1..$4. */
const STATEMENTS = {
  orders: `INSERT INTO orders (order_id, status, customer_id, warehouse_id, site_time_zone, promised_date,
      created_at, approved_at, picked_at, packed_at, shipped_at, delivered_at, cancelled_at, cancel_reason,
      shipment_id, last_event_time, event_count, is_drill, drill_id, created_day, updated_at)
    SELECT o.order_id || $3, o.status, o.customer_id || $3, o.warehouse_id, o.site_time_zone, o.promised_date + $4::int,
      ${shift('o.created_at', ZONE)}, ${shift('o.approved_at', ZONE)}, ${shift('o.picked_at', ZONE)},
      ${shift('o.packed_at', ZONE)}, ${shift('o.shipped_at', ZONE)}, ${shift('o.delivered_at', ZONE)},
      ${shift('o.cancelled_at', ZONE)}, o.cancel_reason, o.shipment_id || $3, ${shift('o.last_event_time', ZONE)},
      o.event_count, o.is_drill, o.drill_id, o.created_day + $4::int, o.updated_at
      FROM orders o WHERE o.order_id IN (${SOURCE})
    ON CONFLICT (order_id) DO NOTHING`,
  orderLines: `INSERT INTO order_lines (order_id, sku, quantity, delivered_quantity)
    SELECT l.order_id || $3, l.sku, l.quantity, l.delivered_quantity
      FROM order_lines l WHERE l.order_id IN (${SOURCE})
    ON CONFLICT (order_id, sku) DO NOTHING`,
  orderEvents: `INSERT INTO order_events (event_id, order_id, type, event_time, source, drill_id, data,
      kafka_partition, kafka_offset, recorded_at)
    SELECT md5(e.event_id::text || $3)::uuid, e.order_id || $3, e.type, ${shift('e.event_time', ZONE)}, e.source,
      e.drill_id, ${DATA}, e.kafka_partition, e.kafka_offset, e.recorded_at
      FROM order_events e JOIN orders o ON o.order_id = e.order_id
     WHERE e.order_id IN (${SOURCE})
    ON CONFLICT (event_id) DO NOTHING`,
  shipments: `INSERT INTO shipments (shipment_id, order_id, carrier, tracking_number, origin, destination,
      promised_date, status, status_time, eta, eta_time, exception_reason, exception_time, delivered_at, created_at,
      last_event_time, is_drill, drill_id, updated_at)
    SELECT s.shipment_id || $3, s.order_id || $3, s.carrier, s.tracking_number || $3, s.origin, s.destination,
      s.promised_date + $4::int, s.status, ${shift('s.status_time', ZONE)}, ${shift('s.eta', ZONE)}, ${shift('s.eta_time', ZONE)},
      s.exception_reason, ${shift('s.exception_time', ZONE)}, ${shift('s.delivered_at', ZONE)},
      ${shift('s.created_at', ZONE)}, ${shift('s.last_event_time', ZONE)}, s.is_drill, s.drill_id, s.updated_at
      FROM shipments s JOIN orders o ON o.order_id = s.order_id
     WHERE s.order_id IN (${SOURCE})
    ON CONFLICT (shipment_id) DO NOTHING`,
  checkpoints: `INSERT INTO shipment_checkpoints (event_id, shipment_id, type, event_time, status, location,
      message, drill_id, kafka_partition, recorded_at)
    SELECT md5(c.event_id::text || $3)::uuid, c.shipment_id || $3, c.type, ${shift('c.event_time', ZONE)},
      c.status, c.location,
      -- the shipment tracker names the tracking number in the created checkpoint's message
      CASE WHEN s.tracking_number IS NOT NULL THEN replace(c.message, s.tracking_number, s.tracking_number || $3)
           ELSE c.message END,
      c.drill_id, c.kafka_partition, c.recorded_at
      FROM shipment_checkpoints c JOIN shipments s ON s.shipment_id = c.shipment_id
      JOIN orders o ON o.order_id = s.order_id
     WHERE s.order_id IN (${SOURCE})
    ON CONFLICT (event_id) DO NOTHING`,
  // The facts and their kpi_daily contributions in one statement: only facts inserted now count.
  facts: `WITH ins AS (
      INSERT INTO order_facts (order_id, status, site_time_zone, promised_date, created_at, shipped_at,
        delivered_at, created_day, shipped_day, delivered_day, ordered_lines, delivered_lines, on_time, in_full,
        cycle_time_ms, is_drill, drill_id, kafka_partition, updated_at, warehouse_id)
      SELECT f.order_id || $3, f.status, f.site_time_zone, f.promised_date + $4::int,
        ${shift('f.created_at', `coalesce(f.site_time_zone, 'UTC')`)},
        ${shift('f.shipped_at', `coalesce(f.site_time_zone, 'UTC')`)},
        ${shift('f.delivered_at', `coalesce(f.site_time_zone, 'UTC')`)},
        f.created_day + $4::int, f.shipped_day + $4::int, f.delivered_day + $4::int,
        f.ordered_lines, f.delivered_lines, f.on_time, f.in_full,
        CASE WHEN f.cycle_time_ms IS NOT NULL THEN round((
          extract(epoch FROM ${shift('f.delivered_at', `coalesce(f.site_time_zone, 'UTC')`)})
          - extract(epoch FROM ${shift('f.created_at', `coalesce(f.site_time_zone, 'UTC')`)})) * 1000)::bigint END,
        f.is_drill, f.drill_id, f.kafka_partition, f.updated_at, f.warehouse_id
        FROM order_facts f WHERE f.order_id IN (${SOURCE})
      ON CONFLICT (order_id) DO NOTHING
      RETURNING created_day, shipped_day, delivered_day, on_time, is_drill),
    days AS (
      SELECT created_day AS day, is_drill, 1 AS created, 0 AS shipped, 0 AS delivered, 0 AS on_time, 0 AS late
        FROM ins WHERE created_day IS NOT NULL
      UNION ALL
      SELECT shipped_day, is_drill, 0, 1, 0, 0, 0 FROM ins WHERE shipped_day IS NOT NULL
      UNION ALL
      SELECT delivered_day, is_drill, 0, 0, 1, CASE WHEN on_time THEN 1 ELSE 0 END, CASE WHEN on_time THEN 0 ELSE 1 END
        FROM ins WHERE delivered_day IS NOT NULL),
    upsert AS (
      INSERT INTO kpi_daily AS k (day, is_drill, created, shipped, delivered, on_time, late)
      SELECT day, is_drill, sum(created), sum(shipped), sum(delivered), sum(on_time), sum(late)
        FROM days GROUP BY day, is_drill
      ON CONFLICT (day, is_drill) DO UPDATE SET created = k.created + excluded.created,
        shipped = k.shipped + excluded.shipped, delivered = k.delivered + excluded.delivered,
        on_time = k.on_time + excluded.on_time, late = k.late + excluded.late)
    SELECT count(*)::int AS n FROM ins`,
} as const;

/** The highest `$n` a statement uses (PostgreSQL refuses extra parameters). */
function highestParam(sql: string): number {
  return Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
}

/**
 * Makes copies 1..`copies` of the source orders (module comment), one transaction per copy and
 * chunk of source orders, then ANALYZEs the tables.
 * @throws RangeError for copies < 1, a negative shift or chunk < 1; whatever PostgreSQL throws
 *   (the failing transaction is rolled back; committed chunks stay and a re-run completes them)
 */
export async function bulkCopy(pool: Pool, opts: BulkCopyOptions): Promise<BulkCopySummary> {
  const shiftDays = opts.shiftDays ?? DEFAULT_SHIFT_DAYS;
  const chunk = opts.chunkOrders ?? DEFAULT_CHUNK_ORDERS;
  if (!Number.isInteger(opts.copies) || opts.copies < 1)
    throw new RangeError(`copies must be a whole number >= 1 (got ${opts.copies})`);
  if (!Number.isInteger(shiftDays) || shiftDays < 0)
    throw new RangeError(`shiftDays must be a whole number >= 0 (got ${shiftDays})`);
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`chunkOrders must be >= 1 (got ${chunk})`);
  const started = performance.now();
  // Chunk bounds: every chunk-th source id (inclusive upper bounds), in the database's order.
  const { rows: bounds } = await pool.query<{ order_id: string }>(
    `SELECT order_id FROM (
       SELECT order_id, row_number() OVER (ORDER BY order_id) AS n, count(*) OVER () AS total
         FROM orders WHERE NOT is_drill AND order_id !~ '-c[0-9]+$') s
      WHERE n % $1 = 0 OR n = total ORDER BY order_id`,
    [chunk],
  );
  const { rows: countRows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM orders WHERE NOT is_drill AND order_id !~ '-c[0-9]+$'`,
  );
  const sourceOrders = countRows[0]!.n;
  const inserted: BulkCopySummary['inserted'] = {
    orders: 0,
    orderLines: 0,
    orderEvents: 0,
    shipments: 0,
    checkpoints: 0,
    facts: 0,
  };
  for (let copy = 1; copy <= opts.copies; copy++) {
    let lower: string | null = null;
    for (const { order_id: upper } of bounds) {
      const params = [lower, upper, `-c${copy}`, -copy * shiftDays];
      await withTransaction(pool, async (client) => {
        for (const [table, sql] of Object.entries(STATEMENTS) as [keyof typeof STATEMENTS, string][]) {
          const r = await client.query<{ n: number }>(sql, params.slice(0, highestParam(sql)));
          inserted[table] += table === 'facts' ? (r.rows[0]?.n ?? 0) : (r.rowCount ?? 0);
        }
      });
      lower = upper;
      opts.onProgress?.({
        copy,
        copies: opts.copies,
        ordersInserted: inserted.orders,
        ordersPlanned: sourceOrders * opts.copies,
      });
    }
  }
  const analyzeStart = performance.now();
  await pool.query(
    'ANALYZE orders, order_lines, order_events, shipments, shipment_checkpoints, order_facts, kpi_daily',
  );
  const analyzeSeconds = (performance.now() - analyzeStart) / 1000;
  const { rows: after } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
  return {
    sourceOrders,
    copies: opts.copies,
    shiftDays,
    inserted,
    ordersAfter: after[0]!.n,
    seconds: (performance.now() - started) / 1000,
    analyzeSeconds,
  };
}
