/**
 * The screens' queries. Each one is kept current by the live stream (query/liveSync.ts
 * invalidates what a notification names) and polls only while the stream is paused (Redis down
 * or degraded). Paged and filtered lists keep the previous answer on screen while the next one
 * loads (`keepPreviousData`); every request is aborted through TanStack's `signal` when superseded.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiCall } from '../api/http';
import {
  queryKeys,
  type AuditQuery,
  type ExceptionsQuery,
  type KpiRange,
  type OrdersQuery,
  type ShipmentsQuery,
} from './keys';
import { useLivePausedInterval } from './livePaused';

/** How often the drift report is fetched again while the pipeline screen is open (ms). */
export const DRIFT_REFRESH_MS = 30_000;

/** KPI summary for a range (refetched on `kpi` notifications); `enabled` false waits (e.g. for the data's extent). */
export function useKpiSummary(range: KpiRange, enabled = true) {
  return useQuery({
    enabled,
    queryKey: queryKeys.kpiSummary(range),
    queryFn: ({ signal }) => apiCall('GET /api/kpi/summary', { query: range, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: useLivePausedInterval(),
  });
}

/** Per-day KPI series for a range (refetched on `kpi` notifications); `enabled` as {@link useKpiSummary}. */
export function useKpiDaily(range: KpiRange, enabled = true) {
  return useQuery({
    enabled,
    queryKey: queryKeys.kpiDaily(range),
    queryFn: ({ signal }) => apiCall('GET /api/kpi/daily', { query: range, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: useLivePausedInterval(),
  });
}

/** One page of orders for a filter, sort and page (refetched when orders change). */
export function useOrderPage(query: OrdersQuery) {
  return useQuery({
    queryKey: queryKeys.orderList(query),
    queryFn: ({ signal }) => apiCall('GET /api/orders', { query, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: useLivePausedInterval(),
  });
}

/** One order with lines and history (refetched when it or its shipment changes). */
export function useOrder(orderId: string) {
  return useQuery({
    queryKey: queryKeys.order(orderId),
    queryFn: ({ signal }) => apiCall('GET /api/orders/:id', { params: { id: orderId }, signal }),
    refetchInterval: useLivePausedInterval(),
  });
}

/** One shipment with its timeline (refetched when it changes). */
export function useShipment(shipmentId: string) {
  return useQuery({
    queryKey: queryKeys.shipment(shipmentId),
    queryFn: ({ signal }) => apiCall('GET /api/shipments/:id', { params: { id: shipmentId }, signal }),
    refetchInterval: useLivePausedInterval(),
  });
}

/** One page of the audit log (written by requests, not workers: refetched on resync and on demand). */
export function useAuditPage(query: AuditQuery) {
  return useQuery({
    queryKey: queryKeys.audit(query),
    queryFn: ({ signal }) => apiCall('GET /api/audit', { query, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: useLivePausedInterval(),
  });
}

/** The newest drift check, or null when none ran (no notification: polled every 30 s). */
export function useLastDrift() {
  const paused = useLivePausedInterval();
  return useQuery({
    queryKey: queryKeys.lastDrift(),
    queryFn: ({ signal }) => apiCall('GET /api/drift/last', { signal }),
    refetchInterval: paused === false ? DRIFT_REFRESH_MS : Math.min(paused, DRIFT_REFRESH_MS),
  });
}

/** One page of shipments for a filter, sort and page (refetched when shipments change). */
export function useShipmentPage(query: ShipmentsQuery) {
  return useQuery({
    queryKey: queryKeys.shipmentList(query),
    queryFn: ({ signal }) => apiCall('GET /api/shipments', { query, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: useLivePausedInterval(),
  });
}

/** One page of the exceptions queue, oldest first (refetched when shipments change). */
export function useExceptionQueue(query: ExceptionsQuery) {
  return useQuery({
    queryKey: queryKeys.exceptionQueue(query),
    queryFn: ({ signal }) => apiCall('GET /api/exceptions', { query, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: useLivePausedInterval(),
  });
}
