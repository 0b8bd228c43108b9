/**
 * The order read model as a pure fold over order events: no I/O, so state transitions are
 * unit-tested directly. Status never moves backwards (see `advanceOrderStatus`); each lifecycle
 * time keeps the earliest event time seen for it, and so does what that event carries (the
 * created event's customer, site, promise and lines; the shipment id; the delivered quantities;
 * the cancel reason): a second event of a type already seen changes nothing unless its event time
 * is earlier (DESIGN.md "State": out-of-order events are placed by event time), so the row does
 * not depend on arrival order and a re-sent `created` cannot move a promise and with it the KPIs.
 * Equal event times: the first applied stays (the partition's order, the same on a replay).
 */
import {
  advanceOrderStatus,
  EVENT_TYPES,
  ORDER_STATUS_OF_EVENT,
  siteDay,
  type OrderEvent,
  type OrderStatus,
} from '../../contracts';
import { isEarlier, maxInstant, minInstant, toUtcIso } from '../consumer-framework/time';

/** One `orders` row (snake_case = column names). Instants are UTC ISO strings. */
export interface OrderRow {
  order_id: string;
  status: OrderStatus;
  customer_id: string | null;
  warehouse_id: string | null;
  site_time_zone: string | null;
  promised_date: string | null;
  created_at: string | null;
  approved_at: string | null;
  picked_at: string | null;
  packed_at: string | null;
  shipped_at: string | null;
  delivered_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  shipment_id: string | null;
  last_event_time: string | null;
  event_count: number;
  is_drill: boolean;
  drill_id: string | null;
  created_day: string | null;
}

/** One `order_lines` row. */
export interface OrderLineRow {
  order_id: string;
  sku: string;
  quantity: number;
  delivered_quantity: number | null;
}

export interface OrderState {
  row: OrderRow;
  lines: Map<string, OrderLineRow>;
}

/** An order seen for the first time (its first event may not be `created`). */
export function emptyOrder(orderId: string): OrderState {
  return {
    row: {
      order_id: orderId,
      status: 'created',
      customer_id: null,
      warehouse_id: null,
      site_time_zone: null,
      promised_date: null,
      created_at: null,
      approved_at: null,
      picked_at: null,
      packed_at: null,
      shipped_at: null,
      delivered_at: null,
      cancelled_at: null,
      cancel_reason: null,
      shipment_id: null,
      last_event_time: null,
      event_count: 0,
      is_drill: false,
      drill_id: null,
      created_day: null,
    },
    lines: new Map(),
  };
}

/**
 * Applies one order event to a state (mutates and returns it).
 * @param state current state, or undefined for an unseen order
 */
export function applyOrderEvent(state: OrderState | undefined, event: OrderEvent): OrderState {
  const s = state ?? emptyOrder(event.subject);
  const row = s.row;
  const time = toUtcIso(event.time);
  const first = row.event_count === 0;
  row.status = first
    ? ORDER_STATUS_OF_EVENT[event.type]
    : advanceOrderStatus(row.status, ORDER_STATUS_OF_EVENT[event.type]);
  row.last_event_time = maxInstant(row.last_event_time, time);
  row.event_count += 1;
  if (first && event.drillid) {
    row.is_drill = true;
    row.drill_id = event.drillid;
  }
  switch (event.type) {
    case EVENT_TYPES.orderCreated: {
      if (!isEarlier(time, row.created_at)) break;
      row.customer_id = event.data.customerId;
      row.warehouse_id = event.data.warehouseId;
      row.site_time_zone = event.data.siteTimeZone;
      row.promised_date = event.data.promisedDate;
      row.created_at = time;
      row.created_day = siteDay(time, event.data.siteTimeZone);
      row.is_drill = Boolean(event.drillid);
      row.drill_id = event.drillid ?? null;
      // A superseded created's SKUs that this one does not order: ordered 0 (rows are upserted).
      for (const line of s.lines.values()) line.quantity = 0;
      for (const line of event.data.lines) {
        const existing = s.lines.get(line.sku);
        s.lines.set(line.sku, {
          order_id: row.order_id,
          sku: line.sku,
          quantity: sumQuantity(event.data.lines, line.sku),
          delivered_quantity: existing?.delivered_quantity ?? null,
        });
      }
      break;
    }
    case EVENT_TYPES.orderApproved:
      row.approved_at = minInstant(row.approved_at, time);
      break;
    case EVENT_TYPES.orderPicked:
      row.picked_at = minInstant(row.picked_at, time);
      break;
    case EVENT_TYPES.orderPacked:
      row.packed_at = minInstant(row.packed_at, time);
      break;
    case EVENT_TYPES.orderShipped:
      if (!isEarlier(time, row.shipped_at)) break;
      row.shipped_at = time;
      row.shipment_id = event.data.shipmentId;
      break;
    case EVENT_TYPES.orderDelivered:
      if (!isEarlier(time, row.delivered_at)) break;
      row.delivered_at = time;
      for (const line of s.lines.values()) line.delivered_quantity = null;
      for (const line of event.data.lines) {
        const existing = s.lines.get(line.sku);
        s.lines.set(line.sku, {
          order_id: row.order_id,
          sku: line.sku,
          quantity: existing?.quantity ?? 0,
          delivered_quantity: sumQuantity(event.data.lines, line.sku),
        });
      }
      break;
    case EVENT_TYPES.orderCancelled:
      if (!isEarlier(time, row.cancelled_at)) break;
      row.cancelled_at = time;
      row.cancel_reason = event.data.reason;
      break;
  }
  return s;
}

/** A SKU may appear on several lines of one event: quantities add up. */
function sumQuantity(lines: readonly { sku: string; quantity: number }[], sku: string): number {
  return lines.filter((l) => l.sku === sku).reduce((sum, l) => sum + l.quantity, 0);
}
