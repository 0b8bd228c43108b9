/**
 * Drill isolation: the one rule deciding whether an event may touch an order or shipment, shared
 * by the API (`server/api/commands.ts`, refuses with 409) and every worker (the batch consumer
 * dead-letters a refused record with the reason), so a record written straight to Kafka gets the
 * same treatment as one sent through the API. Pure: no I/O.
 *
 * An entity's traffic is fixed by the first event applied to it: live (no `drillid`) or one
 * drill. Then (DESIGN.md "Drills", issue 12 items 6 and 7):
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

/** Why an event is refused (the rule names are also the API's 409 error codes). */
export const DRILL_ISOLATION_RULES = [
  'live_entity_in_drill',
  'drill_entity_in_live_traffic',
  'entity_of_other_drill',
  'drill_purged',
] as const;
export type DrillIsolationRule = (typeof DRILL_ISOLATION_RULES)[number];

/** A refusal: the rule and a sentence naming the entity and the traffic involved. */
export interface DrillIsolationRefusal {
  rule: DrillIsolationRule;
  message: string;
}

/** What the rule needs to know of an event: its entity and its drill id (absent for live traffic). */
export interface IsolatedEvent {
  subject: string;
  drillid?: string | undefined;
}

/**
 * The isolation verdict for one event.
 * @param entityDrill the traffic of the event's entity: `undefined` when the entity does not exist
 *   yet (the event will make it), `null` for a live entity, else the drill id that owns it
 * @param purged whether the event's drill was purged before it (ignored for live events)
 * @returns null when the event may be applied, else the refusal
 */
export function drillIsolationVerdict(
  event: IsolatedEvent,
  entityDrill: string | null | undefined,
  purged: boolean,
): DrillIsolationRefusal | null {
  const drill = event.drillid ?? null;
  const subject = event.subject;
  if (drill !== null && purged)
    return {
      rule: 'drill_purged',
      message: `drill ${drill} was purged: its events are no longer applied (start a new drill with a new id)`,
    };
  if (entityDrill === undefined || entityDrill === drill) return null;
  if (entityDrill === null)
    return {
      rule: 'live_entity_in_drill',
      message: `${subject} is live (real) traffic: a drill event (drill ${drill ?? ''}) may only touch entities that drill traffic created`,
    };
  if (drill === null)
    return {
      rule: 'drill_entity_in_live_traffic',
      message: `${subject} belongs to drill ${entityDrill}: a live (non-drill) event may not touch a drill's entity`,
    };
  return {
    rule: 'entity_of_other_drill',
    message: `${subject} belongs to drill ${entityDrill}: an event of drill ${drill} may not touch another drill's entity`,
  };
}

/** One item of a stream screened by {@link screenDrillIsolation}: an event, or a purge of a drill. */
export type ScreenItem<E extends IsolatedEvent> = { event: E } | { purgedDrill: string };

/**
 * Screens a stream in order (one partition's events, or one API request): each event is judged
 * against its entity's traffic as it stands after the accepted events and purges before it.
 * Refused events change nothing; an accepted event on an unknown entity fixes its traffic; a
 * purge marks its drill purged and removes that drill's entities (they no longer exist, so a
 * later live event with the same id makes a new live entity).
 * @param entities traffic of the entities that exist before the stream (subject -> drill id or null)
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
      for (const [subject, drill] of traffic) if (drill === item.purgedDrill) traffic.delete(subject);
      return null;
    }
    const { event } = item;
    const drill = event.drillid ?? null;
    const verdict = drillIsolationVerdict(
      event,
      traffic.get(event.subject),
      drill !== null && purged.has(drill),
    );
    if (verdict === null && !traffic.has(event.subject)) traffic.set(event.subject, drill);
    return verdict;
  });
}
