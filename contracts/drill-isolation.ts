/**
 * Drill isolation: the one rule deciding whether an event may touch an order or shipment, shared
 * by the API (`server/api/commands.ts`, refuses with 409) and every worker (the batch consumer
 * dead-letters a refused record with the reason), so a record written straight to Kafka gets the
 * same treatment as one sent through the API. Pure: no I/O.
 *
 * An event names entities: its subject, and every order or shipment its `data` references
 * (`orderId` of a shipment, `shipmentId` of an order: contracts/events.ts ENTITY_REFERENCE_FIELDS,
 * derived from the schemas). Every named entity is screened, so a drill cannot attach its shipment
 * to a real order (QA: a drill shipment naming a real `orderId` put the real order in the open
 * exceptions). An entity's traffic is fixed by the first accepted event that names it: live (no
 * `drillid`) or one drill. Then (DESIGN.md "Drills", issue 12 items 6 and 7):
 * - `live_entity_in_drill`: a drill event may not touch a live entity (a drill must never cancel,
 *   deliver or move a real order or shipment);
 * - `drill_entity_in_live_traffic`: a live event may not touch a drill's entity either
 *   (symmetric: a real event applied to a drill entity would be removed with the drill by its
 *   purge, and real figures would depend on a drill);
 * - `entity_of_other_drill`: an event of drill B may not touch drill A's entity (purging A
 *   would remove B's event; purging B would leave A's entity half changed);
 * - `drill_purged`: an event of a drill that was purged (in the same partition, before it) is
 *   refused: a purge is final, a drill id is not reused. (An entity of the purged drill is gone:
 *   a later live event with the same id makes a new live entity.)
 */
import { entitiesNamedBy, type EventType, type NamedEntity } from './events';

/** Why an event is refused (the rule names are also the API's 409 error codes). */
export const DRILL_ISOLATION_RULES = [
  'live_entity_in_drill',
  'drill_entity_in_live_traffic',
  'entity_of_other_drill',
  'drill_purged',
] as const;
export type DrillIsolationRule = (typeof DRILL_ISOLATION_RULES)[number];

/**
 * A refusal: the rule, the field of the event that broke it (`subject`, `data.orderId`, ... or
 * `drillid` for `drill_purged`) and a sentence naming the entity and the traffic involved.
 */
export interface DrillIsolationRefusal {
  rule: DrillIsolationRule;
  field: string;
  message: string;
}

/** What the rule needs to know of an event: what it names (type, subject, data) and its drill id (absent for live traffic). */
export interface IsolatedEvent {
  type: EventType;
  subject: string;
  data: object;
  drillid?: string | undefined;
}

/** The key of an entity in the traffic maps: orders and shipments are separate id spaces (`order:o-1`). */
export function entityKey(entity: NamedEntity['entity'], id: string): string {
  return `${entity}:${id}`;
}

/**
 * The isolation verdict for one entity an event names.
 * @param event the event's drill id (absent: live)
 * @param named the entity and the field of the event that names it
 * @param entityDrill the traffic of that entity: `undefined` when nothing named it yet (the event
 *   will fix it), `null` for a live entity, else the drill id that owns it
 * @param purged whether the event's drill was purged before it (ignored for live events)
 * @returns null when the event may be applied as far as this entity goes, else the refusal
 */
export function drillIsolationVerdict(
  event: { drillid?: string | undefined },
  named: NamedEntity,
  entityDrill: string | null | undefined,
  purged: boolean,
): DrillIsolationRefusal | null {
  const drill = event.drillid ?? null;
  if (drill !== null && purged)
    return {
      rule: 'drill_purged',
      field: 'drillid',
      message: `drill ${drill} was purged: its events are no longer applied (start a new drill with a new id)`,
    };
  if (entityDrill === undefined || entityDrill === drill) return null;
  const what = `${named.field}: ${named.entity} ${named.id}`;
  if (entityDrill === null)
    return {
      rule: 'live_entity_in_drill',
      field: named.field,
      message: `${what} is live (real) traffic: a drill event (drill ${drill ?? ''}) may only name entities that drill traffic created`,
    };
  if (drill === null)
    return {
      rule: 'drill_entity_in_live_traffic',
      field: named.field,
      message: `${what} belongs to drill ${entityDrill}: a live (non-drill) event may not name a drill's entity`,
    };
  return {
    rule: 'entity_of_other_drill',
    field: named.field,
    message: `${what} belongs to drill ${entityDrill}: an event of drill ${drill} may not name another drill's entity`,
  };
}

/** One item of a stream screened by {@link screenDrillIsolation}: an event, or a purge of a drill. */
export type ScreenItem<E extends IsolatedEvent> = { event: E } | { purgedDrill: string };

/**
 * The keys ({@link entityKey}) of every entity the events of a stream name: what the traffic map
 * given to {@link screenDrillIsolation} must cover.
 */
export function namedEntityKeys(events: readonly IsolatedEvent[]): { orders: string[]; shipments: string[] } {
  const orders = new Set<string>();
  const shipments = new Set<string>();
  for (const event of events)
    for (const n of entitiesNamedBy(event)) (n.entity === 'order' ? orders : shipments).add(n.id);
  return { orders: [...orders], shipments: [...shipments] };
}

/**
 * Screens a stream in order (one partition's events, or one API request): each event is judged
 * against the traffic of every entity it names (subject first, then its references) as it stands
 * after the accepted events and purges before it. Refused events change nothing; an accepted
 * event fixes the traffic of each entity it names that had none (so an entity made earlier in the
 * same stream counts as that stream's traffic); a purge marks its drill purged and removes that
 * drill's entities (they no longer exist, so a later live event with the same id makes a new live
 * entity).
 * @param entities traffic of the entities named before the stream ({@link entityKey} -> drill id or null)
 * @param purgedDrills drills purged before the stream
 * @returns one verdict per item, in order (null for accepted events and for purges)
 */
export function screenDrillIsolation<E extends IsolatedEvent>(
  items: readonly ScreenItem<E>[],
  entities: ReadonlyMap<string, string | null>,
  purgedDrills: ReadonlySet<string>,
): (DrillIsolationRefusal | null)[] {
  const traffic = new Map(entities);
  const purged = new Set(purgedDrills);
  return items.map((item) => {
    if ('purgedDrill' in item) {
      purged.add(item.purgedDrill);
      for (const [key, drill] of traffic) if (drill === item.purgedDrill) traffic.delete(key);
      return null;
    }
    const { event } = item;
    const drill = event.drillid ?? null;
    const named = entitiesNamedBy(event);
    for (const n of named) {
      const verdict = drillIsolationVerdict(
        event,
        n,
        traffic.get(entityKey(n.entity, n.id)),
        drill !== null && purged.has(drill),
      );
      if (verdict) return verdict;
    }
    for (const n of named) {
      const key = entityKey(n.entity, n.id);
      if (!traffic.has(key)) traffic.set(key, drill);
    }
    return null;
  });
}
