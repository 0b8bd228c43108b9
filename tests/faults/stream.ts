/**
 * The fault suite's fixed event stream (seeded, so every run sends the same events) and its
 * expected end state computed by a pure replay: the workers' own folds applied in memory, with
 * duplicates removed by event id, no Kafka, no database.
 */
import { randomUUID } from 'node:crypto';
import type { OrderEvent, ShipmentEvent, SupplyChainEvent } from '../../contracts';
import { applyFactEvent, type FactRow } from '../../workers/analytics-aggregator/fact-state';
import { applyOrderEvent, type OrderState } from '../../workers/order-processor/order-state';
import { applyShipmentEvent, type ShipmentRow } from '../../workers/shipment-tracker/shipment-state';
import { seededRandom } from '../../server/drills/generators';

/** The seeded PRNG (the stream must be the same on every run). */
export { seededRandom };

const HOUR = 3_600_000;

/**
 * `orders` orders, each with created, approved, picked, shipped and delivered (or cancelled)
 * events and a shipment with created, checkpoints and delivery; about 10% late (out-of-order)
 * events and 5% re-sent duplicates (same id). Ids carry `tag` so runs never collide.
 */
export function generateStream(orders: number, tag: string, seed = 42): SupplyChainEvent[] {
  const rnd = seededRandom(seed);
  const out: SupplyChainEvent[] = [];
  const base = Date.UTC(2024, 5, 1);
  const iso = (ms: number) => new Date(ms).toISOString();
  const id = () => {
    // Seeded UUID-shaped ids keep the stream reproducible.
    const hex = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  for (let i = 0; i < orders; i++) {
    const orderId = `F${tag}-${i}`;
    const shipmentId = `S${tag}-${i}`;
    const created = base + Math.floor(rnd() * 60 * 24) * HOUR;
    const promised = new Date(created + (3 + Math.floor(rnd() * 5)) * 24 * HOUR).toISOString().slice(0, 10);
    const qty = 1 + Math.floor(rnd() * 3);
    const cancelled = rnd() < 0.05;
    const o = (type: string, t: number, data: unknown) =>
      ({
        specversion: '1.0',
        id: id(),
        source: 'faults',
        type,
        subject: orderId,
        time: iso(t),
        data,
      }) as SupplyChainEvent;
    const s = (type: string, t: number, data: unknown) =>
      ({
        specversion: '1.0',
        id: id(),
        source: 'faults',
        type,
        subject: shipmentId,
        time: iso(t),
        data,
      }) as SupplyChainEvent;
    const orderEvents: SupplyChainEvent[] = [
      o('sct.order.created.v1', created, {
        customerId: `c${i % 97}`,
        warehouseId: `w${i % 3}`,
        siteTimeZone: 'America/Sao_Paulo',
        promisedDate: promised,
        lines: [{ sku: `SKU-${i % 50}`, quantity: qty }],
      }),
      o('sct.order.approved.v1', created + HOUR, {}),
      o('sct.order.picked.v1', created + 5 * HOUR, {}),
    ];
    const shipmentEvents: SupplyChainEvent[] = [];
    if (cancelled) {
      orderEvents.push(o('sct.order.cancelled.v1', created + 6 * HOUR, { reason: 'customer request' }));
    } else {
      const shipped = created + 24 * HOUR;
      const delivered = shipped + (1 + Math.floor(rnd() * 8 * 24)) * HOUR;
      const full = rnd() < 0.9;
      orderEvents.push(
        o('sct.order.shipped.v1', shipped, { shipmentId }),
        o('sct.order.delivered.v1', delivered, {
          lines: [{ sku: `SKU-${i % 50}`, quantity: full ? qty : qty - 1 }],
        }),
      );
      shipmentEvents.push(
        s('sct.shipment.created.v1', shipped, {
          orderId,
          carrier: 'UPS',
          trackingNumber: `1Z${i}`,
          origin: 'Campinas',
          destination: 'Curitiba',
          promisedDate: promised,
        }),
        s('sct.shipment.checkpoint.v1', shipped + 6 * HOUR, { status: 'in_transit', location: 'Hub' }),
        s('sct.shipment.delivered.v1', delivered, {}),
      );
      if (rnd() < 0.1)
        shipmentEvents.push(
          s('sct.shipment.checkpoint.v1', shipped + 12 * HOUR, {
            status: 'in_transit',
            location: 'Late scan',
          }),
        );
    }
    if (rnd() < 0.1) orderEvents.push(orderEvents.splice(1, 1)[0]!); // approved arrives last (late)
    out.push(...orderEvents, ...shipmentEvents);
    if (rnd() < 0.05) out.push(orderEvents[0]!); // a re-sent duplicate (same id)
  }
  return out;
}

export interface ExpectedState {
  orders: Map<string, OrderState>;
  shipments: Map<string, ShipmentRow>;
  facts: Map<string, FactRow>;
  unique: number;
}

/** Pure replay: the workers' folds over the stream, each event id applied once. */
export function expectedState(stream: SupplyChainEvent[]): ExpectedState {
  const seen = new Set<string>();
  const orders = new Map<string, OrderState>();
  const shipments = new Map<string, ShipmentRow>();
  const facts = new Map<string, FactRow>();
  for (const event of stream) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    if (event.type.startsWith('sct.order.')) {
      const e = event as OrderEvent;
      orders.set(e.subject, applyOrderEvent(orders.get(e.subject), e));
      facts.set(e.subject, applyFactEvent(facts.get(e.subject), e, facts.has(e.subject)));
    } else {
      const e = event as ShipmentEvent;
      shipments.set(e.subject, applyShipmentEvent(shipments.get(e.subject), e));
    }
  }
  return { orders, shipments, facts, unique: seen.size };
}

/** A random UUID for one-off events (not part of the fixed stream). */
export const freshId = () => randomUUID();
