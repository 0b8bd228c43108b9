import { QueryClient, type QueryKey } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { ChangeNotification } from '../../../contracts/api';
import { applyInvalidations, invalidationsFor, mergeChanges } from './invalidation';
import { queryKeys } from './keys';

function change(patch: Partial<ChangeNotification>): ChangeNotification {
  return {
    source: 'order-processor',
    orderIds: [],
    shipmentIds: [],
    kpi: false,
    truncated: false,
    at: '2024-05-13T15:00:00.000Z',
    ...patch,
  };
}

/** Every kind of query, with data; `o1` is the order of shipment `s1`, `o2` has no shipment yet. */
const KEYS: Record<string, QueryKey> = {
  health: queryKeys.health(),
  kpiSummary: queryKeys.kpiSummary({ includeDrills: false }),
  kpiDailyDrills: queryKeys.kpiDaily({ includeDrills: true }),
  orders: queryKeys.orderList({ page: 1 }),
  ordersPage2: queryKeys.orderList({ page: 2, status: ['shipped'] }),
  order1: queryKeys.order('o1'),
  order2: queryKeys.order('o2'),
  shipment1: queryKeys.shipment('s1'),
  shipment2: queryKeys.shipment('s2'),
  deadLetters: queryKeys.deadLetterList({ status: 'all', page: 1 }),
  deadLetterCount: queryKeys.deadLetterOpenCount(),
  audit: queryKeys.audit({ page: 1 }),
  drift: queryKeys.lastDrift(),
};

/** The names of the queries `notification` invalidates in a fully seeded cache. */
async function invalidated(notification: ChangeNotification | null): Promise<string[]> {
  const client = new QueryClient();
  for (const [name, key] of Object.entries(KEYS)) {
    const data =
      name === 'order1'
        ? { orderId: 'o1', shipmentId: 's1' }
        : name === 'order2'
          ? { orderId: 'o2', shipmentId: null }
          : { name };
    client.setQueryData(key, data);
  }
  await applyInvalidations(client, invalidationsFor(notification));
  return Object.entries(KEYS)
    .filter(([, key]) => client.getQueryState(key)?.isInvalidated === true)
    .map(([name]) => name)
    .sort();
}

describe('notification -> invalidation', () => {
  it('orderIds: the orders lists and the detail of each named order', async () => {
    expect(await invalidated(change({ orderIds: ['o2'] }))).toEqual(['order2', 'orders', 'ordersPage2']);
  });

  it('shipmentIds: the named shipment and the order it belongs to', async () => {
    expect(await invalidated(change({ source: 'shipment-tracker', shipmentIds: ['s1'] }))).toEqual([
      'order1',
      'shipment1',
    ]);
    expect(await invalidated(change({ source: 'shipment-tracker', shipmentIds: ['s2'] }))).toEqual([
      'shipment2',
    ]);
  });

  it('kpi: every KPI query, whatever its range', async () => {
    expect(await invalidated(change({ source: 'analytics-aggregator', kpi: true }))).toEqual([
      'kpiDailyDrills',
      'kpiSummary',
    ]);
  });

  it('a burst of thousands of ids is a few filters (one set lookup per cached query), not one per id', async () => {
    const many = Array.from({ length: 5_000 }, (_, i) => `x${i}`);
    const burst = change({ orderIds: [...many, 'o2'], shipmentIds: [...many, 's2'] });
    expect(invalidationsFor(burst).length).toBeLessThanOrEqual(5);
    expect(await invalidated(burst)).toEqual(['order2', 'orders', 'ordersPage2', 'shipment2']);
  });

  it('a detail filter matches only the detail key of a named id, not a longer or shorter key', () => {
    const [, details] = invalidationsFor(change({ orderIds: ['o1'] }));
    const client = new QueryClient();
    client.setQueryData(queryKeys.order('o1'), {});
    client.setQueryData([...queryKeys.order('o1'), 'more'], {});
    client.setQueryData(['orders', 'detail'], {});
    const matched = client
      .getQueryCache()
      .findAll(details)
      .map((q) => q.queryKey);
    expect(matched).toEqual([queryKeys.order('o1')]);
  });

  it('a notification naming nothing invalidates nothing', async () => {
    expect(invalidationsFor(change({}))).toEqual([]);
    expect(await invalidated(change({}))).toEqual([]);
  });

  it('ids of entities the console has not loaded invalidate only the lists', async () => {
    expect(await invalidated(change({ orderIds: ['o9'], shipmentIds: ['s9'] }))).toEqual([
      'orders',
      'ordersPage2',
    ]);
  });

  it('truncated lists and a resync (reconnect, Redis back) invalidate everything', async () => {
    const everything = Object.keys(KEYS).sort();
    expect(await invalidated(change({ orderIds: ['o2'], truncated: true }))).toEqual(everything);
    expect(await invalidated(null)).toEqual(everything);
  });
});

describe('merging a burst of notifications', () => {
  it('unions the ids and keeps kpi/truncated when either had them', () => {
    const merged = mergeChanges(
      change({ orderIds: ['o1', 'o2'], kpi: true }),
      change({ source: 'shipment-tracker', orderIds: ['o2', 'o3'], shipmentIds: ['s1'], at: 'later' }),
    );
    expect(merged).toEqual({
      source: 'shipment-tracker',
      orderIds: ['o1', 'o2', 'o3'],
      shipmentIds: ['s1'],
      kpi: true,
      truncated: false,
      at: 'later',
    });
    expect(mergeChanges(change({ truncated: true }), change({})).truncated).toBe(true);
  });
});
