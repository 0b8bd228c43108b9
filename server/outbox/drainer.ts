/**
 * Delivers the outbox's pending entries to Kafka, strictly in queue order, one entry (one
 * injection, one `publish`) at a time: the next entry is tried only after the previous one was
 * stored by the broker and its `delivered` record is durable. The first failure stops the round;
 * the entry is retried after a backoff (contracts/backoff.ts: 1 s, 2 s, 4 s ... capped at 30 s,
 * jittered), or at once when {@link OutboxDrainer.kick} is called (the start completed, an
 * injection was queued).
 *
 * Exactly once: an entry is published with its events' own ids. If the process dies after the
 * broker stored them but before `delivered` was written, the entry is sent again after the restart
 * with the SAME ids, and the workers (idempotent by event id) apply each event once.
 */
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions, type InjectResult } from '../../contracts';
import type { Logger } from '../../runtime/logger';
import type { OutboxStore, PendingEntry } from './store';

/** Delivery progress of one entry, kept in memory (since this process started). */
export interface DeliveryState {
  attempts: number;
  lastError: string | null;
  /** RFC 3339 UTC. */
  lastAttemptAt: string | null;
}

export interface DrainerOptions {
  store: OutboxStore;
  /** Publishes one entry's events (acks=all); throws when the broker is unreachable. */
  publish: (events: PendingEntry['events']) => Promise<InjectResult[]>;
  /** Called once an entry is delivered and recorded (the audit row); must not throw. */
  onDelivered: (entry: PendingEntry, placed: InjectResult[]) => Promise<void>;
  log: Logger;
  backoff?: BackoffOptions;
  /** Timer functions (tests use fake timers through vitest instead). */
  now?: () => Date;
}

export class OutboxDrainer {
  private readonly states = new Map<string, DeliveryState>();
  private running: Promise<unknown> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;
  private sending: string | null = null;
  private readonly backoff: BackoffOptions;
  private readonly now: () => Date;

  constructor(private readonly opts: DrainerOptions) {
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.now = opts.now ?? (() => new Date());
  }

  /** Delivery progress of an entry (zero attempts when never tried by this process). */
  state(entryId: string): DeliveryState {
    return this.states.get(entryId) ?? { attempts: 0, lastError: null, lastAttemptAt: null };
  }

  /** True while a delivery round is sending. */
  get delivering(): boolean {
    return this.running !== null;
  }

  /** The entry being published right now (it can no longer be discarded), or null. */
  get inFlight(): string | null {
    return this.sending;
  }

  /** Starts a delivery round now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Resolves when the current round (if any) is over; for tests and shutdown. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops retrying (the journal keeps what is pending for the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.idle();
  }

  /**
   * Delivers pending entries in order until the queue is empty or one fails.
   * @returns whether the queue was emptied
   */
  private async round(): Promise<boolean> {
    for (;;) {
      if (this.stopped) return false;
      const entry = this.opts.store.entries()[0];
      if (!entry) {
        this.failures = 0;
        return true;
      }
      const state = this.state(entry.entryId);
      state.attempts += 1;
      state.lastAttemptAt = this.now().toISOString();
      this.states.set(entry.entryId, state);
      let placed: InjectResult[];
      this.sending = entry.entryId;
      try {
        placed = await this.opts.publish(entry.events);
      } catch (err) {
        state.lastError = err instanceof Error ? err.message : String(err);
        this.retryLater(entry, state);
        return false;
      } finally {
        this.sending = null;
      }
      try {
        this.opts.store.markDelivered(entry.entryId, placed);
      } catch (err) {
        // Stored by Kafka but not recorded: sent again later with the same ids (applied once).
        state.lastError = `delivered, but the outbox journal could not record it: ${(err as Error).message}`;
        this.retryLater(entry, state);
        return false;
      }
      this.states.delete(entry.entryId);
      this.failures = 0;
      this.opts.log.info(
        { entryId: entry.entryId, events: entry.events.length, operator: entry.principal.operator },
        'outbox: queued injection delivered to Kafka',
      );
      await this.opts.onDelivered(entry, placed);
    }
  }

  private retryLater(entry: PendingEntry, state: DeliveryState): void {
    this.failures += 1;
    const delay = backoffDelay(this.failures, this.backoff);
    this.opts.log.warn(
      { entryId: entry.entryId, attempts: state.attempts, retryInMs: delay, err: state.lastError },
      'outbox: delivery failed; retrying',
    );
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, delay);
    this.timer.unref?.();
  }
}
