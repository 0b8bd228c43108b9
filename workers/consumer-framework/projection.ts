/**
 * What a worker plugs into the batch consumer ({@link Projection}), the events it is handed
 * ({@link ConsumedEvent}) and the helper its idempotency claim uses ({@link firstOccurrences}).
 * Types and one pure function: no I/O.
 */
import type { DrillPurgedEvent, SupplyChainEvent, TopicNames, WorkerName } from '../../contracts';
import type { PoolClient } from '../../runtime/db';

/** An event with where it was read from. */
export interface ConsumedEvent {
  event: SupplyChainEvent;
  topic: string;
  partition: number;
  offset: number;
}

/**
 * What a worker tells the loop about drills (contracts/drill-isolation.ts, contracts/drill-purge.ts):
 * the traffic of its entities, for drill isolation, and how it removes a purged drill.
 */
export interface DrillSupport<Outcome> {
  /** The kind of entity this worker's topic is keyed by (the subjects {@link trafficSql} is asked about). */
  readonly entity: 'order' | 'shipment';
  /**
   * SQL of the traffic of this worker's existing entities named by `$1` (text[]): one row per
   * entity, columns `subject` (text) and `drill_id` (text, null for live traffic). Read in the
   * batch transaction before the events are claimed.
   */
  readonly trafficSql: string;
  /**
   * Removes the purged drill's entities whose events came from `partition` of the purge record's
   * topic (this worker's read models, inside the batch transaction; a second call removes
   * nothing). Never touches an entity of live traffic or of another drill.
   * @returns rows removed per read model, and the outcome for `afterCommit` (cache removals)
   */
  purge(
    client: PoolClient,
    purge: DrillPurgedEvent,
    partition: number,
  ): Promise<{ removed: Record<string, number>; outcome: Outcome }>;
}

/** What a worker plugs into the loop. `State` is what its claim loads for `apply` (if anything). */
export interface Projection<Outcome, State = unknown> {
  /** Worker name; the consumer group is `<prefix>.<name>`. */
  readonly name: WorkerName;
  /** Topics it consumes. */
  topics(topics: TopicNames): string[];
  /**
   * Applies new events (never seen before by this group, in partition order) inside the batch
   * transaction. Must only use `client`. Throwing rolls the whole batch back.
   * @param claimed what {@link Projection.claim} loaded, when the projection has a claim
   */
  apply(client: PoolClient, events: ConsumedEvent[], claimed?: State): Promise<Outcome>;
  /**
   * The idempotency check, when the projection keeps a history keyed by event id: inserts the
   * events' history rows that are new (inside the batch transaction) and returns the events that
   * were new, first occurrence of an id only, in order, with whatever state `apply` needs (loaded
   * in the same statement: one round trip). Without it the loop records the ids in
   * `applied_events`. Either way an id is applied once per consumer group.
   */
  claim?(client: PoolClient, events: ConsumedEvent[]): Promise<{ events: ConsumedEvent[]; state: State }>;
  /** Drill isolation and purge: every worker has both (the same rule everywhere). */
  readonly drills: DrillSupport<Outcome>;
  /** Runs after the commit (Redis cache, change notifications). Errors are logged, not retried. */
  afterCommit?(outcome: Outcome): Promise<void>;
  /** Rewrites this worker's Redis entries from PostgreSQL (called on every Redis (re)connect). */
  rebuildCache?(): Promise<number>;
  /**
   * Fetch accumulation for a worker whose output need not be instant: the broker answers a fetch
   * once `minBytes` are there or after `maxWaitTimeInMs` (ms). Fewer, fuller batches mean fewer
   * transactions on shared cores. Default: answer as soon as one message is there.
   */
  readonly fetch?: { minBytes: number; maxWaitTimeInMs: number };
}

/** The events whose id is in `newIds`, first occurrence of each id only, in order. */
export function firstOccurrences(events: ConsumedEvent[], newIds: Set<string>): ConsumedEvent[] {
  const seen = new Set<string>();
  return events.filter((c) => {
    if (!newIds.has(c.event.id) || seen.has(c.event.id)) return false;
    seen.add(c.event.id);
    return true;
  });
}
