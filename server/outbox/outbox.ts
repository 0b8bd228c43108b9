/**
 * The offline outbox of injections as the API sees it (contracts/outbox.ts): the durable store
 * (store.ts) and its delivery loop (drainer.ts) behind the few operations the injection path and
 * the `/api/outbox` routes need. One per core (it outlives settings restarts); the core hands it
 * the current publisher and audit writer.
 */
import { randomUUID } from 'node:crypto';
import {
  OUTBOX_EVENTS_SHOWN,
  topicForType,
  type InjectResult,
  type OutboxEntry,
  type OutboxView,
  type Principal,
  type SupplyChainEvent,
  type TopicNames,
} from '../../contracts';
import type { Logger } from '../../runtime/logger';
import { partitionForKey } from '../../runtime/kafka';
import { OutboxDrainer, type DrainerOptions } from './drainer';
import { OutboxStore, type OutboxStoreOptions, type PendingEntry } from './store';

/** The entry is being sent right now (HTTP 409): it cannot be discarded any more. */
export class OutboxEntryBusyError extends Error {
  override name = 'OutboxEntryBusyError';
  constructor(readonly entryId: string) {
    super(`queued injection ${entryId} is being delivered to Kafka right now and can no longer be discarded`);
  }
}

/** No such queued injection (HTTP 404): never queued, or already delivered or discarded. */
export class OutboxEntryNotFoundError extends Error {
  override name = 'OutboxEntryNotFoundError';
  constructor(readonly entryId: string) {
    super(`no queued injection ${entryId}: it was delivered or discarded already, or never queued`);
  }
}

export interface OutboxOptions extends Pick<OutboxStoreOptions, 'dir' | 'fs' | 'compactBytes' | 'now'> {
  log: Logger;
  /** The current publisher (the core's, which refuses while the start has not completed). */
  publish: DrainerOptions['publish'];
  /** Audit row of a delivered entry; must not throw. */
  onDelivered: DrainerOptions['onDelivered'];
  /** The topics of the configuration in effect (for the placement a queued event will get). */
  topics: () => TopicNames;
  backoff?: DrainerOptions['backoff'];
}

export class Outbox {
  readonly store: OutboxStore;
  readonly drainer: OutboxDrainer;

  private constructor(private readonly opts: OutboxOptions) {
    this.store = OutboxStore.open({
      dir: opts.dir,
      log: opts.log,
      fs: opts.fs,
      compactBytes: opts.compactBytes,
      now: opts.now,
    });
    this.drainer = new OutboxDrainer({
      store: this.store,
      publish: opts.publish,
      onDelivered: opts.onDelivered,
      log: opts.log,
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
    });
  }

  /**
   * Opens the outbox folder and replays its journal (delivery starts with {@link Outbox.kick}).
   * @throws OutboxLockedError, OutboxWriteError
   */
  static open(opts: OutboxOptions): Outbox {
    return new Outbox(opts);
  }

  get hasPending(): boolean {
    return this.store.entries().length > 0;
  }

  /** Every pending event (in order), for the idempotency check of new injections. */
  pendingEvents(): SupplyChainEvent[] {
    return this.store.entries().flatMap((e) => e.events);
  }

  /**
   * Keeps one validated and authorized injection (durable on return) and starts a delivery round.
   * @returns one result per event, `queued: true`, with the topic and partition it will go to
   * @throws OutboxWriteError (nothing kept)
   */
  enqueue(
    principal: Principal,
    events: SupplyChainEvent[],
  ): { entry: PendingEntry; results: InjectResult[] } {
    const { operator, displayName, role, method } = principal;
    const entry = this.store.enqueue(randomUUID(), { operator, displayName, role, method }, events);
    this.drainer.kick();
    return { entry, results: this.queuedResults(entry) };
  }

  /** The results a queued entry's events were answered with. */
  queuedResults(entry: PendingEntry): InjectResult[] {
    const topics = this.opts.topics();
    return entry.events.map((e) => {
      const topic = topicForType(topics, e.type);
      return {
        id: e.id,
        topic,
        partition: partitionForKey(topic, e.subject),
        offset: '-1',
        queued: true,
        outboxEntryId: entry.entryId,
      };
    });
  }

  /**
   * Drops a pending entry before it is sent.
   * @param allowed decides whether the caller may drop this entry (throws when not)
   * @throws OutboxEntryNotFoundError, OutboxEntryBusyError, OutboxWriteError, or what `allowed` throws
   */
  discard(
    entryId: string,
    operator: string,
    reason: string | null,
    allowed: (entry: PendingEntry) => void,
  ): PendingEntry {
    const entry = this.store.get(entryId);
    if (!entry) throw new OutboxEntryNotFoundError(entryId);
    allowed(entry);
    if (this.drainer.inFlight === entryId) throw new OutboxEntryBusyError(entryId);
    this.store.discard(entryId, operator, reason);
    return entry;
  }

  /** Starts a delivery round now (the start completed, the broker is back). */
  kick(): void {
    this.drainer.kick();
  }

  /** What `GET /api/outbox` answers. */
  view(): OutboxView {
    const pending = this.store.entries().map((e) => this.describe(e));
    return {
      enabled: true,
      journal: this.store.file,
      pending,
      queuedEvents: pending.reduce((n, e) => n + e.eventCount, 0),
      quarantined: this.store.quarantined,
      delivering: this.drainer.inFlight !== null,
    };
  }

  /** Stops delivering and closes the journal (what is pending is sent after the next start). */
  async close(): Promise<void> {
    await this.drainer.stop();
    this.store.close();
  }

  private describe(e: PendingEntry): OutboxEntry {
    const state = this.drainer.state(e.entryId);
    return {
      entryId: e.entryId,
      queuedAt: e.queuedAt,
      operator: e.principal.operator,
      role: e.principal.role,
      eventCount: e.events.length,
      types: [...new Set(e.events.map((x) => x.type))],
      drillIds: [...new Set(e.events.flatMap((x) => (x.drillid ? [x.drillid] : [])))],
      events: e.events.slice(0, OUTBOX_EVENTS_SHOWN).map((x) => ({
        id: x.id,
        type: x.type,
        subject: x.subject,
        time: x.time,
        drillid: x.drillid ?? null,
      })),
      attempts: state.attempts,
      lastError: state.lastError,
      lastAttemptAt: state.lastAttemptAt,
    };
  }
}
