/**
 * What the header search does with what the operator typed: the exact id first (an order or a
 * shipment, `GET /api/lookup/:id`), else the orders whose id starts with it (the orders list's
 * server-side prefix search, `GET /api/orders?q=`).
 */
import type { EntitySummary, OrderPage } from '../../../contracts/api';

/** Most prefix matches the header search offers to pick from. */
export const PREFIX_MATCHES = 8;

/** The outcome: open one entity, pick among several orders, or nothing found. */
export type SearchOutcome =
  | { kind: 'open'; target: { order: string } | { shipment: string } }
  | { kind: 'pick'; orderIds: string[]; total: number }
  | { kind: 'none' };

/**
 * The outcome of a search from the exact lookup (null when no entity has that id) and the
 * prefix page (null when not asked). A single prefix match opens directly.
 */
export function searchOutcome(exact: EntitySummary | null, prefix: OrderPage | null): SearchOutcome {
  if (exact)
    return {
      kind: 'open',
      target:
        exact.kind === 'order' ? { order: exact.order.orderId } : { shipment: exact.shipment.shipmentId },
    };
  if (!prefix || prefix.total === 0) return { kind: 'none' };
  if (prefix.total === 1 && prefix.items[0])
    return { kind: 'open', target: { order: prefix.items[0].orderId } };
  return { kind: 'pick', orderIds: prefix.items.map((o) => o.orderId), total: prefix.total };
}
