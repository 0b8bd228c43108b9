/**
 * Decoding of `/api/live` change notifications and the per-screen "is this about me?" tests.
 * Pure (no DOM, no network).
 */
import type { ChangeNotification } from '../../../contracts/api';
import { WORKER_NAMES } from '../../../contracts/workers';

const SOURCES: readonly ChangeNotification['source'][] = WORKER_NAMES;

function stringArray(value: unknown): string[] | null {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return null;
  return value.every((v): v is string => typeof v === 'string') ? value : null;
}

/**
 * Parses the `data` of an SSE `change` event into a {@link ChangeNotification}.
 * Missing id lists count as empty; anything malformed returns null (and is ignored by the caller).
 */
export function parseChangeNotification(data: string): ChangeNotification | null {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  const source = SOURCES.find((s) => s === r.source);
  const orderIds = stringArray(r.orderIds);
  const shipmentIds = stringArray(r.shipmentIds);
  if (!source || !orderIds || !shipmentIds) return null;
  return {
    source,
    orderIds,
    shipmentIds,
    kpi: r.kpi === true,
    truncated: r.truncated === true,
    at: typeof r.at === 'string' ? r.at : new Date().toISOString(),
  };
}

/** Which notifications a screen cares about; null stands for "resync" (the stream reconnected). */
export type ChangeFilter = (change: ChangeNotification | null) => boolean;

/** Any change (dashboard: KPIs, counts and backlog move with every applied event). */
export const anyChange: ChangeFilter = () => true;

/** Changes that touch orders (orders list). */
export const orderChanges: ChangeFilter = (c) => c === null || c.orderIds.length > 0;

/** Changes to one order or to its shipment (order detail). */
export function changesToOrder(orderId: string, shipmentId: string | null): ChangeFilter {
  return (c) =>
    c === null ||
    c.truncated ||
    c.orderIds.includes(orderId) ||
    (shipmentId !== null && c.shipmentIds.includes(shipmentId));
}

/** Changes to one shipment (shipment timeline). */
export function changesToShipment(shipmentId: string): ChangeFilter {
  return (c) => c === null || c.truncated || c.shipmentIds.includes(shipmentId);
}
