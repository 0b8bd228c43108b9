/**
 * Order lifecycle statuses and their rank. An order's status is the highest-ranked status among
 * the events applied so far, so a late event never moves an order backwards and the status does
 * not depend on the order the events arrive in; `cancelled` is terminal except against
 * `delivered`: an order with a delivery is delivered whether its cancel arrived before or after
 * it (a delivery is a physical fact, and OTD/OTIF/cycle time count delivered orders).
 */
import { EVENT_TYPES, type OrderEvent } from './events';

export const ORDER_STATUSES = [
  'created',
  'approved',
  'picked',
  'packed',
  'shipped',
  'delivered',
  'cancelled',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Open statuses: the backlog (DESIGN.md "Backlog = open orders by status"). */
export const OPEN_ORDER_STATUSES: readonly OrderStatus[] = [
  'created',
  'approved',
  'picked',
  'packed',
  'shipped',
];

const RANK: Record<OrderStatus, number> = {
  created: 0,
  approved: 1,
  picked: 2,
  packed: 3,
  shipped: 4,
  cancelled: 5,
  delivered: 6,
};

/**
 * The status an order has after seeing `next`, given it had `current`.
 * Never moves backwards: `max(rank)`, which is commutative, so arrival order does not matter;
 * delivered orders are not un-delivered by a cancel, whichever arrives first.
 */
export function advanceOrderStatus(current: OrderStatus | undefined, next: OrderStatus): OrderStatus {
  if (current === undefined) return next;
  return RANK[next] > RANK[current] ? next : current;
}

/** The status each order event type moves an order to. */
export const ORDER_STATUS_OF_EVENT: Record<OrderEvent['type'], OrderStatus> = {
  [EVENT_TYPES.orderCreated]: 'created',
  [EVENT_TYPES.orderApproved]: 'approved',
  [EVENT_TYPES.orderPicked]: 'picked',
  [EVENT_TYPES.orderPacked]: 'packed',
  [EVENT_TYPES.orderShipped]: 'shipped',
  [EVENT_TYPES.orderDelivered]: 'delivered',
  [EVENT_TYPES.orderCancelled]: 'cancelled',
};
