/**
 * Query speed at scale (issue 11 benchmark, query half): the requests the console makes, timed as
 * HTTP round trips through the API one at a time, at each size of the `scale` phase (about
 * 100,000 and 1,000,000 orders): order list pages (filters, sorts, search, a deep page by OFFSET
 * and the same depth by cursor), order detail, shipment list, exceptions queue, KPI summary and
 * series, and each statement of the KPI summary timed alone on the database. p50/p95/max in ms.
 */
import { encodeOrderCursor } from '../../contracts';
import type { Pool } from '../../runtime/db';
import { queryKpiDaily, queryKpiFigures, queryMainSpan, querySites } from '../../runtime/kpi-query';
import { distribution, nowMs, type Distribution } from './stats';

/** Values the queries filter on, read from the loaded data (busy site, one customer, ids). */
export interface ScaleProbe {
  orders: number;
  warehouse: string;
  customer: string;
  orderIds: string[];
  shipmentIds: string[];
  /** The data's last site day (KPI ranges end here) and the first. */
  firstDay: string;
  lastDay: string;
  /** Orders of {@link warehouse} (its list's middle is jumped to). */
  warehouseOrders: number;
  /**
   * The `nextCursor` of the page ending in the middle of the default view (newest first): where
   * the console reads on from when it has read that far.
   */
  middleCursor: string;
}

/** Reads the {@link ScaleProbe} from the read models. */
export async function readProbe(pool: Pool): Promise<ScaleProbe> {
  const one = async <T>(sql: string): Promise<T> => (await pool.query<T & object>(sql)).rows[0]!;
  const { n } = await one<{ n: number }>('SELECT count(*)::int AS n FROM orders');
  const { w } = await one<{ w: string }>(
    `SELECT warehouse_id AS w FROM orders GROUP BY warehouse_id ORDER BY count(*) DESC, warehouse_id LIMIT 1`,
  );
  const { c } = await one<{ c: string }>(
    `SELECT customer_id AS c FROM orders WHERE customer_id IS NOT NULL ORDER BY order_id OFFSET 777 LIMIT 1`,
  );
  // A deterministic spread of ids over the whole table (every k-th by id).
  const ids = await pool.query<{ order_id: string; shipment_id: string | null }>(
    `SELECT order_id, shipment_id FROM (SELECT order_id, shipment_id, row_number() OVER (ORDER BY order_id) AS r
       FROM orders) x WHERE r % greatest(1, $1::int / 200) = 0 LIMIT 200`,
    [n],
  );
  const { first, last } = await one<{ first: string; last: string }>(
    `SELECT min(day)::text AS first, max(day)::text AS last FROM kpi_daily WHERE NOT is_drill`,
  );
  const wn = (
    await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE warehouse_id = $1 AND NOT is_drill`,
      [w],
    )
  ).rows[0]!.n;
  // The row before the middle, keyed as server/api/order-filter.ts `orderSortKeySql` keys it.
  const middle = await one<{ key: string | null; id: string }>(
    `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS key, order_id AS id
       FROM orders WHERE NOT is_drill ORDER BY created_at DESC NULLS LAST, order_id DESC
     OFFSET ${Math.max(0, Math.floor(n / 2) - 1)} LIMIT 1`,
  );
  return {
    orders: n,
    warehouse: w,
    customer: c,
    orderIds: ids.rows.map((r) => r.order_id),
    shipmentIds: ids.rows.map((r) => r.shipment_id).filter((s): s is string => s !== null),
    firstDay: first,
    lastDay: last,
    warehouseOrders: wn,
    middleCursor: encodeOrderCursor(middle),
  };
}

/** One kind of request: a fixed list of paths, or a path per round (details rotate over ids). */
export interface ScaleQuery {
  group: 'orders' | 'detail' | 'shipments' | 'exceptions' | 'kpi';
  name: string;
  path: (round: number) => string;
}

/** The requests timed at each size (names are stable across sizes, so ratios can be taken). */
export function scaleQueries(p: ScaleProbe): ScaleQuery[] {
  const fixed = (group: ScaleQuery['group'], name: string, path: string): ScaleQuery => ({
    group,
    name,
    path: () => path,
  });
  const deepOrders = Math.max(1, Math.floor(p.orders / 2 / 100));
  const range = `from=${p.firstDay}&to=${p.lastDay}`;
  return [
    fixed('orders', 'orders: newest first', '/api/orders'),
    fixed('orders', 'orders: late (delivered after promise)', '/api/orders?punctuality=late'),
    fixed('orders', 'orders: one warehouse', `/api/orders?warehouse=${encodeURIComponent(p.warehouse)}`),
    fixed('orders', 'orders: one customer', `/api/orders?customer=${encodeURIComponent(p.customer)}`),
    fixed('orders', 'orders: at risk', '/api/orders?punctuality=at_risk'),
    fixed('orders', 'orders: open exception', '/api/orders?openException=true'),
    fixed(
      'orders',
      'orders: search id prefix',
      `/api/orders?q=${encodeURIComponent(p.orderIds[7]!.slice(0, 4))}`,
    ),
    fixed(
      'orders',
      'orders: shipped, by promised date',
      '/api/orders?status=shipped&sort=promisedDate&order=asc',
    ),
    fixed(
      'orders',
      'orders: late in a month, by delivery',
      `/api/orders?punctuality=late&deliveredFrom=${p.lastDay.slice(0, 7)}-01&deliveredTo=${p.lastDay}&sort=deliveredAt`,
    ),
    fixed('orders', 'orders: sorted by customer', '/api/orders?sort=customerId&order=asc'),
    // The console reads on by cursor (the window after one it holds) and jumps by position (the
    // scroll bar dragged far down): both at the middle of the table. A position in the default
    // view is found through order_created_counts, in one warehouse's through order_site_created_counts.
    fixed(
      'orders',
      'orders: deep page by position (middle of the table)',
      `/api/orders?page=${deepOrders}&pageSize=100`,
    ),
    fixed(
      'orders',
      'orders: deep page by cursor (middle of the table)',
      `/api/orders?pageSize=100&after=${encodeURIComponent(p.middleCursor)}`,
    ),
    fixed(
      'orders',
      'orders: one warehouse, deep page by position (middle)',
      `/api/orders?warehouse=${encodeURIComponent(p.warehouse)}&pageSize=100&page=${Math.max(1, Math.floor(p.warehouseOrders / 2 / 100))}`,
    ),
    {
      group: 'detail',
      name: 'order detail',
      path: (i) => `/api/orders/${encodeURIComponent(p.orderIds[(i * 37) % p.orderIds.length]!)}`,
    },
    fixed('shipments', 'shipments: newest first', '/api/shipments'),
    fixed('shipments', 'shipments: in transit', '/api/shipments?status=in_transit'),
    fixed('shipments', 'shipments: late', '/api/shipments?late=true'),
    fixed('shipments', 'shipments: open exception', '/api/shipments?exception=true'),
    fixed(
      'shipments',
      'shipments: search',
      `/api/shipments?q=${encodeURIComponent(p.shipmentIds[3]!.slice(0, 8))}`,
    ),
    {
      group: 'detail',
      name: 'shipment detail',
      path: (i) => `/api/shipments/${encodeURIComponent(p.shipmentIds[(i * 37) % p.shipmentIds.length]!)}`,
    },
    fixed('exceptions', 'exceptions queue: oldest first', '/api/exceptions'),
    fixed('exceptions', 'exceptions queue: page 5', '/api/exceptions?page=5&pageSize=50'),
    fixed('kpi', 'KPI summary: default range', '/api/kpi/summary'),
    fixed('kpi', 'KPI summary: all data', `/api/kpi/summary?${range}`),
    fixed(
      'kpi',
      'KPI summary: one warehouse',
      `/api/kpi/summary?${range}&warehouse=${encodeURIComponent(p.warehouse)}`,
    ),
    fixed('kpi', 'KPI series: all data by month', `/api/kpi/daily?${range}&bucket=month`),
  ];
}

export interface ScaleQueryResult {
  orders: number;
  byQuery: Record<string, Distribution & { group: ScaleQuery['group'] }>;
  /** Each statement of the KPI summary, alone on the database (all-data range). */
  kpiStatements: Record<string, Distribution>;
  /** p95 over all requests of a group. */
  byGroup: Record<ScaleQuery['group'], Distribution>;
}

/**
 * Times every query `rounds` times (after 3 warm-up rounds), interleaved so that every query
 * sees the same machine load. `get` performs one request and resolves when the body was read;
 * it throws on a non-200 answer.
 */
export async function runScaleQueries(
  get: (path: string) => Promise<void>,
  pool: Pool,
  probe: ScaleProbe,
  rounds: number,
): Promise<ScaleQueryResult> {
  const queries = scaleQueries(probe);
  const samples = new Map<string, number[]>(queries.map((q) => [q.name, []]));
  for (let round = -3; round < rounds; round++) {
    for (const q of queries) {
      const t0 = nowMs();
      await get(q.path(round + 3));
      if (round >= 0) samples.get(q.name)!.push(nowMs() - t0);
    }
  }
  const from = probe.firstDay;
  const to = probe.lastDay;
  const statements: [string, () => Promise<unknown>][] = [
    ['figures (one range)', () => queryKpiFigures(pool, from, to, false, null)],
    ['figures (one warehouse)', () => queryKpiFigures(pool, from, to, false, probe.warehouse)],
    ['sites', () => querySites(pool, false)],
    ['main span', () => queryMainSpan(pool, false)],
    ['daily series', () => queryKpiDaily(pool, { from, to, includeDrills: false })],
  ];
  const kpi = new Map<string, number[]>(statements.map(([n]) => [n, []]));
  for (let round = -2; round < Math.min(rounds, 20); round++) {
    for (const [name, run] of statements) {
      const t0 = nowMs();
      await run();
      if (round >= 0) kpi.get(name)!.push(nowMs() - t0);
    }
  }
  const groups: Record<ScaleQuery['group'], number[]> = {
    orders: [],
    detail: [],
    shipments: [],
    exceptions: [],
    kpi: [],
  };
  for (const q of queries) groups[q.group].push(...samples.get(q.name)!);
  return {
    orders: probe.orders,
    byQuery: Object.fromEntries(
      queries.map((q) => [q.name, { ...distribution(samples.get(q.name)!), group: q.group }]),
    ),
    kpiStatements: Object.fromEntries([...kpi].map(([n, v]) => [n, distribution(v)])),
    byGroup: Object.fromEntries(Object.entries(groups).map(([g, v]) => [g, distribution(v)])) as Record<
      ScaleQuery['group'],
      Distribution
    >,
  };
}
