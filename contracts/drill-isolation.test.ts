import { describe, expect, it } from 'vitest';
import {
  drillIsolationVerdict,
  entityKey,
  namedEntityKeys,
  screenDrillIsolation,
  type IsolatedEvent,
  type ScreenItem,
} from './drill-isolation';
import { ALL_EVENT_TYPES, ENTITY_REFERENCE_FIELDS, entitiesNamedBy, eventDataSchemas } from './events';

type Ev = IsolatedEvent;
/** An order event (approved: names only its subject). */
const live = (subject: string): Ev => ({ type: 'sct.order.approved.v1', subject, data: {} });
const drill = (subject: string, drillid: string): Ev => ({ ...live(subject), drillid });
const subjectOf = (id: string) => ({ entity: 'order' as const, id, field: 'subject' });
const rules = (v: ({ rule: string } | null)[]) => v.map((x) => x?.rule ?? null);
const order = (id: string) => entityKey('order', id);
const shipment = (id: string) => entityKey('shipment', id);

/** A shipment created, naming an order; an order shipped, naming a shipment. */
const shipmentCreated = (subject: string, orderId: string | undefined, drillid?: string): Ev => ({
  type: 'sct.shipment.created.v1',
  subject,
  data: { carrier: 'UPS', trackingNumber: 'T1', ...(orderId ? { orderId } : {}) },
  ...(drillid ? { drillid } : {}),
});
const orderShipped = (subject: string, shipmentId: string, drillid?: string): Ev => ({
  type: 'sct.order.shipped.v1',
  subject,
  data: { shipmentId },
  ...(drillid ? { drillid } : {}),
});

describe('drillIsolationVerdict', () => {
  it('lets any event make a new entity, and traffic touch its own entities', () => {
    expect(drillIsolationVerdict(live('o-1'), subjectOf('o-1'), undefined, false)).toBeNull();
    expect(drillIsolationVerdict(drill('o-1', 'd1'), subjectOf('o-1'), undefined, false)).toBeNull();
    expect(drillIsolationVerdict(live('o-1'), subjectOf('o-1'), null, false)).toBeNull();
    expect(drillIsolationVerdict(drill('o-1', 'd1'), subjectOf('o-1'), 'd1', false)).toBeNull();
  });
  it('refuses a drill event on a live entity, naming the entity and the field', () => {
    const v = drillIsolationVerdict(drill('o-1', 'd1'), subjectOf('o-1'), null, false);
    expect(v?.rule).toBe('live_entity_in_drill');
    expect(v?.field).toBe('subject');
    expect(v?.message).toMatch(/o-1 is live \(real\) traffic/);
  });
  it('refuses a live event on a drill entity, and one drill touching another', () => {
    expect(drillIsolationVerdict(live('o-1'), subjectOf('o-1'), 'd1', false)?.rule).toBe(
      'drill_entity_in_live_traffic',
    );
    const other = drillIsolationVerdict(drill('o-1', 'd2'), subjectOf('o-1'), 'd1', false);
    expect(other?.rule).toBe('entity_of_other_drill');
    expect(other?.message).toMatch(/belongs to drill d1.*drill d2/);
  });
  it('refuses every event of a purged drill, even on a new entity; live events are never "purged"', () => {
    const v = drillIsolationVerdict(drill('o-9', 'd1'), subjectOf('o-9'), undefined, true);
    expect(v).toMatchObject({ rule: 'drill_purged', field: 'drillid' });
    expect(drillIsolationVerdict(live('o-9'), subjectOf('o-9'), undefined, true)).toBeNull();
  });
});

describe('entity references (every order or shipment an event names)', () => {
  it('are derived from the schemas: orderId of a shipment, shipmentId of an order', () => {
    const declared = Object.fromEntries(
      Object.entries(ENTITY_REFERENCE_FIELDS).filter(([, fields]) => fields.length > 0),
    );
    expect(declared).toEqual({
      'sct.order.shipped.v1': [{ field: 'shipmentId', entity: 'shipment' }],
      'sct.shipment.created.v1': [{ field: 'orderId', entity: 'order' }],
    });
  });
  it('every id field of every data schema is either a reference or known not to name an order or shipment', () => {
    // Guards the list: a new `...orderId`/`...shipmentId` field must be declared with entityReference.
    const notEntities = new Set(['customerId', 'warehouseId', 'pickerId']);
    for (const type of ALL_EVENT_TYPES)
      for (const field of Object.keys(eventDataSchemas[type].shape))
        if (/Id$/.test(field))
          expect(
            notEntities.has(field) || ENTITY_REFERENCE_FIELDS[type].some((r) => r.field === field),
            `${type} data.${field}`,
          ).toBe(true);
  });
  it('entitiesNamedBy lists the subject, then the references present', () => {
    expect(entitiesNamedBy(shipmentCreated('s-1', 'o-1'))).toEqual([
      { entity: 'shipment', id: 's-1', field: 'subject' },
      { entity: 'order', id: 'o-1', field: 'data.orderId' },
    ]);
    expect(entitiesNamedBy(shipmentCreated('s-1', undefined))).toHaveLength(1);
    expect(namedEntityKeys([shipmentCreated('s-1', 'o-1'), orderShipped('o-2', 's-1')])).toEqual({
      orders: ['o-1', 'o-2'],
      shipments: ['s-1'],
    });
  });
  it('refuses a drill event referencing a live entity, naming the field (the QA finding)', () => {
    const entities = new Map<string, string | null>([
      [order('REAL-1'), null],
      [shipment('REAL-S'), null],
    ]);
    const verdicts = screenDrillIsolation(
      [
        { event: shipmentCreated('QA-DS-1', 'REAL-1', 'qa-drill-1') },
        { event: drill('QA-DO-1', 'qa-drill-1') },
        { event: orderShipped('QA-DO-1', 'REAL-S', 'qa-drill-1') },
      ],
      entities,
      new Set(),
    );
    expect(verdicts[0]).toMatchObject({ rule: 'live_entity_in_drill', field: 'data.orderId' });
    expect(verdicts[0]!.message).toMatch(/^data\.orderId: order REAL-1 is live/);
    expect(verdicts[1]).toBeNull();
    expect(verdicts[2]).toMatchObject({ rule: 'live_entity_in_drill', field: 'data.shipmentId' });
    // The refused shipment did not become the drill's.
    expect(
      screenDrillIsolation(
        [
          { event: shipmentCreated('QA-DS-1', 'REAL-1', 'qa-drill-1') },
          { event: shipmentCreated('QA-DS-1', undefined) },
        ],
        entities,
        new Set(),
      ),
    ).toEqual([expect.objectContaining({ rule: 'live_entity_in_drill' }), null]);
  });
  it('is symmetric: live traffic referencing a drill entity, one drill referencing another', () => {
    const entities = new Map<string, string | null>([
      [order('D-O'), 'd1'],
      [shipment('D-S'), 'd1'],
    ]);
    const verdicts = screenDrillIsolation(
      [
        { event: shipmentCreated('L-S', 'D-O') },
        { event: orderShipped('L-O', 'D-S') },
        { event: shipmentCreated('X-S', 'D-O', 'd2') },
        { event: shipmentCreated('Y-S', 'D-O', 'd1') },
      ],
      entities,
      new Set(),
    );
    expect(verdicts.map((v) => v && [v.rule, v.field])).toEqual([
      ['drill_entity_in_live_traffic', 'data.orderId'],
      ['drill_entity_in_live_traffic', 'data.shipmentId'],
      ['entity_of_other_drill', 'data.orderId'],
      null,
    ]);
  });
  it('counts entities named earlier in the same stream as that stream’s traffic', () => {
    const verdicts = screenDrillIsolation(
      [
        { event: drill('N-O', 'd1') }, // a new drill order
        { event: shipmentCreated('N-S', 'N-O', 'd1') }, // its shipment: fine
        { event: orderShipped('N-O', 'N-S', 'd1') }, // fine
        { event: shipmentCreated('L-S', 'N-O') }, // live naming the new drill order: refused
        { event: orderShipped('L-O', 'FUTURE-S') }, // live names an unknown shipment: it becomes live
        { event: shipmentCreated('FUTURE-S', undefined, 'd1') }, // a drill may not take it over
        { event: orderShipped('N-O', 'N-S', 'd2') }, // another drill: refused on the subject first
      ],
      new Map(),
      new Set(),
    );
    expect(verdicts.map((v) => v && [v.rule, v.field])).toEqual([
      null,
      null,
      null,
      ['drill_entity_in_live_traffic', 'data.orderId'],
      null,
      ['live_entity_in_drill', 'subject'],
      ['entity_of_other_drill', 'subject'],
    ]);
  });
  it('keeps orders and shipments apart: an order and a shipment may share an id', () => {
    const verdicts = screenDrillIsolation(
      [{ event: shipmentCreated('X', undefined, 'd1') }],
      new Map([[order('X'), null]]),
      new Set(),
    );
    expect(verdicts).toEqual([null]);
  });
});

describe('screenDrillIsolation', () => {
  it("judges a mixed batch in order: the first accepted event fixes a new entity's traffic", () => {
    const items: ScreenItem<Ev>[] = [
      { event: drill('x', 'd1') }, // new: becomes drill d1's
      { event: live('x') }, // refused: x is d1's
      { event: live('real-1') }, // existing live entity: fine
      { event: drill('real-1', 'd1') }, // refused: the old bug (a drill cancelling a real order)
      { event: drill('x', 'd1') }, // fine
      { event: drill('x', 'd2') }, // refused: another drill
    ];
    const verdicts = screenDrillIsolation(items, new Map([[order('real-1'), null]]), new Set());
    expect(rules(verdicts)).toEqual([
      null,
      'drill_entity_in_live_traffic',
      null,
      'live_entity_in_drill',
      null,
      'entity_of_other_drill',
    ]);
  });
  it('a refused event does not fix the traffic of a new entity', () => {
    const verdicts = screenDrillIsolation(
      [{ event: drill('y', 'gone') }, { event: live('y') }],
      new Map(),
      new Set(['gone']),
    );
    expect(rules(verdicts)).toEqual(['drill_purged', null]);
  });
  it("a purge in the stream removes the drill's entities and refuses its later events", () => {
    const verdicts = screenDrillIsolation(
      [
        { event: drill('a', 'd1') },
        { purgedDrill: 'd1' },
        { event: drill('a', 'd1') }, // after the cut: refused
        { event: live('a') }, // the drill's entity is gone: a live entity of the same id may start
        { event: live('b') }, // b belonged to d1 before the stream: gone too
        { event: drill('c', 'd2') }, // another drill is untouched by d1's purge
      ],
      new Map<string, string | null>([
        [order('b'), 'd1'],
        [order('c'), 'd2'],
      ]),
      new Set(),
    );
    expect(rules(verdicts)).toEqual([null, null, 'drill_purged', null, null, null]);
  });
  it('covers every event of every kind the same way (the rule never looks at the type)', () => {
    // Live entity + drill event is refused whatever the stream around it, and nothing leaks.
    for (let n = 0; n < 50; n += 1) {
      const items: ScreenItem<Ev>[] = Array.from({ length: 20 }, (_, i) =>
        (i + n) % 3 === 0 ? { event: live(`e${i % 4}`) } : { event: drill(`e${i % 4}`, `d${(i + n) % 2}`) },
      );
      const verdicts = screenDrillIsolation(items, new Map(), new Set());
      const owner = new Map<string, string | null>();
      items.forEach((item, i) => {
        if (!('event' in item)) return;
        const { subject, drillid } = item.event;
        const traffic = drillid ?? null;
        if (!owner.has(subject)) {
          expect(verdicts[i]).toBeNull();
          owner.set(subject, traffic);
        } else expect(verdicts[i] === null).toBe(owner.get(subject) === traffic);
      });
    }
  });
});
