import { describe, expect, it } from 'vitest';
import {
  advanceOrderStatus,
  EXCEPTION_SHIPMENT_STATUSES,
  isOnTime,
  ORDER_STATUS_OF_EVENT,
  resolveParameters,
  screenOrderContents,
  type DrillMetric,
  type OrderEvent,
  type OrderStatus,
  type ResolvedDrillParameters,
  type ScenarioDefinition,
  type SupplyChainEvent,
} from '../../contracts';
import { drillEventId, entityPrefix, generateDrill } from './generators';
import { expectedOutcome, loadScenarioLibrary } from './library';
import { checkPlan, drillIdOf } from './runner';

const RUN_ID = '3b9f6c1e-2d4a-4f5b-8c7d-9e0f1a2b3c4d';
const ANCHOR = Date.parse('2024-03-01T12:00:00Z');
const library = loadScenarioLibrary();

function params(s: ScenarioDefinition, given: Record<string, unknown> = {}): ResolvedDrillParameters {
  const r = resolveParameters(s, given);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.parameters as ResolvedDrillParameters;
}

function plan(s: ScenarioDefinition, p: ResolvedDrillParameters, seed = 7, runId = RUN_ID) {
  return generateDrill(s.generator, {
    runId,
    drillId: drillIdOf(s.id, runId),
    seed,
    parameters: p,
    anchorMs: ANCHOR,
  });
}

/**
 * The drill metrics the events imply, folded by hand here (independently of the workers): order
 * status by lifecycle rank, on-time by the site-time rule, shipment status = latest checkpoint by
 * event time with delivered terminal.
 */
function foldMetrics(events: SupplyChainEvent[]): Record<DrillMetric, number> {
  const orders = new Map<
    string,
    { status?: OrderStatus; promised?: string; zone?: string; deliveredAt?: string }
  >();
  const ships = new Map<
    string,
    { status?: string; at?: string; eta?: string; promised?: string; zone?: string }
  >();
  for (const e of events) {
    if (e.type.startsWith('sct.order.')) {
      const o = orders.get(e.subject) ?? {};
      o.status = advanceOrderStatus(o.status, ORDER_STATUS_OF_EVENT[(e as OrderEvent).type]);
      if (e.type === 'sct.order.created.v1') {
        o.promised = e.data.promisedDate;
        o.zone = e.data.siteTimeZone;
      }
      if (e.type === 'sct.order.delivered.v1') o.deliveredAt = e.time;
      orders.set(e.subject, o);
    } else {
      const s = ships.get(e.subject) ?? {};
      const set = (status: string) => {
        if (s.status === 'delivered') return;
        if (status === 'delivered' || !s.at || e.time >= s.at) {
          s.status = status;
          s.at = e.time;
        }
      };
      if (e.type === 'sct.shipment.created.v1') s.promised = e.data.promisedDate;
      if (e.type === 'sct.shipment.checkpoint.v1') set(e.data.status);
      if (e.type === 'sct.shipment.exception.v1') set('exception');
      if (e.type === 'sct.shipment.delivered.v1') set('delivered');
      if (e.type === 'sct.shipment.eta_updated.v1') s.eta = e.data.eta;
      ships.set(e.subject, s);
    }
  }
  const o = [...orders.values()];
  const sh = [...ships.values()];
  const delivered = o.filter((x) => x.deliveredAt);
  const onTime = delivered.filter((x) => isOnTime(x.deliveredAt!, x.promised!, x.zone!));
  const zone = o[0]?.zone ?? 'UTC';
  return {
    orders_created: o.length,
    open_orders: o.filter((x) => x.status !== 'delivered' && x.status !== 'cancelled').length,
    orders_cancelled: o.filter((x) => x.status === 'cancelled').length,
    orders_delivered: delivered.length,
    late_deliveries: delivered.length - onTime.length,
    on_time_deliveries: onTime.length,
    shipments_created: sh.length,
    shipments_delivered: sh.filter((x) => x.status === 'delivered').length,
    open_exceptions: sh.filter((x) =>
      (EXCEPTION_SHIPMENT_STATUSES as readonly string[]).includes(x.status ?? ''),
    ).length,
    failed_attempts: sh.filter((x) => x.status === 'failed_attempt').length,
    eta_past_promise: sh.filter((x) => x.eta && x.promised && !isOnTime(x.eta, x.promised, zone)).length,
  };
}

describe('drill generators', () => {
  for (const { scenario } of library.entries) {
    describe(scenario.name, () => {
      const p = params(scenario);

      it('is deterministic for a seed, and another seed gives other events', () => {
        const a = plan(scenario, p, 7);
        const b = plan(scenario, p, 7);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        const c = plan(scenario, p, 8);
        expect(JSON.stringify(c.events)).not.toBe(JSON.stringify(a.events));
      });

      it('produces only valid events, on entities it creates, each with the drill id and a per-step UUID v5 id', () => {
        const { events, orderIds, shipmentIds } = plan(scenario, p);
        expect(events.length).toBeGreaterThan(0);
        expect(() =>
          checkPlan({ events, orderIds, shipmentIds }, drillIdOf(scenario.id, RUN_ID)),
        ).not.toThrow();
        expect(orderIds).toHaveLength(p.orders);
        const prefix = entityPrefix(RUN_ID);
        for (const id of [...orderIds, ...shipmentIds]) expect(id.startsWith(`${prefix}-`)).toBe(true);
        events.forEach((e, step) => expect(e.id).toBe(drillEventId(RUN_ID, step)));
        expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
        // Sent in event-time order.
        for (let i = 1; i < events.length; i++) expect(events[i]!.time >= events[i - 1]!.time).toBe(true);
      });

      it("creates each order before its other events and delivers only what it ordered (the API's order-contents rule)", () => {
        for (const given of [{}, { orders: 7 }]) {
          const { events } = plan(scenario, params(scenario, given));
          expect(screenOrderContents(events, new Map()).filter((v) => v !== null)).toEqual([]);
        }
      });

      it('produces events whose outcome is exactly the expected outcome of its checks', () => {
        for (const given of [{}, { orders: 7 }, { orders: 1 }]) {
          const q = params(scenario, given);
          const metrics = foldMetrics(plan(scenario, q).events);
          for (const o of expectedOutcome(scenario, q))
            expect({ check: o.checkId, actual: metrics[o.metric as DrillMetric] }).toEqual({
              check: o.checkId,
              actual: o.expected,
            });
        }
      });
    });
  }

  it('derives entity ids and event ids from the run id: another run touches other entities', () => {
    const s = library.get('lost-parcel')!.scenario;
    const p = params(s, { orders: 2 });
    const a = plan(s, p, 1, RUN_ID);
    const b = plan(s, p, 1, 'aa9f6c1e-2d4a-4f5b-8c7d-9e0f1a2b3c4d');
    expect(a.orderIds.some((id) => b.orderIds.includes(id))).toBe(false);
    expect(a.events.some((e) => b.events.some((f) => f.id === e.id))).toBe(false);
    expect(drillEventId(RUN_ID, 0)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('checkPlan refuses an event on an entity the drill did not create', () => {
    const s = library.get('lost-parcel')!.scenario;
    const good = plan(s, params(s, { orders: 1 }));
    const events = good.events.map((e, i) => (i === 1 ? { ...e, subject: 'real-order-1' } : e));
    expect(() => checkPlan({ ...good, events }, drillIdOf(s.id, RUN_ID))).toThrow(
      /real-order-1, which the drill did not create/,
    );
  });
});
