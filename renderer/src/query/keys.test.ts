import { matchQuery, QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { queryKeys, queryScopes } from './keys';

/** The cached query of `key` in a client where every key of the console holds data. */
function seeded(): QueryClient {
  const client = new QueryClient();
  for (const key of allKeys()) client.setQueryData(key, 1);
  return client;
}

function allKeys(): readonly (readonly unknown[])[] {
  return [
    queryKeys.health(),
    queryKeys.kpiSummary({ from: '2024-01-01', includeDrills: false }),
    queryKeys.kpiDaily({ from: '2024-01-01', includeDrills: false }),
    queryKeys.orderList({ page: 1, status: ['created'] }),
    queryKeys.order('o1'),
    queryKeys.shipment('s1'),
    queryKeys.deadLetterList({ status: 'open', page: 1 }),
    queryKeys.deadLetterOpenCount(),
    queryKeys.audit({ page: 1 }),
    queryKeys.lastDrift(),
    queryKeys.drillScenarios(),
    queryKeys.drillRuns('active'),
    queryKeys.drillRun('r1'),
    queryKeys.drillReport('r1'),
    queryKeys.drillPurgePreview('d1'),
  ];
}

/** Which of the seeded keys a scope prefix matches. */
function matched(scope: readonly unknown[]): string[] {
  return seeded()
    .getQueryCache()
    .findAll()
    .filter((q) => matchQuery({ queryKey: scope }, q))
    .map((q) => q.queryHash)
    .sort();
}

describe('query keys', () => {
  it('are distinct for every query the console runs', () => {
    const hashes = seeded()
      .getQueryCache()
      .findAll()
      .map((q) => q.queryHash);
    expect(new Set(hashes).size).toBe(allKeys().length);
  });

  it('do not depend on the order of a filter object’s properties', () => {
    const client = new QueryClient();
    client.setQueryData(queryKeys.orderList({ page: 2, status: ['shipped'] }), 'page');
    expect(client.getQueryData(queryKeys.orderList({ status: ['shipped'], page: 2 }))).toBe('page');
    expect(client.getQueryData(queryKeys.orderList({ status: ['shipped'], page: 3 }))).toBeUndefined();
  });

  it('nest under their scopes, so a scope prefix invalidates exactly its queries', () => {
    expect(matched(queryScopes.kpi)).toHaveLength(2);
    expect(matched(queryScopes.orders)).toHaveLength(2);
    expect(matched(queryScopes.orderLists)).toEqual([
      JSON.stringify(queryKeys.orderList({ page: 1, status: ['created'] })),
    ]);
    expect(matched(queryScopes.orderDetails)).toEqual([JSON.stringify(queryKeys.order('o1'))]);
    expect(matched(queryScopes.shipmentDetails)).toEqual([JSON.stringify(queryKeys.shipment('s1'))]);
    expect(matched(queryScopes.deadLetters)).toHaveLength(2);
    expect(matched(queryScopes.deadLetterLists)).toHaveLength(1);
    expect(matched(queryScopes.health)).toEqual([JSON.stringify(queryKeys.health())]);
  });

  it('keep an order id and a shipment id with the same text apart', () => {
    expect(JSON.stringify(queryKeys.order('x1'))).not.toBe(JSON.stringify(queryKeys.shipment('x1')));
  });
});
