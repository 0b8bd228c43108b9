/**
 * The benchmark's event set: the Olist sample mapped to lifecycle events as
 * `npm run import:olist` does (created, approved, shipped, delivered, cancelled; shipment created,
 * in-transit checkpoint, delivered; an order event dated before its order's creation moved to
 * the creation's instant, as the API requires), repeated with suffixed ids (`<order id>-r1`, `-r2`, ...) until
 * the requested count is reached. Ids stay deterministic (UUID v5 of the suffixed order id and the
 * type), so two runs send the same events. The data is read from ../shared at run time, never copied.
 */
import { toKafkaMessage } from '../../runtime/kafka';
import { EVENT_TYPES, entityOfType, type SupplyChainEvent } from '../../contracts';
import { DEFAULT_SITE_TIME_ZONE, loadOlistFolder, mapOlistOrder, olistEventId } from '../olist';

/** CloudEvents `source` of the events the benchmark posts through the API. */
export const BENCH_EVENT_SOURCE = 'sct-bench';

export interface Dataset {
  /** Batches of at most `batchSize` events; an order's events (and its shipment's) never straddle two. */
  batches: SupplyChainEvent[][];
  /** The same batches as request bodies of `POST /api/events/batch`. */
  bodies: string[];
  events: number;
  /** Olist orders read, orders mapped per pass, and passes (1 = the sample once). */
  olistOrders: number;
  passes: number;
  eventsFromSample: number;
  eventsFromRepeats: number;
  byType: Record<string, number>;
  /** Read-model rows the events must produce. */
  expected: {
    orders: number;
    shipments: number;
    orderEvents: number;
    shipmentEvents: number;
    deliveredOrders: number;
  };
  orderIds: string[];
  /** Mean serialized Kafka message value size (bytes), as the pipeline produces it. */
  meanMessageBytes: number;
  /** One created event of the sample: template for the latency phase's new orders. */
  createdTemplate: SupplyChainEvent;
  mapSeconds: number;
}

/**
 * Builds at least `minEvents` events and at least `minOrders` orders (stops at an order boundary),
 * in at most `maxPasses` passes over the sample (`1`: the sample once, whatever `minEvents`).
 * @throws OlistInputError when the folder or a file is missing
 */
export async function buildDataset(
  folder: string,
  minEvents: number,
  batchSize = 1000,
  maxPasses = Number.POSITIVE_INFINITY,
  minOrders = 0,
): Promise<Dataset> {
  const started = performance.now();
  const data = await loadOlistFolder(folder);
  const ctx = { siteTimeZone: DEFAULT_SITE_TIME_ZONE, customers: data.customers, sellers: data.sellers };
  const batches: SupplyChainEvent[][] = [];
  let batch: SupplyChainEvent[] = [];
  const byType: Record<string, number> = {};
  const orderIds: string[] = [];
  const expected = { orders: 0, shipments: 0, orderEvents: 0, shipmentEvents: 0, deliveredOrders: 0 };
  let events = 0;
  let eventsFromSample = 0;
  let createdTemplate: SupplyChainEvent | null = null;
  // Map the sample once; repeats are the same events under suffixed ids (see repeatOrder).
  const sample: { orderId: string; events: SupplyChainEvent[] }[] = [];
  for (const order of data.orders) {
    const mapped = mapOlistOrder(order, data.itemsByOrder.get(order.order_id) ?? [], ctx);
    // Posted through the API, which refuses the importer's source (contracts/event-sources.ts)
    // and an order event dated before its order's creation (contracts/order-contents.ts
    // `after_creation`; the sample has hand-overs and approvals minutes before the purchase): the
    // bench's own source, such times moved to the creation's instant, the events otherwise as
    // the importer maps them (it keeps the times as they are).
    if (mapped.kind === 'mapped') {
      const created = mapped.events.find((e) => e.type === EVENT_TYPES.orderCreated)?.time;
      const notBefore = (e: SupplyChainEvent): string =>
        created && entityOfType(e.type) === 'order' && Date.parse(e.time) < Date.parse(created)
          ? created
          : e.time;
      sample.push({
        orderId: mapped.orderId,
        events: mapped.events.map((e) => ({ ...e, source: BENCH_EVENT_SOURCE, time: notBefore(e) })),
      });
    }
  }
  if (sample.length === 0) throw new Error(`no Olist order in ${folder} maps to events`);
  let pass = 0;
  const enough = () => events >= minEvents && expected.orders >= minOrders;
  for (; !enough() && pass < maxPasses; pass++) {
    for (const order of sample) {
      if (enough()) break;
      const orderId = pass === 0 ? order.orderId : `${order.orderId}-r${pass}`;
      const orderEvents = pass === 0 ? order.events : repeatOrder(order.orderId, orderId, order.events);
      if (batch.length > 0 && batch.length + orderEvents.length > batchSize) {
        batches.push(batch);
        batch = [];
      }
      batch.push(...orderEvents);
      orderIds.push(orderId);
      expected.orders += 1;
      for (const e of orderEvents) {
        byType[e.type] = (byType[e.type] ?? 0) + 1;
        if (entityOfType(e.type) === 'order') expected.orderEvents += 1;
        else expected.shipmentEvents += 1;
        if (e.type === EVENT_TYPES.shipmentCreated) expected.shipments += 1;
        if (e.type === EVENT_TYPES.orderDelivered) expected.deliveredOrders += 1;
        if (e.type === EVENT_TYPES.orderCreated && !createdTemplate) createdTemplate = e;
      }
      events += orderEvents.length;
      if (pass === 0) eventsFromSample += orderEvents.length;
    }
  }
  if (batch.length > 0) batches.push(batch);
  let bytes = 0;
  let counted = 0;
  for (const b of batches.slice(0, 20)) {
    for (const e of b) {
      bytes += toKafkaMessage(e).value.length;
      counted += 1;
    }
  }
  return {
    batches,
    bodies: batches.map((b) => JSON.stringify({ events: b })),
    events,
    olistOrders: data.orders.length,
    passes: pass,
    eventsFromSample,
    eventsFromRepeats: events - eventsFromSample,
    byType,
    expected,
    orderIds,
    meanMessageBytes: counted > 0 ? bytes / counted : 0,
    createdTemplate: createdTemplate!,
    mapSeconds: (performance.now() - started) / 1000,
  };
}

/**
 * The events `mapOlistOrder` gives for the order row with id `newId` instead of `oldId`: the same
 * events with every occurrence of the order id (subject, shipment id `shp-<id>`, `data.orderId`)
 * replaced and the deterministic event ids recomputed. Mapping the row again would give the same
 * (dataset.test.ts checks it), only much slower (time-zone math per timestamp).
 */
export function repeatOrder(
  oldId: string,
  newId: string,
  events: readonly SupplyChainEvent[],
): SupplyChainEvent[] {
  return events.map((e) => {
    const copy = JSON.parse(
      JSON.stringify(e).split(`"${oldId}"`).join(`"${newId}"`).split(`"shp-${oldId}"`).join(`"shp-${newId}"`),
    ) as SupplyChainEvent;
    copy.id = olistEventId(newId, e.type);
    return copy;
  });
}
