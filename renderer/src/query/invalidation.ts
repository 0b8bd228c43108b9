/**
 * What a live change notification makes stale, as TanStack Query filters (pure: no React, no
 * network), and their application to a query client ({@link applyInvalidations}): the matching
 * queries on screen are refetched, the others marked stale. The live sync (query/liveSync.ts)
 * calls these.
 *
 * - `orderIds`: the orders lists and the detail of each named order;
 * - `shipmentIds`: the detail of each named shipment, and the detail of any order whose
 *   shipment it is (known from the cached order);
 * - `kpi`: every KPI query (summary and daily series, any range);
 * - `truncated` (the id lists were cut) or a resync (`null`: the stream reconnected, Redis came
 *   back, or a poll tick while Redis is down): everything.
 */
import { matchQuery, type InvalidateQueryFilters, type Query, type QueryClient } from '@tanstack/react-query';
import type { ChangeNotification } from '../../../contracts/api';
import { queryScopes } from './keys';

/** Filters of one invalidation (`{}` = every query). */
export type Invalidation = InvalidateQueryFilters;

/** The shipment an order detail in the cache belongs to, or null. */
function shipmentOfCachedOrder(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || !('shipmentId' in data)) return null;
  const id = data.shipmentId;
  return typeof id === 'string' ? id : null;
}

/**
 * One filter for the detail queries (`[...scope, id]`, query/keys.ts) of the named entities: a set
 * lookup per cached query. (One exact-key filter per id made a burst's merged notification,
 * thousands of ids, cost every cached query thousands of key comparisons: a long frame.)
 */
function detailsOf(scope: readonly string[], ids: readonly string[]): Invalidation {
  const named = new Set(ids);
  return {
    queryKey: scope,
    predicate: (query: Query) => {
      const key = query.queryKey;
      const id = key[scope.length];
      return key.length === scope.length + 1 && typeof id === 'string' && named.has(id);
    },
  };
}

/**
 * The invalidations one notification calls for; `null` (a resync) invalidates everything.
 * An empty list means nothing the console shows changed.
 */
export function invalidationsFor(change: ChangeNotification | null): Invalidation[] {
  if (change === null || change.truncated) return [{}];
  const out: Invalidation[] = [];
  if (change.orderIds.length > 0) {
    out.push({ queryKey: queryScopes.orderLists });
    out.push(detailsOf(queryScopes.orderDetails, change.orderIds));
  }
  if (change.shipmentIds.length > 0) {
    out.push({ queryKey: queryScopes.shipmentLists });
    out.push(detailsOf(queryScopes.shipmentDetails, change.shipmentIds));
    const shipments = new Set(change.shipmentIds);
    out.push({
      queryKey: queryScopes.orderDetails,
      predicate: (query: Query) => {
        const shipmentId = shipmentOfCachedOrder(query.state.data);
        return shipmentId !== null && shipments.has(shipmentId);
      },
    });
  }
  if (change.kpi) out.push({ queryKey: queryScopes.kpi });
  return out;
}

/**
 * One notification standing for two that arrived within a debounce window: the union of their
 * ids, `kpi`/`truncated` when either says so, the time and source of the newer one.
 */
export function mergeChanges(older: ChangeNotification, newer: ChangeNotification): ChangeNotification {
  const union = (a: string[], b: string[]): string[] => [...new Set([...a, ...b])];
  return {
    source: newer.source,
    orderIds: union(older.orderIds, newer.orderIds),
    shipmentIds: union(older.shipmentIds, newer.shipmentIds),
    kpi: older.kpi || newer.kpi,
    truncated: older.truncated || newer.truncated,
    at: newer.at,
  };
}

/** Invalidates (and, when on screen, refetches) every query one of `invalidations` matches. */
export function applyInvalidations(client: QueryClient, invalidations: Invalidation[]): Promise<void> {
  if (invalidations.length === 0) return Promise.resolve();
  return client.invalidateQueries({
    predicate: (query) => invalidations.some((filters) => matchQuery(filters, query)),
  });
}
