/**
 * What an event posted to the API must agree with in its order (the operator-facing door only;
 * the workers' fold keeps accepting any stream, since importers' events may arrive out of order
 * through Kafka):
 * - an order event other than `sct.order.created.v1` names an order whose creation is known
 *   (rule `order_exists`, field `subject`): else the fold would make a phantom order of it;
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
export const ORDER_CONTENT_RULES = ['order_exists', 'sku_on_order', 'delivered_within_ordered'] as const;
export type OrderContentRule = (typeof ORDER_CONTENT_RULES)[number];

/** A known creation of an order: its event time and ordered quantity by SKU (null: lines unknown). */
export interface KnownOrder {
  /** Event time of the creation (an instant, any RFC 3339 form). */
  time: string;
  /** Ordered units by SKU (quantities of one SKU added up); null when not known (skip line checks). */
  lines: ReadonlyMap<string, number> | null;
}

/** Ordered units by SKU of a created event's lines (lines of one SKU added up). */
export function orderedBySku(lines: readonly { sku: string; quantity: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of lines) out.set(l.sku, (out.get(l.sku) ?? 0) + l.quantity);
  return out;
}

/** The earlier of two known creations (the fold keeps the earliest created event). */
function earlier(a: KnownOrder | undefined, b: KnownOrder): KnownOrder {
  if (!a) return b;
  return Date.parse(b.time) < Date.parse(a.time) ? b : a;
}

/** One refused event: its rule and the issue naming the field. */
export interface OrderContentVerdict {
  rule: OrderContentRule;
  issue: FieldIssue;
}

/**
 * Screens a batch in order against the orders known before it (`known`, by order id), adding
 * each created event of the batch as it goes, so a batch that creates an order before its later
 * events passes.
 * @returns one verdict per event (null = passes), in input order; each names the first broken rule
 */
export function screenOrderContents(
  events: readonly SupplyChainEvent[],
  known: ReadonlyMap<string, KnownOrder>,
): (OrderContentVerdict | null)[] {
  const orders = new Map(known);
  return events.map((e) => {
    if (e.type === EVENT_TYPES.orderCreated) {
      orders.set(
        e.subject,
        earlier(orders.get(e.subject), { time: e.time, lines: orderedBySku(e.data.lines) }),
      );
      return null;
    }
    if (!e.type.startsWith('sct.order.')) return null;
    const order = orders.get(e.subject);
    if (!order)
      return {
        rule: 'order_exists',
        issue: {
          field: 'subject',
          rule: 'order_exists',
          message: `no order ${e.subject}; send ${EVENT_TYPES.orderCreated} first`,
        },
      };
    if (e.type !== EVENT_TYPES.orderDelivered || order.lines === null) return null;
    const delivered = orderedBySku(e.data.lines);
    for (const [i, line] of e.data.lines.entries()) {
      const ordered = order.lines.get(line.sku) ?? 0;
      if (ordered === 0)
        return {
          rule: 'sku_on_order',
          issue: {
            field: `data.lines.${i}.sku`,
            rule: 'sku_on_order',
            message: `order ${e.subject} has no SKU ${line.sku} (it orders ${[...order.lines.keys()].filter((k) => (order.lines!.get(k) ?? 0) > 0).join(', ')})`,
          },
        };
      const units = delivered.get(line.sku) ?? 0;
      if (units > ordered)
        return {
          rule: 'delivered_within_ordered',
          issue: {
            field: `data.lines.${i}.quantity`,
            rule: 'delivered_within_ordered',
            message: `delivers ${units} of SKU ${line.sku}; order ${e.subject} has ${ordered} ordered (no over-delivery)`,
          },
        };
    }
    return null;
  });
}
