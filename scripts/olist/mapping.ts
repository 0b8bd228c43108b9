/**
 * Maps one Olist order to its lifecycle CloudEvents at their real event times (pure: no I/O).
 *
 * Per order, in lifecycle order:
 * - `sct.order.created.v1` at order_purchase_timestamp (lines = items grouped by product_id,
 *   quantity = number of item rows; warehouse = seller of the first item; promised date = the
 *   date part of order_estimated_delivery_date);
 * - `sct.order.approved.v1` at order_approved_at;
 * - `sct.order.shipped.v1` at order_delivered_carrier_date (shipment `shp-<order_id>`), with the
 *   shipment's `created` and an `in_transit` checkpoint at the same hand-over time;
 * - `sct.order.delivered.v1` at order_delivered_customer_date (delivered lines = ordered lines),
 *   with the shipment's `delivered`;
 * - `sct.order.cancelled.v1` for status canceled/unavailable, at the latest known timestamp.
 *
 * Source-data inconsistencies are imported as they are (events at their real times) and named in
 * `inconsistencies`; an order that cannot become valid events is skipped with a reason.
 */
import {
  EVENT_SOURCES,
  EVENT_TYPES,
  validateEvent,
  type EventType,
  type SupplyChainEvent,
} from '../../contracts';
import { olistEventId } from './ids';
import type { OlistItemRow, OlistOrderRow, OlistPlace } from './read';
import { datePart, localToInstant, type PlacedInstant } from './time';

/** CloudEvents `source` of every imported event. */
export const OLIST_SOURCE = EVENT_SOURCES.olistImport.source;
export const OLIST_CARRIER = 'olist-logistics';
/** Warehouse id of an order without items (never published: such orders are skipped). */
export const FALLBACK_WAREHOUSE = 'olist';
export const DEFAULT_SITE_TIME_ZONE = 'America/Sao_Paulo';

/** Olist statuses that end an order without delivery. */
export const CANCELLED_STATUSES = new Set(['canceled', 'unavailable']);

/** Kinds of source-data inconsistency the import reports (and imports as they are). */
export const INCONSISTENCY_KINDS = {
  handover_before_approval: 'carrier hand-over before approval',
  delivery_before_handover: 'delivery before carrier hand-over',
  delivered_without_delivery_date: 'status delivered but no delivery date (no delivered event)',
  handover_before_purchase: 'carrier hand-over before purchase',
  delivery_before_purchase: 'delivery before purchase',
  approval_before_purchase: 'approval before purchase',
  handed_over_without_approval: 'handed over or delivered without an approval time (no approved event)',
  delivered_without_handover: 'delivered without a carrier hand-over time (no shipment)',
  cancelled_after_handover: 'cancelled after carrier hand-over (shipment stays in transit)',
  ambiguous_local_time: 'local time repeated at a daylight-saving fall-back (earlier instant taken)',
  nonexistent_local_time: 'local time skipped at a daylight-saving spring-forward (shifted forward)',
  customer_not_found: 'customer not in the customers file (destination "unknown")',
  seller_not_found: 'seller not in the sellers file (origin "unknown")',
} as const;
export type InconsistencyKind = keyof typeof INCONSISTENCY_KINDS;

export interface MappingContext {
  /** IANA zone of the Olist local times (default America/Sao_Paulo). */
  siteTimeZone: string;
  customers: ReadonlyMap<string, OlistPlace>;
  sellers: ReadonlyMap<string, OlistPlace>;
}

export type MappedOrder =
  | { kind: 'mapped'; orderId: string; events: SupplyChainEvent[]; inconsistencies: InconsistencyKind[] }
  | { kind: 'skipped'; orderId: string; reason: string; inconsistencies: InconsistencyKind[] };

/** `shp-<order id>`: the shipment of an Olist order. */
export function shipmentIdOf(orderId: string): string {
  return `shp-${orderId}`;
}

/** `OL` + the first 10 characters of the order id, upper case. */
export function trackingNumberOf(orderId: string): string {
  return `OL${orderId.slice(0, 10).toUpperCase()}`;
}

function placeText(place: OlistPlace | undefined): string | null {
  if (!place) return null;
  const text = [place.city, place.state].filter((s) => s && s.trim() !== '').join('/');
  return text === '' ? null : text;
}

/** Order lines: items grouped by product_id, quantity = number of item rows, in first-seen order. */
export function linesOf(items: readonly OlistItemRow[]): { sku: string; quantity: number }[] {
  const bySku = new Map<string, number>();
  for (const item of items) bySku.set(item.product_id, (bySku.get(item.product_id) ?? 0) + 1);
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
}

/**
 * Maps one order.
 * @param order the order row
 * @param items its item rows (first item first)
 * @param ctx site time zone and the customer/seller places
 */
export function mapOlistOrder(
  order: OlistOrderRow,
  items: readonly OlistItemRow[],
  ctx: MappingContext,
): MappedOrder {
  const orderId = order.order_id.trim();
  const tz = ctx.siteTimeZone;
  const issues: InconsistencyKind[] = [];
  const note = (kind: InconsistencyKind) => {
    if (!issues.includes(kind)) issues.push(kind);
  };
  const skip = (reason: string): MappedOrder => ({
    kind: 'skipped',
    orderId,
    reason,
    inconsistencies: issues,
  });

  if (orderId === '') return skip('missing order_id');
  const times: Record<'purchase' | 'approved' | 'handover' | 'delivered', PlacedInstant | null> = {
    purchase: null,
    approved: null,
    handover: null,
    delivered: null,
  };
  const columns = {
    purchase: 'order_purchase_timestamp',
    approved: 'order_approved_at',
    handover: 'order_delivered_carrier_date',
    delivered: 'order_delivered_customer_date',
  } as const;
  for (const [key, column] of Object.entries(columns) as [
    keyof typeof columns,
    (typeof columns)[keyof typeof columns],
  ][]) {
    const raw = order[column] ?? '';
    if (raw.trim() === '') continue;
    const placed = localToInstant(raw, tz);
    if (!placed) return skip(`unparseable ${column}`);
    if (placed.note === 'ambiguous') note('ambiguous_local_time');
    if (placed.note === 'gap') note('nonexistent_local_time');
    times[key] = placed;
  }
  const { purchase, approved, handover, delivered } = times;
  if (!purchase) return skip('missing order_purchase_timestamp');
  const promisedDate = datePart(order.order_estimated_delivery_date ?? '');
  if (!promisedDate) return skip('missing or unparseable order_estimated_delivery_date');
  if (items.length === 0) return skip('no items (order.created needs at least one line)');

  const status = order.order_status.trim();
  // Inconsistencies of the source data: imported as they are, reported by kind.
  if (approved && handover && handover.ms < approved.ms) note('handover_before_approval');
  if (handover && delivered && delivered.ms < handover.ms) note('delivery_before_handover');
  if (handover && handover.ms < purchase.ms) note('handover_before_purchase');
  if (delivered && delivered.ms < purchase.ms) note('delivery_before_purchase');
  if (approved && approved.ms < purchase.ms) note('approval_before_purchase');
  if (!approved && (handover || delivered)) note('handed_over_without_approval');
  if (status === 'delivered' && !delivered) note('delivered_without_delivery_date');
  if (delivered && !handover) note('delivered_without_handover');
  const cancelled = CANCELLED_STATUSES.has(status);
  if (cancelled && handover) note('cancelled_after_handover');

  const customer = ctx.customers.get(order.customer_id);
  if (!customer) note('customer_not_found');
  const firstSeller = items[0]!.seller_id;
  const seller = ctx.sellers.get(firstSeller);
  if (!seller) note('seller_not_found');
  const lines = linesOf(items);
  const shipmentId = shipmentIdOf(orderId);

  const raw: { type: EventType; subject: string; time: string; data: unknown }[] = [];
  const add = (type: EventType, subject: string, at: PlacedInstant, data: unknown) =>
    raw.push({ type, subject, time: at.iso, data });

  add(EVENT_TYPES.orderCreated, orderId, purchase, {
    customerId: order.customer_id,
    warehouseId: firstSeller || FALLBACK_WAREHOUSE,
    siteTimeZone: tz,
    promisedDate,
    lines,
  });
  if (approved) add(EVENT_TYPES.orderApproved, orderId, approved, {});
  if (handover) {
    add(EVENT_TYPES.orderShipped, orderId, handover, { shipmentId, carrier: OLIST_CARRIER });
    const origin = placeText(seller) ?? 'unknown';
    add(EVENT_TYPES.shipmentCreated, shipmentId, handover, {
      orderId,
      carrier: OLIST_CARRIER,
      trackingNumber: trackingNumberOf(orderId),
      origin,
      destination: placeText(customer) ?? 'unknown',
      promisedDate,
    });
    add(EVENT_TYPES.shipmentCheckpoint, shipmentId, handover, {
      status: 'in_transit',
      location: origin,
      message: 'handed over to the carrier',
    });
  }
  if (delivered) {
    add(EVENT_TYPES.orderDelivered, orderId, delivered, { lines: lines.map((l) => ({ ...l })) });
    if (handover)
      add(EVENT_TYPES.shipmentDelivered, shipmentId, delivered, {
        location: placeText(customer) ?? 'unknown',
      });
  }
  if (cancelled) {
    const latest = [purchase, approved, handover, delivered]
      .filter((t): t is PlacedInstant => t !== null)
      .reduce((a, b) => (b.ms > a.ms ? b : a));
    add(EVENT_TYPES.orderCancelled, orderId, latest, { reason: `olist status ${status}` });
  }

  const events: SupplyChainEvent[] = [];
  for (const r of raw) {
    const result = validateEvent({
      specversion: '1.0',
      id: olistEventId(orderId, r.type),
      source: OLIST_SOURCE,
      type: r.type,
      subject: r.subject,
      time: r.time,
      datacontenttype: 'application/json',
      data: r.data,
    });
    if (!result.ok) {
      const first = result.issues[0]!;
      return skip(`invalid ${r.type}: ${first.field} ${first.message}`);
    }
    events.push(result.event);
  }
  return { kind: 'mapped', orderId, events, inconsistencies: issues };
}
