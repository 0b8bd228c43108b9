/**
 * Decoding of `/api/live` change notifications (what they make stale: query/invalidation.ts).
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
