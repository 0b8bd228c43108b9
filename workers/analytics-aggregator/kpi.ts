/**
 * Per-order KPI definitions (DESIGN.md "KPIs", shared by the dashboard and the tests):
 * - on time: the delivery's calendar day in the site time zone is on or before the promised date
 *   (`isOnTime` of contracts/site-time.ts, the one owner of that rule);
 * - in full: every ordered line delivered in at least the ordered quantity;
 * - OTIF: on time AND in full for the same order (counted per order, not a product of rates);
 * - cycle time: delivered time minus created time, in ms.
 */

/** Quantities by SKU. */
export type QuantityBySku = Record<string, number>;

/** True when each ordered SKU was delivered in at least its ordered quantity; null if nothing was ordered. */
export function isInFull(ordered: QuantityBySku, delivered: QuantityBySku): boolean | null {
  const skus = Object.keys(ordered);
  if (skus.length === 0) return null;
  return skus.every((sku) => (delivered[sku] ?? 0) >= (ordered[sku] ?? 0));
}

/** Delivered minus created, in ms (may be negative on inconsistent source data; kept as is). */
export function cycleTimeMs(createdAt: string, deliveredAt: string): number {
  return Date.parse(deliveredAt) - Date.parse(createdAt);
}
