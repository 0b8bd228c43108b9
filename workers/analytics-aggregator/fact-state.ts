/**
 * KPI facts of one order as a pure fold over its order events (analytics-aggregator). The derived
 * columns (site days, on time, in full, cycle time) are recomputed from the instants after every
 * fold, so the order in which events arrive does not matter.
 */
import {
  advanceOrderStatus,
  EVENT_TYPES,
  ORDER_STATUS_OF_EVENT,
  type OrderEvent,
  isOnTime,
  siteDay,
  type OrderStatus,
} from '../../contracts';
import { isEarlier, minInstant, toUtcIso } from '../consumer-framework/time';
import { cycleTimeMs, isInFull, type QuantityBySku } from './kpi';

/** One `order_facts` row. */
export interface FactRow {
  order_id: string;
  status: OrderStatus;
  /** The order's site, from its OrderCreated event (the orders read model folds the same field). */
  warehouse_id: string | null;
  site_time_zone: string | null;
  promised_date: string | null;
  created_at: string | null;
  shipped_at: string | null;
  delivered_at: string | null;
  created_day: string | null;
  shipped_day: string | null;
  delivered_day: string | null;
  ordered_lines: QuantityBySku;
  delivered_lines: QuantityBySku | null;
  on_time: boolean | null;
  in_full: boolean | null;
  cycle_time_ms: number | null;
  is_drill: boolean;
  /** The drill that owns the order (its first event's `drillid`), null for live traffic. */
  drill_id: string | null;
  /** The partition its events are read from (set by the projection; a drill's purge goes by it). */
  kafka_partition: number | null;
}

export function emptyFacts(orderId: string): FactRow {
  return {
    order_id: orderId,
    status: 'created',
    warehouse_id: null,
    site_time_zone: null,
    promised_date: null,
    created_at: null,
    shipped_at: null,
    delivered_at: null,
    created_day: null,
    shipped_day: null,
    delivered_day: null,
    ordered_lines: {},
    delivered_lines: null,
    on_time: null,
    in_full: null,
    cycle_time_ms: null,
    is_drill: false,
    drill_id: null,
    kafka_partition: null,
  };
}

/** Applies one order event to the facts (mutates and returns them). `seen` = events before this one. */
export function applyFactEvent(
  current: FactRow | undefined,
  event: OrderEvent,
  seenBefore: boolean,
): FactRow {
  return derive(foldFactEvent(current, event, seenBefore));
}

/**
 * {@link applyFactEvent} without recomputing the derived columns: folding several events of one
 * order and calling {@link derive} once gives the same row (the fold reads no derived column)
 * with one site-time conversion per order instead of one per event.
 */
export function foldFactEvent(current: FactRow | undefined, event: OrderEvent, seenBefore: boolean): FactRow {
  const f = current ?? emptyFacts(event.subject);
  const time = toUtcIso(event.time);
  const status = ORDER_STATUS_OF_EVENT[event.type];
  f.status = seenBefore ? advanceOrderStatus(f.status, status) : status;
  if (!seenBefore && event.drillid) {
    f.is_drill = true;
    f.drill_id = event.drillid;
  }
  switch (event.type) {
    case EVENT_TYPES.orderCreated: {
      // The earliest created wins, as in the order row (workers/order-processor/order-state.ts).
      if (!isEarlier(time, f.created_at)) break;
      f.warehouse_id = event.data.warehouseId;
      f.site_time_zone = event.data.siteTimeZone;
      f.promised_date = event.data.promisedDate;
      f.created_at = time;
      f.is_drill = Boolean(event.drillid);
      f.drill_id = event.drillid ?? null;
      const ordered: QuantityBySku = {};
      for (const l of event.data.lines) ordered[l.sku] = (ordered[l.sku] ?? 0) + l.quantity;
      f.ordered_lines = ordered;
      break;
    }
    case EVENT_TYPES.orderShipped:
      f.shipped_at = minInstant(f.shipped_at, time);
      break;
    case EVENT_TYPES.orderDelivered: {
      if (!isEarlier(time, f.delivered_at)) break;
      f.delivered_at = time;
      const delivered: QuantityBySku = {};
      for (const l of event.data.lines) delivered[l.sku] = (delivered[l.sku] ?? 0) + l.quantity;
      f.delivered_lines = delivered;
      break;
    }
    default:
      break;
  }
  return f;
}

/** Recomputes every derived column from the instants, the promise and the site time zone. */
export function derive(f: FactRow): FactRow {
  const tz = f.site_time_zone;
  f.created_day = tz && f.created_at ? siteDay(f.created_at, tz) : null;
  f.shipped_day = tz && f.shipped_at ? siteDay(f.shipped_at, tz) : null;
  const delivered = f.status === 'delivered' && f.delivered_at !== null;
  f.delivered_day = delivered && tz ? siteDay(f.delivered_at!, tz) : null;
  f.on_time = delivered && tz && f.promised_date ? isOnTime(f.delivered_at!, f.promised_date, tz) : null;
  f.in_full = delivered && f.delivered_lines ? isInFull(f.ordered_lines, f.delivered_lines) : null;
  f.cycle_time_ms = delivered && f.created_at ? cycleTimeMs(f.created_at, f.delivered_at!) : null;
  return f;
}
