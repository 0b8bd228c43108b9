/**
 * What an event posted to the API must agree with in its order or shipment (the operator-facing
 * door only; the workers' fold keeps accepting any stream, since importers' events may arrive out
 * of order through Kafka):
 * - an order event other than `sct.order.created.v1` names an order whose creation is known
 *   (rule `order_exists`, field `subject`): else the fold would make a phantom order of it;
 * - a `sct.order.created.v1` names an order whose creation is not known yet, or is a retry of
 *   that creation (same event id) (rule `created_once`, field `subject`): the fold keeps the
 *   earliest creation, so a second one dated earlier rewrote the order's customer, site, promise
 *   and lines, and opened the way to back-dated events;
 * - and happens at or after that creation (rule `after_creation`, field `time`): a delivery
 *   "before" its order made a negative cycle time, and the earliest delivery wins in the fold,
 *   so no later event could correct it;
 * - a cancellation names an order not delivered (rule `not_delivered`, field `type`): a
 *   delivered order stays delivered (the fold kept "delivered" and showed a cancel reason too);
 * - a shipment event other than `sct.shipment.created.v1` names a shipment whose creation is
 *   known (rule `shipment_exists`, field `subject`): else it became a phantom shipment with no
 *   carrier or order, counted as an open exception;
 * - a delivered line names a SKU the order has (rule `sku_on_order`, field
 *   `data.lines.<i>.sku`): else it becomes an "ordered 0" line;
 * - a delivered SKU's quantity (its lines added up, as the fold does) is at most the ordered one
 *   (rule `delivered_within_ordered`, field `data.lines.<i>.quantity`): no over-delivery.
 *
 * The creation may be in the read models, accepted by the API but not yet applied, or earlier
 * in the same batch; the earliest creation by event time decides the lines, as in the fold
 * (workers/order-processor/order-state.ts). Pure: the caller looks the orders up.
 */
import { EVENT_TYPES, type FieldIssue, type SupplyChainEvent } from './events';

/** The rules of this module, also the API's error codes. */
export const ORDER_CONTENT_RULES = [
  'order_exists',
  'created_once',
  'after_creation',
  'not_delivered',
  'sku_on_order',
  'delivered_within_ordered',
  'shipment_exists',
] as const;
export type OrderContentRule = (typeof ORDER_CONTENT_RULES)[number];

/** A known creation of an order: its event time and ordered quantity by SKU (null: lines unknown). */
export interface KnownOrder {
  /** Event time of the creation (an instant, any RFC 3339 form). */
  time: string;
  /** Ordered units by SKU (quantities of one SKU added up); null when not known (skip line checks). */
  lines: ReadonlyMap<string, number> | null;
  /** Event time of its earliest known delivery; absent or null while not delivered. */
  deliveredAt?: string | null;
  /** Id of the creation event (a re-send of it is a retry, not a second creation); absent: unknown. */
  eventId?: string | null;
}

/** Ordered units by SKU of a created event's lines (lines of one SKU added up). */
export function orderedBySku(lines: readonly { sku: string; quantity: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) out.set(l.sku, (out.get(l.sku) ?? 0) + l.quantity);
  return out;
}

/** A refusal of rule `rule` naming `field`. */
const refuse = (rule: OrderContentRule, field: string, message: string): OrderContentVerdict => ({
  rule,
  issue: { field, rule, message },
});

/** One refused event: its rule and the issue naming the field. */
export interface OrderContentVerdict {
  rule: OrderContentRule;
  issue: FieldIssue;
}

/**
 * Screens a batch in order against the orders known before it (`known`, by order id), adding
 * each created event of the batch as it goes, so a batch that creates an order before its later
 * events passes (deliveries of the batch count for its later cancellations the same way).
 * @param knownShipments the shipments whose creation is known before the batch; when absent,
 *   shipment events are not screened
 * @returns one verdict per event (null = passes), in input order; each names the first broken rule
 */
export function screenOrderContents(
  events: readonly SupplyChainEvent[],
  known: ReadonlyMap<string, KnownOrder>,
  knownShipments?: ReadonlySet<string>,
): (OrderContentVerdict | null)[] {
  const orders = new Map(known);
  const shipments = new Set(knownShipments);
  return events.map((e) => {
    if (e.type === EVENT_TYPES.orderCreated) {
      const before = orders.get(e.subject);
      if (before && before.eventId !== e.id)
        return refuse(
          'created_once',
          'subject',
          `order ${e.subject} was created at ${before.time}; an order is created once (send its later events to change it)`,
        );
      if (!before) orders.set(e.subject, { time: e.time, lines: orderedBySku(e.data.lines), eventId: e.id });
      return null;
    }
    if (e.type === EVENT_TYPES.shipmentCreated) {
      shipments.add(e.subject);
      return null;
    }
    if (!e.type.startsWith('sct.order.')) {
      if (!knownShipments || shipments.has(e.subject)) return null;
      return refuse(
        'shipment_exists',
        'subject',
        `no shipment ${e.subject}; send ${EVENT_TYPES.shipmentCreated} first`,
      );
    }
    const order = orders.get(e.subject);
    if (!order)
      return refuse(
        'order_exists',
        'subject',
        `no order ${e.subject}; send ${EVENT_TYPES.orderCreated} first`,
      );
    if (Date.parse(e.time) < Date.parse(order.time))
      return refuse(
        'after_creation',
        'time',
        `${e.time} is before order ${e.subject} was created (${order.time}); an order's events follow its creation`,
      );
    if (e.type === EVENT_TYPES.orderCancelled && order.deliveredAt)
      return refuse(
        'not_delivered',
        'type',
        `order ${e.subject} was delivered at ${order.deliveredAt}; a delivered order cannot be cancelled`,
      );
    if (e.type !== EVENT_TYPES.orderDelivered) return null;
    if (!order.deliveredAt) orders.set(e.subject, { ...order, deliveredAt: e.time });
    if (order.lines === null) return null;
    const delivered = orderedBySku(e.data.lines);
    for (const [i, line] of e.data.lines.entries()) {
      const ordered = order.lines.get(line.sku) ?? 0;
      if (ordered === 0)
        return refuse(
          'sku_on_order',
          `data.lines.${i}.sku`,
          `order ${e.subject} has no SKU ${line.sku} (it orders ${[...order.lines.keys()].filter((k) => (order.lines!.get(k) ?? 0) > 0).join(', ')})`,
        );
      const units = delivered.get(line.sku) ?? 0;
      if (units > ordered)
        return refuse(
          'delivered_within_ordered',
          `data.lines.${i}.quantity`,
          `delivers ${units} of SKU ${line.sku}; order ${e.subject} has ${ordered} ordered (no over-delivery)`,
        );
    }
    return null;
  });
}
