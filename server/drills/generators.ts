/**
 * Drill event generators (contracts/drills.ts DRILL_GENERATORS): pure functions from a run's
 * identity, seed, parameters and event-time anchor to the ordered list of events the run sends.
 *
 * Rules every generator keeps (unit tests check each one):
 * - deterministic: the same input gives the same events, byte for byte (a seeded PRNG, no clock);
 * - only valid events: each one passes contracts/events.ts `validateEvent`;
 * - only the drill's own entities: every subject (and every order id a shipment names) is an id
 *   this run creates, `<prefix>-O<n>` / `<prefix>-S<n>` with the prefix from the run id, so a drill
 *   can never touch real traffic;
 * - every event carries the run's drill id, and its id is a UUID v5 of (run id, step): a resumed
 *   run re-sends a step with the same id, and the workers apply it once;
 * - events are sent in event-time order (ties kept in generation order), and one entity's events
 *   are in lifecycle order.
 *
 * Event times are instants (UTC) measured from the anchor (the run's start plus `timeShiftHours`);
 * the promised day is a site-time calendar day (contracts/site-time.ts) of `siteTimeZone`.
 */
import { v5 as uuidv5 } from 'uuid';
import {
  addDays,
  affectedCount,
  DRILL_RUNNER_SOURCE,
  EVENT_TYPES,
  siteDay,
  type DrillGenerator,
  type ResolvedDrillParameters,
  type SupplyChainEvent,
} from '../../contracts';

/** Namespace of drill event ids (UUID v5 of `<run id>:<step>`); fixed forever, changing it breaks resumes. */
export const DRILL_EVENT_NAMESPACE = '6f1e4a52-8d0b-5c7e-9a43-2b8f1d7c0e91';

/** CloudEvents `source` of drill events (registered in contracts/event-sources.ts). */
export const DRILL_EVENT_SOURCE = DRILL_RUNNER_SOURCE;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** What a generator needs: who the run is, its seed, its parameters and its event-time anchor. */
export interface GeneratorInput {
  /** The run's id (UUID): event ids and entity ids derive from it. */
  runId: string;
  /** The CloudEvents `drillid` every event carries. */
  drillId: string;
  seed: number;
  parameters: ResolvedDrillParameters;
  /** Event time of the drill's first order (ms since the epoch, UTC). */
  anchorMs: number;
}

/** A generated drill: its events in sending order (index = step) and the entities it creates. */
export interface DrillPlan {
  events: SupplyChainEvent[];
  orderIds: string[];
  shipmentIds: string[];
}

/** The id prefix of a run's entities: `DRL-` and the first 12 hex digits of the run id. */
export function entityPrefix(runId: string): string {
  return `DRL-${runId.replace(/-/g, '').slice(0, 12).toUpperCase()}`;
}

/** The event id of step `step` of run `runId` (UUID v5, lowercase). */
export function drillEventId(runId: string, step: number): string {
  return uuidv5(`${runId}:${step}`, DRILL_EVENT_NAMESPACE);
}

/**
 * mulberry32: a small, fast, seeded PRNG; returns floats in [0, 1). The project's one seeded
 * generator (drill plans; the tests' reproducible random data use it too).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An event before it gets its step's id: type, subject, event time (ms) and data. */
interface Draft {
  type: SupplyChainEvent['type'];
  subject: string;
  at: number;
  data: Record<string, unknown>;
}

const DESTINATIONS = [
  'Recife, PE',
  'Curitiba, PR',
  'Salvador, BA',
  'Belo Horizonte, MG',
  'Porto Alegre, RS',
  'Fortaleza, CE',
];
const SKUS = ['SKU-DRILL-A', 'SKU-DRILL-B', 'SKU-DRILL-C', 'SKU-DRILL-D', 'SKU-DRILL-E'];

/** Per-order context shared by the scenario builders. */
interface OrderCtx {
  index: number;
  orderId: string;
  shipmentId: string;
  customerId: string;
  created: number;
  promisedDate: string;
  lines: { sku: string; quantity: number }[];
  destination: string;
}

/**
 * Builds the events of one run.
 * @throws Error for an unknown generator (the library's schema makes that unreachable)
 */
export function generateDrill(generator: DrillGenerator, input: GeneratorInput): DrillPlan {
  const p = input.parameters;
  const rnd = seededRandom(input.seed);
  const prefix = entityPrefix(input.runId);
  const n = p.orders;
  const affected = affectedCount(n, p.affectedPercent);
  // Which orders the incident hits: a seeded shuffle, so they are spread over the wave.
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const hit = new Set(order.slice(0, affected));
  const spanMs = p.durationMinutes * 60_000;
  const drafts: Draft[] = [];
  const orderIds: string[] = [];
  const shipmentIds: string[] = [];
  const pad = String(n).length;
  for (let i = 0; i < n; i++) {
    const num = String(i + 1).padStart(pad, '0');
    // Orders spread evenly over the wave, each moved by up to half a slot (whole seconds).
    const slot = spanMs / n;
    const created = input.anchorMs + Math.floor((i * slot + rnd() * slot * 0.5) / 1000) * 1000;
    const lineCount = 1 + Math.floor(rnd() * 3);
    const lines = Array.from({ length: lineCount }, (_, k) => ({
      sku: SKUS[(i + k) % SKUS.length]!,
      quantity: 1 + Math.floor(rnd() * 5),
    }));
    const ctx: OrderCtx = {
      index: i,
      orderId: `${prefix}-O${num}`,
      shipmentId: `${prefix}-S${num}`,
      customerId: `${prefix}-C${num}`,
      created,
      promisedDate: addDays(siteDay(new Date(created).toISOString(), p.siteTimeZone), p.promiseDays),
      lines,
      destination: DESTINATIONS[Math.floor(rnd() * DESTINATIONS.length)]!,
    };
    orderIds.push(ctx.orderId);
    const shipped = SCENARIOS[generator](ctx, p, hit.has(i), drafts);
    if (shipped) shipmentIds.push(ctx.shipmentId);
  }
  // Event-time order; ties keep generation order (lifecycle order within an entity).
  const sorted = drafts.map((d, i) => ({ d, i })).sort((a, b) => a.d.at - b.d.at || a.i - b.i);
  const events = sorted.map(({ d }, step) => {
    return {
      specversion: '1.0',
      id: drillEventId(input.runId, step),
      source: DRILL_EVENT_SOURCE,
      type: d.type,
      subject: d.subject,
      time: new Date(d.at).toISOString(),
      datacontenttype: 'application/json',
      drillid: input.drillId,
      data: d.data,
    } as SupplyChainEvent;
  });
  return { events, orderIds, shipmentIds };
}

/** Adds the order's creation and approval. */
function createAndApprove(c: OrderCtx, p: ResolvedDrillParameters, out: Draft[]): void {
  out.push({
    type: EVENT_TYPES.orderCreated,
    subject: c.orderId,
    at: c.created,
    data: {
      customerId: c.customerId,
      warehouseId: p.warehouseId,
      siteTimeZone: p.siteTimeZone,
      promisedDate: c.promisedDate,
      lines: c.lines,
    },
  });
  out.push({
    type: EVENT_TYPES.orderApproved,
    subject: c.orderId,
    at: c.created + 30 * 60_000,
    data: { approvedBy: 'drill' },
  });
}

/** Adds picking, packing, the hand-over to the carrier and the shipment's creation and first scan, from `start`. */
function shipOrder(c: OrderCtx, p: ResolvedDrillParameters, start: number, out: Draft[]): void {
  out.push({
    type: EVENT_TYPES.orderPicked,
    subject: c.orderId,
    at: start,
    data: { pickerId: 'drill-picker' },
  });
  out.push({
    type: EVENT_TYPES.orderPacked,
    subject: c.orderId,
    at: start + HOUR_MS,
    data: { packageCount: 1 },
  });
  const handover = start + 2 * HOUR_MS;
  out.push({
    type: EVENT_TYPES.orderShipped,
    subject: c.orderId,
    at: handover,
    data: { shipmentId: c.shipmentId, carrier: p.carrier },
  });
  out.push({
    type: EVENT_TYPES.shipmentCreated,
    subject: c.shipmentId,
    at: handover,
    data: {
      orderId: c.orderId,
      carrier: p.carrier,
      trackingNumber: `${c.shipmentId}-TRK`,
      origin: p.warehouseId,
      destination: c.destination,
      promisedDate: c.promisedDate,
    },
  });
  out.push({
    type: EVENT_TYPES.shipmentCheckpoint,
    subject: c.shipmentId,
    at: handover + HOUR_MS,
    data: { status: 'in_transit', location: p.warehouseId, message: 'Departed origin facility' },
  });
}

/** Adds the delivery of the shipment and of the order (every line in full) at `at`. */
function deliver(c: OrderCtx, at: number, out: Draft[]): void {
  out.push({
    type: EVENT_TYPES.shipmentDelivered,
    subject: c.shipmentId,
    at,
    data: { location: c.destination, signedBy: 'drill' },
  });
  out.push({ type: EVENT_TYPES.orderDelivered, subject: c.orderId, at, data: { lines: c.lines } });
}

/** On time: 12 h before the promised day's creation hour, which is on or before the promised day in any zone. */
function onTimeDelivery(c: OrderCtx, p: ResolvedDrillParameters): number {
  return c.created + p.promiseDays * DAY_MS - 12 * HOUR_MS;
}

/** Late: `delayDays` whole days after the promised day's creation hour, plus an hour (DST-proof). */
function lateDelivery(c: OrderCtx, p: ResolvedDrillParameters, delayDays: number): number {
  return c.created + (p.promiseDays + delayDays) * DAY_MS + HOUR_MS;
}

type Builder = (c: OrderCtx, p: ResolvedDrillParameters, hit: boolean, out: Draft[]) => boolean;

/** One builder per generator: adds one order's events; returns whether the order got a shipment. */
const SCENARIOS: Record<DrillGenerator, Builder> = {
  carrier_delay_wave(c, p, hit, out) {
    createAndApprove(c, p, out);
    shipOrder(c, p, c.created + HOUR_MS, out);
    if (hit) {
      const late = lateDelivery(c, p, p.delayDays);
      out.push({
        type: EVENT_TYPES.shipmentEtaUpdated,
        subject: c.shipmentId,
        at: c.created + 5 * HOUR_MS,
        data: { eta: new Date(late).toISOString() },
      });
      out.push({
        type: EVENT_TYPES.shipmentCheckpoint,
        subject: c.shipmentId,
        at: c.created + 6 * HOUR_MS,
        data: {
          status: 'in_transit',
          location: 'Carrier hub',
          message: `Delayed: ${p.carrier} network congestion`,
          carrierCode: 'DELAY',
        },
      });
      deliver(c, late, out);
    } else {
      deliver(c, onTimeDelivery(c, p), out);
    }
    return true;
  },

  warehouse_surge(c, p, _hit, out) {
    createAndApprove(c, p, out);
    return false;
  },

  lost_parcel(c, p, _hit, out) {
    createAndApprove(c, p, out);
    shipOrder(c, p, c.created + HOUR_MS, out);
    out.push({
      type: EVENT_TYPES.shipmentException,
      subject: c.shipmentId,
      at: c.created + 30 * HOUR_MS,
      data: {
        reasonCode: 'LOST',
        message: 'Parcel not found at the last scan location',
        carrierCode: 'LOST',
      },
    });
    return true;
  },

  site_closure(c, p, hit, out) {
    createAndApprove(c, p, out);
    if (hit) {
      out.push({
        type: EVENT_TYPES.orderCancelled,
        subject: c.orderId,
        at: c.created + 2 * HOUR_MS,
        data: { reason: `site closed: ${p.warehouseId}` },
      });
      return false;
    }
    // The rest waits for the site to reopen, then ships and arrives late.
    const late = lateDelivery(c, p, p.delayDays);
    shipOrder(c, p, late - 12 * HOUR_MS, out);
    deliver(c, late, out);
    return true;
  },

  failed_delivery_spike(c, p, hit, out) {
    createAndApprove(c, p, out);
    shipOrder(c, p, c.created + HOUR_MS, out);
    const attempt = onTimeDelivery(c, p);
    out.push({
      type: EVENT_TYPES.shipmentCheckpoint,
      subject: c.shipmentId,
      at: attempt - 2 * HOUR_MS,
      data: { status: 'out_for_delivery', location: c.destination, message: 'Out for delivery' },
    });
    out.push({
      type: EVENT_TYPES.shipmentCheckpoint,
      subject: c.shipmentId,
      at: attempt,
      data: {
        status: 'failed_attempt',
        location: c.destination,
        message: 'Recipient absent',
        carrierCode: 'RECIPIENT_ABSENT',
      },
    });
    // Redelivered ones arrive on a second attempt the day after the promised day (late).
    if (hit) deliver(c, lateDelivery(c, p, 1), out);
    return true;
  },
};

/** Events per CloudEvents type, in first-seen order. */
export function countByType(events: readonly SupplyChainEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
}
