/**
 * Query speed with the full data loaded, as the console sees it (HTTP round trip through the API,
 * one request at a time): the order list (filtered, first page) and the order detail.
 */
import type { Deployment } from './deployment';
import { distribution, nowMs, type Distribution } from './stats';

/** Filtered first pages the console asks for (status, day range, id prefix, sort). */
export function listQueries(sampleOrderId: string): string[] {
  return [
    '/api/orders?status=delivered',
    '/api/orders?status=shipped&from=2017-06-01&to=2017-12-31',
    '/api/orders?status=cancelled&sort=lastEventTime',
    '/api/orders?from=2018-01-01&to=2018-03-31&sort=promisedDate&order=asc',
    '/api/orders?includeDrills=false&from=2017-11-20&to=2017-11-30',
    `/api/orders?q=${encodeURIComponent(sampleOrderId.slice(0, 3))}`,
    '/api/orders',
  ];
}

async function timed(dep: Deployment, path: string): Promise<number> {
  const t0 = nowMs();
  const res = await dep.api(path);
  await res.arrayBuffer();
  const ms = nowMs() - t0;
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
  return ms;
}

export interface QueryResult {
  list: Distribution;
  detail: Distribution;
  listByQuery: Record<string, Distribution>;
}

export async function runQueries(
  dep: Deployment,
  orderIds: readonly string[],
  perKind: number,
): Promise<QueryResult> {
  const lists = listQueries(orderIds[0] ?? '0');
  // A deterministic spread of order ids over the whole data set.
  const ids = Array.from({ length: perKind }, (_, i) => orderIds[(i * 7919) % orderIds.length]!);
  for (let i = 0; i < 20; i++) {
    await timed(dep, lists[i % lists.length]!);
    await timed(dep, `/api/orders/${encodeURIComponent(ids[i % ids.length]!)}`);
  }
  const listMs: number[] = [];
  const byQuery: Record<string, number[]> = {};
  const detailMs: number[] = [];
  for (let i = 0; i < perKind; i++) {
    const q = lists[i % lists.length]!;
    const ms = await timed(dep, q);
    listMs.push(ms);
    (byQuery[q] ??= []).push(ms);
    detailMs.push(await timed(dep, `/api/orders/${encodeURIComponent(ids[i]!)}`));
  }
  return {
    list: distribution(listMs),
    detail: distribution(detailMs),
    listByQuery: Object.fromEntries(Object.entries(byQuery).map(([q, v]) => [q, distribution(v)])),
  };
}
